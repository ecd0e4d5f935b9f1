// Jobs end to end, below the API: Job, KafkaUser and Acl rows written as the jobs service writes
// them, a real controller reconciling them into real client-mode Spark drivers (the job runner)
// on a real compute cluster, reading a real one-broker SCRAM Kafka cluster; kcat is the outside
// producer and consumer, and the test's own Postgres database is a sink. One Kafka cluster and
// one compute cluster (one 4-core worker) serve the whole file. The tests run in order: the
// streaming job of the first is stopped, started, killed and finally deleted by the later ones.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { env, resetEnv } from "@weir/env";
import { encryptSecret, jobGroupPrefix, jobKafkaUsername, seedPriceBook, type JobSpecStored } from "@weir/domain";
import { kafkaAdmins } from "@weir/runtime";
import { jobPaths, localJobDir, parseProgress } from "@weir/runtime/jobs";
import { LocalJobRuntime, LocalKafkaRuntime, LocalSparkRuntime, LocalSupervisor } from "@weir/runtime/local";
import { ensureSpark } from "@weir/runtime/spark-artifacts";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHarness } from "../../../packages/api/test/harness.ts";
import { startTestController, until as waitUntil, type TestController } from "./support.ts";
import { clusterClientSecurity, type ClientSecurity } from "./tls-clients.ts";

const SECRET = "test-secret-key-0123456789abcdef0123456789";
process.env.WEIR_SECRET_KEY = SECRET;
resetEnv();

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-jobs-"));
let h: Awaited<ReturnType<typeof startHarness>>;
let bearer: string;
let orgId: string;
let tc: TestController;
let engine: LocalSparkRuntime;
let kafkaRuntime: LocalKafkaRuntime;
let jobs: LocalJobRuntime;
let kafkaClusterId: string;
let computeClusterId: string;
let bootstrap: string;
/** SASL_SSL trusting the cluster's CA (tls-clients.ts). */
let security: ClientSecurity;
let admin: { username: string; password: string };
const started = Date.now();

let lastSeen = "";
const until = <T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 180_000) =>
  waitUntil(what, fn, ms, () => lastSeen);

// ---------------------------------------------------------------- kcat

const kcatAuth = (u: { username: string; password: string }) => [
  "-b",
  bootstrap,
  ...security.kcat,
  "-X",
  "sasl.mechanisms=SCRAM-SHA-512",
  "-X",
  `sasl.username=${u.username}`,
  "-X",
  `sasl.password=${u.password}`,
];

function produce(topic: string, lines: string[]): void {
  const r = spawnSync("kcat", [...kcatAuth(admin), "-P", "-t", topic], {
    input: lines.join("\n") + "\n",
    encoding: "utf8",
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`kcat -P failed: ${r.stderr}`);
}

/** A kcat consumer left running: every record of the topic as it arrives. */
const consumers: ReturnType<typeof spawn>[] = [];
function tail(topic: string) {
  const records: { key: string; value: string }[] = [];
  const proc = spawn("kcat", [...kcatAuth(admin), "-C", "-t", topic, "-o", "beginning", "-q", "-u", "-f", "%k\t%s\n"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  consumers.push(proc);
  let buf = "";
  proc.stdout!.on("data", (chunk: Buffer) => {
    buf += chunk.toString("utf8");
    const lines = buf.split("\n");
    buf = lines.pop()!;
    for (const l of lines.filter(Boolean)) {
      const [key, ...rest] = l.split("\t");
      records.push({ key: key!, value: rest.join("\t") });
    }
  });
  return records;
}

// ---------------------------------------------------------------- jobs as the jobs service writes them

interface TestJob {
  id: string;
  username: string;
  password: string;
}

async function createJob(
  name: string,
  spec: JobSpecStored,
  opts: { sinkTopics?: string[]; sinkSecret?: { user: string; password: string }; restartPolicy?: string } = {},
): Promise<TestJob> {
  const id = randomUUID();
  const username = jobKafkaUsername(id);
  const password = randomBytes(18).toString("base64url");
  const sources = "sources" in spec ? spec.sources : [];
  const sinks = [
    ...(opts.sinkTopics ?? []),
    ...(spec.kind === "streaming-sql" && spec.sink.type === "kafka" ? [spec.sink.topic] : []),
  ];
  const acl = (resourceType: "TOPIC" | "GROUP", resourceName: string, operation: string, prefixed = false) => ({
    clusterId: kafkaClusterId,
    principal: `User:${username}`,
    resourceType,
    resourceName,
    patternType: prefixed ? ("PREFIXED" as const) : ("LITERAL" as const),
    operation,
    permission: "ALLOW" as const,
  });
  const { userId, aclIds } = await h.db.$transaction(async (tx) => {
    const passwordEncrypted = encryptSecret(password, SECRET);
    await tx.job.create({
      data: {
        id,
        orgId,
        computeClusterId,
        kafkaClusterId,
        name,
        kind: spec.kind,
        spec: spec as object,
        cores: 1,
        driverMemoryMb: 512,
        executorMemoryMb: 512,
        restartPolicy: opts.restartPolicy ?? "on-failure",
        kafkaUsername: username,
        kafkaPasswordEncrypted: passwordEncrypted,
        sinkSecretEncrypted: opts.sinkSecret ? encryptSecret(JSON.stringify(opts.sinkSecret), SECRET) : null,
      },
    });
    const user = await tx.kafkaUser.create({
      data: { clusterId: kafkaClusterId, name: username, pendingPasswordEncrypted: passwordEncrypted },
    });
    const rows = [
      ...sources.flatMap((t) => [acl("TOPIC", t, "READ"), acl("TOPIC", t, "DESCRIBE")]),
      acl("GROUP", jobGroupPrefix(id), "READ", true),
      ...sinks.flatMap((t) => [acl("TOPIC", t, "WRITE"), acl("TOPIC", t, "DESCRIBE")]),
    ];
    const created = await Promise.all(rows.map((data) => tx.acl.create({ data })));
    return { userId: user.id, aclIds: created.map((a) => a.id) };
  });
  const { controller } = tc;
  controller.enqueue({ kind: "KafkaUser", id: userId });
  for (const a of aclIds) controller.enqueue({ kind: "Acl", id: a });
  controller.enqueue({ kind: "Job", id });
  return { id, username, password };
}

/** What the API does for stop, start and delete: desired state or status, a new generation, a NOTIFY. */
async function setJob(id: string, data: { desiredState?: string; status?: "DELETING"; attempt?: number }) {
  await h.db.job.update({ where: { id }, data: { ...data, generation: { increment: 1 } } });
  tc.controller.enqueue({ kind: "Job", id });
}

const getJob = async (id: string) => {
  const j = await h.db.job.findUnique({ where: { id } });
  lastSeen = j ? `${j.status}: ${j.statusReason}` : "gone";
  return j;
};

const jobIs = (id: string, ...statuses: string[]) =>
  until(`job ${statuses.join("/")}`, async () => {
    const j = await getJob(id);
    return j && statuses.includes(j.status) && j;
  });

const jobDir = (id: string) => localJobDir(dataDir, computeClusterId, id);
const progressEvents = (id: string) => {
  const f = jobPaths(jobDir(id)).progressFile;
  return fs.existsSync(f) ? parseProgress(fs.readFileSync(f, "utf8")) : [];
};
/** Processes carrying the job's marker (its spec file path): the driver JVM and the Python runner. */
const driverPids = (id: string) => {
  const r = spawnSync("pgrep", ["-f", "--", jobPaths(jobDir(id)).specFile], { encoding: "utf8" });
  return r.stdout.split("\n").filter(Boolean).map(Number);
};
const eventsOf = async (id: string) =>
  h.db.resourceEvent.findMany({ where: { kind: "Job", resourceId: id }, orderBy: { id: "asc" } });

// ---------------------------------------------------------------- the orders

const ORDER_SCHEMA = "order_id STRING, product STRING, amount DOUBLE, ts TIMESTAMP";
const order = (id: number, product: string, amount: number, ts: string) =>
  JSON.stringify({ order_id: `o${id}`, product, amount, ts });
const REVENUE_SQL = `SELECT window.start AS window_start, product, SUM(amount) AS revenue, COUNT(*) AS orders
  FROM events GROUP BY window(ts, '1 minute'), product`;

const streamingSpec = (
  sink: Extract<JobSpecStored, { kind: "streaming-sql" }>["sink"],
  sources = ["orders"],
): JobSpecStored => ({
  kind: "streaming-sql",
  sources,
  format: { type: "json", schema: ORDER_SCHEMA },
  view: "events",
  sql: REVENUE_SQL,
  watermark: { column: "ts", delay: "10 minutes" },
  sink,
  trigger: "1 second",
  outputMode: "update",
  startingOffsets: "earliest",
});

/** Every total a (window, product) was ever emitted with, in order. */
function totals(records: { key: string; value: string }[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const { key, value } of records) {
    const v = JSON.parse(value) as { window_start: string; product: string; revenue: number };
    expect(key).toBe(v.product);
    (out[`${v.window_start.slice(11, 16)} ${v.product}`] ??= []).push(v.revenue);
  }
  return out;
}
const latest = (t: Record<string, number[]>) =>
  Object.fromEntries(
    Object.entries(t)
      .map(([k, v]) => [k, v.at(-1)!] as const)
      .sort(),
  );

// ---------------------------------------------------------------- setup

beforeAll(async () => {
  h = await startHarness();
  await seedPriceBook(h.db);
  const me = await h.signUp("jobs-owner");
  orgId = me.orgId;
  const spark = () => ensureSpark(env().WEIR_CACHE_DIR);
  const supervisor = new LocalSupervisor();
  engine = new LocalSparkRuntime({ dataDir, spark }, supervisor);
  jobs = new LocalJobRuntime({ dataDir, spark }, supervisor);
  kafkaRuntime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
  tc = await startTestController(h, { runtime: kafkaRuntime, engine, jobs, secretKey: SECRET }, (wake) => {
    kafkaRuntime.onExit((id) => wake("KafkaCluster", id));
    engine.onExit((id) => wake("ComputeCluster", id));
  });
  jobs.onExit((_cc, id) => tc.controller.enqueue({ kind: "Job", id }));
  await until("org ready", async () => (await h.db.project.count({ where: { orgId } })) > 0, 30_000);
  bearer = await h.apiKey(me, "ADMIN");

  const k = await h.rest("POST", "/clusters", {
    body: { name: "events", brokerCount: 1, brokerInstanceType: "kafka.t3.small", storageGbPerBroker: 20 },
    as: { bearer },
  });
  expect(k.status, JSON.stringify(k.body)).toBe(201);
  kafkaClusterId = k.body.id;
  const c = await h.rest("POST", "/compute-clusters", {
    body: { name: "etl", workerCount: 1, workerInstanceType: "t2.xlarge", kafkaClusterId },
    as: { bearer },
  });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  computeClusterId = c.body.id;

  const kafka = await until("Kafka RUNNING", async () => {
    const r = await h.rest("GET", `/clusters/${kafkaClusterId}`, { as: { bearer } });
    return r.body.status === "RUNNING" && r.body;
  });
  bootstrap = kafka.bootstrapServers.split(",")[0];
  security = await clusterClientSecurity(h.db, kafkaClusterId);
  const cred = await h.rest("POST", `/clusters/${kafkaClusterId}/admin-credential`, { body: {}, as: { bearer } });
  admin = { username: cred.body.username, password: cred.body.password };
  for (const name of ["orders", "orders-pg", "revenue", "secrets", "forbidden"]) {
    const t = await h.rest("POST", `/clusters/${kafkaClusterId}/topics`, {
      body: { name, partitions: 1, replicationFactor: 1 },
      as: { bearer },
    });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
  }
  await until("topics READY", async () => (await h.db.topic.count({ where: { status: "READY" } })) === 5);
  await until("compute cluster RUNNING", async () => {
    const r = await h.rest("GET", `/compute-clusters/${computeClusterId}`, { as: { bearer } });
    return r.body.status === "RUNNING";
  });
  console.log(`[job.test] clusters ready after ${((Date.now() - started) / 1000).toFixed(0)} s`);
}, 300_000);

afterAll(async () => {
  try {
    for (const p of consumers) p.kill("SIGTERM");
    if (computeClusterId) {
      await jobs.deleteGroup(computeClusterId);
      await engine.deleteGroup(computeClusterId);
    }
    if (kafkaClusterId) await kafkaRuntime.deleteGroup(kafkaClusterId);
    await tc?.stop();
    await kafkaAdmins.close();
  } finally {
    await h.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    console.log(`[job.test] file took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}, 120_000);

// ---------------------------------------------------------------- tests

describe("jobs", () => {
  let revenue: TestJob;
  const out = { records: [] as { key: string; value: string }[] };

  test("a streaming SQL job computes revenue per product per minute into a topic", async () => {
    produce("orders", [
      order(1, "apple", 2.5, "2026-01-01T10:00:05Z"),
      order(2, "pear", 4, "2026-01-01T10:00:10Z"),
      order(3, "apple", 1.5, "2026-01-01T10:00:50Z"),
      order(4, "apple", 10, "2026-01-01T10:01:01Z"),
      order(5, "pear", 1, "2026-01-01T10:01:30Z"),
    ]);
    out.records = tail("revenue");
    const t0 = Date.now();
    revenue = await createJob("revenue", streamingSpec({ type: "kafka", topic: "revenue", keyColumn: "product" }));
    const running = await jobIs(revenue.id, "RUNNING");
    expect(running.applicationId).toMatch(/^app-/);
    const expected = { "10:00 apple": 4, "10:00 pear": 4, "10:01 apple": 10, "10:01 pear": 1 };
    await until("the aggregates in the output topic", async () =>
      JSON.stringify(latest(totals(out.records))) === JSON.stringify(expected) ? true : undefined,
    );
    console.log(`[job.test] create → first aggregates ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // Progress lines became samples, with the state rows of the four windows.
    const sample = await until("a progress sample with input", () =>
      h.db.jobProgressSample.findFirst({ where: { jobId: revenue.id, numInputRows: { gt: 0 } } }),
    );
    expect(sample.batchDurationMs).toBeGreaterThan(0);
    await until("state rows sampled", () =>
      h.db.jobProgressSample.findFirst({ where: { jobId: revenue.id, stateRows: 4n } }),
    );
    // The driver carries the marker; neither it nor the runner has the password on its command line.
    const pids = driverPids(revenue.id);
    expect(pids).toContain(running.pid);
    for (const pid of pids) expect(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8")).not.toContain(revenue.password);
    expect(fs.statSync(jobPaths(jobDir(revenue.id)).credentialsFile).mode & 0o777).toBe(0o600);
    expect(await h.db.portLease.count({ where: { ownerId: revenue.id, port: running.uiPort! } })).toBe(1);
    expect(
      await h.db.runInterval.count({ where: { instanceId: revenue.id, dimension: "JOB_HOURS", endedAt: null } }),
    ).toBe(1);
    expect((await eventsOf(revenue.id)).map((e) => e.reason)).toContain("Started");
  }, 300_000);

  test("stop, then start: it resumes from its checkpoint and no window is emitted with a wrong total", async () => {
    await setJob(revenue.id, { desiredState: "stopped" });
    await jobIs(revenue.id, "STOPPED");
    expect(driverPids(revenue.id)).toEqual([]);
    // The runner stopped its queries on SIGTERM and said so (a listener's "terminated" may follow).
    expect(progressEvents(revenue.id).map((e) => e.event)).toContain("stopped");
    expect(fs.existsSync(jobPaths(jobDir(revenue.id)).credentialsFile)).toBe(false);
    expect(await h.db.runInterval.count({ where: { instanceId: revenue.id, endedAt: null } })).toBe(0);

    // Orders that arrive while it is stopped are processed once it runs again.
    produce("orders", [order(6, "apple", 5, "2026-01-01T10:01:40Z"), order(7, "pear", 3, "2026-01-01T10:02:10Z")]);
    await setJob(revenue.id, { desiredState: "running" });
    await jobIs(revenue.id, "RUNNING");
    const expected = { "10:00 apple": 4, "10:00 pear": 4, "10:01 apple": 15, "10:01 pear": 1, "10:02 pear": 3 };
    await until("the aggregates after the restart", async () =>
      JSON.stringify(latest(totals(out.records))) === JSON.stringify(expected) ? true : undefined,
    );
    // Without the checkpoint, 10:01 apple would have been emitted as 5 (the new order alone).
    const all = totals(out.records);
    expect([...new Set(all["10:01 apple"])]).toEqual([10, 15]);
    for (const k of ["10:00 apple", "10:00 pear", "10:01 pear"])
      expect(new Set(all[k])).toEqual(new Set([expected[k as keyof typeof expected]]));
    const job = (await getJob(revenue.id))!;
    expect(job.restartCount).toBe(0);
  }, 300_000);

  test("kill -9 of the driver (restart policy on-failure): restarted, and it carries on", async () => {
    const before = (await getJob(revenue.id))!;
    process.kill(before.pid!, "SIGKILL");
    const after = await until("restarted and running", async () => {
      const j = await getJob(revenue.id);
      return j && j.status === "RUNNING" && j.restartCount === 1 && j.pid !== before.pid && j;
    });
    expect(driverPids(revenue.id)).toContain(after.pid);
    const reasons = (await eventsOf(revenue.id)).map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(["DriverExited", "Restarted"]));
    produce("orders", [order(8, "pear", 2, "2026-01-01T10:02:20Z")]);
    await until("the aggregate after the crash", async () =>
      latest(totals(out.records))["10:02 pear"] === 5 ? true : undefined,
    );
    expect([...new Set(totals(out.records)["10:01 apple"])]).toEqual([10, 15]);
  }, 300_000);

  test("kill -9 of the worker: the compute cluster restarts it and the job survives (same driver)", async () => {
    const before = (await getJob(revenue.id))!;
    const worker = await h.db.computeNode.findFirstOrThrow({ where: { computeClusterId, role: "worker" } });
    process.kill(worker.pid!, "SIGKILL");
    await until("the worker restarted", async () => {
      const w = await h.db.computeNode.findFirst({ where: { id: worker.id } });
      return w && w.pid !== worker.pid && w.status === "RUNNING" && w.restartCount > worker.restartCount;
    });
    produce("orders", [order(9, "apple", 1, "2026-01-01T10:02:30Z")]);
    await until("the aggregate after the worker came back", async () =>
      latest(totals(out.records))["10:02 apple"] === 1 ? true : undefined,
    );
    const after = (await getJob(revenue.id))!;
    // Same driver, not restarted. (The restart count may have fallen back to 0 meanwhile: the
    // instance policy forgets past restarts once a driver has run stably for a while.)
    expect(after).toMatchObject({ status: "RUNNING", pid: before.pid });
    expect(after.restartCount).toBeLessThanOrEqual(before.restartCount);
  }, 300_000);

  test("the job's Kafka user cannot read a topic outside its sources", async () => {
    produce("secrets", ["s3cret"]);
    const refused = spawnSync("kcat", [...kcatAuth(revenue), "-C", "-t", "secrets", "-o", "beginning", "-e", "-q"], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(refused.stdout).not.toContain("s3cret");
    expect(refused.stderr).toMatch(/authoriz/i);
    const allowed = spawnSync(
      "kcat",
      [...kcatAuth(revenue), "-C", "-t", "orders", "-o", "beginning", "-e", "-q", "-c", "1"],
      { encoding: "utf8", timeout: 30_000 },
    );
    expect(allowed.stdout).toContain('"order_id":"o1"');
  }, 60_000);

  test("a Postgres sink ends with exactly one row per window after a stop and a start", async () => {
    // Its own source topic, so this test runs alone too (vitest -t Postgres).
    produce("orders-pg", [
      order(1, "apple", 2.5, "2026-01-01T10:00:05Z"),
      order(2, "pear", 4, "2026-01-01T10:00:10Z"),
      order(3, "apple", 10, "2026-01-01T10:01:01Z"),
    ]);
    const url = new URL(h.url);
    const jdbc = `jdbc:postgresql://${url.hostname}:${url.port || 5432}${url.pathname}`;
    const job = await createJob(
      "revenue-pg",
      streamingSpec(
        { type: "postgres", url: jdbc, table: "revenue_by_window", keyColumns: ["window_start", "product"] },
        ["orders-pg"],
      ),
      { sinkSecret: { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } },
    );
    const rows = async () =>
      (
        await h.db
          .$queryRawUnsafe<{ w: string; product: string; revenue: number; n: bigint }[]>(
            `SELECT to_char(window_start, 'HH24:MI') AS w, product, revenue, count(*) OVER (PARTITION BY window_start, product) AS n
           FROM revenue_by_window ORDER BY 1, 2`,
          )
          .catch(() => [])
      ).map((r) => ({ ...r, n: Number(r.n) }));
    const expected = (apple01: number) => [
      { w: "10:00", product: "apple", revenue: 2.5, n: 1 },
      { w: "10:00", product: "pear", revenue: 4, n: 1 },
      { w: "10:01", product: "apple", revenue: apple01, n: 1 },
    ];
    await until("the table holds every window", async () => {
      lastSeen = JSON.stringify(await rows());
      return lastSeen === JSON.stringify(expected(10));
    });
    await setJob(job.id, { desiredState: "stopped" });
    await jobIs(job.id, "STOPPED");
    produce("orders-pg", [order(4, "apple", 5, "2026-01-01T10:01:40Z")]);
    await setJob(job.id, { desiredState: "running" });
    await until("the table after the restart", async () => {
      lastSeen = JSON.stringify(await rows());
      return lastSeen === JSON.stringify(expected(15));
    });
    const pgc = new pg.Client({ connectionString: h.url });
    await pgc.connect();
    try {
      const { rows: dup } = await pgc.query(
        "SELECT window_start, product, count(*) FROM revenue_by_window GROUP BY 1, 2 HAVING count(*) > 1",
      );
      expect(dup).toEqual([]);
    } finally {
      await pgc.end();
    }
    expect((await getJob(job.id))!.restartCount).toBe(0);
    await setJob(job.id, { status: "DELETING" });
    await until("the Postgres job deleted", async () => !(await getJob(job.id)));
  }, 300_000);

  test("an unknown column: FAILED with Spark's error class, nothing left running", async () => {
    const spec = streamingSpec({ type: "kafka", topic: "revenue" });
    const job = await createJob("bad-column", {
      ...spec,
      sql: "SELECT product, SUM(price) AS revenue FROM events GROUP BY product",
    } as JobSpecStored);
    const failed = await jobIs(job.id, "FAILED");
    expect(failed.errorClass).toMatch(/^UNRESOLVED_COLUMN/);
    expect(failed.statusReason).toMatch(/UNRESOLVED_COLUMN.*price/s);
    expect(failed.restartCount).toBe(0);
    expect(failed.pid).toBeNull();
    expect(driverPids(job.id)).toEqual([]);
    expect(await h.db.runInterval.count({ where: { instanceId: job.id, endedAt: null } })).toBe(0);
    // It stays FAILED: nothing restarts it.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await getJob(job.id))!.status).toBe("FAILED");
    expect(driverPids(job.id)).toEqual([]);
  }, 300_000);

  test("a PySpark script writing to a topic it has no ACL for: FAILED with Kafka's authorization message", async () => {
    const script = [
      'df = spark.createDataFrame([("k", "v")], ["key", "value"])',
      'df.write.format("kafka").options(**weir["kafka_options"]).option("topic", "forbidden").save()',
    ].join("\n");
    const job = await createJob(
      "no-acl",
      { kind: "pyspark-script", script, args: [], sources: [], sinkTopics: [] },
      { sinkTopics: ["revenue"] },
    );
    const failed = await jobIs(job.id, "FAILED");
    expect(failed.statusReason).toMatch(/not authorized|TopicAuthorization/i);
    expect(failed.statusReason).toMatch(/forbidden/);
    expect(driverPids(job.id)).toEqual([]);
  }, 300_000);

  test("delete: the driver, its directory, its Kafka user and ACLs are gone", async () => {
    const dir = jobDir(revenue.id);
    expect(fs.existsSync(dir)).toBe(true);
    await setJob(revenue.id, { status: "DELETING" });
    await until("the job row gone", async () => !(await getJob(revenue.id)));
    expect(driverPids(revenue.id)).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
    expect(await h.db.portLease.count({ where: { ownerId: revenue.id } })).toBe(0);
    expect(await h.db.runInterval.count({ where: { instanceId: revenue.id, endedAt: null } })).toBe(0);
    await until("the job's Kafka user and ACLs removed", async () => {
      const users = await h.db.kafkaUser.count({ where: { name: revenue.username } });
      const acls = await h.db.acl.count({ where: { principal: `User:${revenue.username}` } });
      return users + acls === 0;
    });
    // Kafka no longer knows the user: its credentials are refused.
    const r = spawnSync("kcat", [...kcatAuth(revenue), "-L", "-m", "5"], { encoding: "utf8", timeout: 30_000 });
    expect(r.status).not.toBe(0);
  }, 120_000);
});
