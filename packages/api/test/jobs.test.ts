// Jobs over the real REST handlers against a real Postgres: submission (the job, its Kafka
// user and exactly its ACLs in one transaction; every bad input a 400 naming the field; no
// secret stored in the spec or answered), tenancy and roles, stop/start/restart from scratch,
// delete, and reading back the driver log and a batch job's preview and result from crafted
// files in the job's directory. No Kafka runs: topics are checked against Weir's Topic rows.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { encryptSecret, ensureDefaultProject, jobGroupPrefix, jobKafkaUsername } from "@weir/domain";
import { resetEnv } from "@weir/env";
import { jobPaths, localJobDir } from "@weir/runtime/jobs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHarness } from "./harness.ts";

const SECRET = randomBytes(32).toString("hex");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-jobs-"));
process.env.WEIR_SECRET_KEY = SECRET;
process.env.WEIR_DATA_DIR = dataDir;
resetEnv();

let h: Awaited<ReturnType<typeof startHarness>>;
let owner: Awaited<ReturnType<Awaited<ReturnType<typeof startHarness>>["signUp"]>>;
let stranger: typeof owner;
let dev: string;
let viewer: string;
let strangerKey: string;
let ccId: string;
let kafkaId: string;

const SCHEMA = "product STRING, amount DOUBLE, ts TIMESTAMP, tags ARRAY<STRING>, meta STRUCT<shop: STRING, n: BIGINT>";
const PG_PASSWORD = "s3cret-Pg-pass-word";

const api = (method: string, p: string, body?: unknown, key = dev) =>
  h.rest(method, `/compute-clusters/${ccId}${p}`, { as: { bearer: key }, ...(body === undefined ? {} : { body }) });

const streaming = (over: Record<string, unknown> = {}, name = `j-${randomBytes(3).toString("hex")}`) => ({
  name,
  spec: {
    kind: "streaming-sql",
    sources: ["orders"],
    format: { schema: SCHEMA },
    sql: "SELECT product, window(ts, '1 minute') AS w, sum(amount) AS revenue FROM events GROUP BY product, w",
    watermark: { column: "ts", delay: "10 seconds" },
    sink: { type: "kafka", topic: "revenue", keyColumn: "product" },
    ...over,
  },
});

beforeAll(async () => {
  h = await startHarness();
  owner = await h.signUp("owner");
  stranger = await h.signUp("stranger");
  await ensureDefaultProject(h.db, owner.orgId);
  await ensureDefaultProject(h.db, stranger.orgId);
  dev = await h.apiKey(owner, "DEVELOPER");
  viewer = await h.apiKey(owner, "VIEWER");
  strangerKey = await h.apiKey(stranger, "OWNER");
  const project = await h.db.project.findFirstOrThrow({ where: { orgId: owner.orgId } });
  const kafka = await h.db.kafkaCluster.create({
    data: {
      orgId: owner.orgId,
      projectId: project.id,
      name: "events",
      kafkaVersion: "3.9.2",
      brokerCount: 1,
      brokerInstanceType: "kafka.t3.small",
      storageGbPerBroker: 10,
      adminUsername: "weir-admin",
      adminPasswordEncrypted: encryptSecret("unused", SECRET),
      status: "PROVISIONING",
    },
  });
  kafkaId = kafka.id;
  for (const name of ["orders", "clicks", "revenue"]) {
    await h.db.topic.create({
      data: { clusterId: kafka.id, name, partitions: 1, replicationFactor: 1, status: "READY" },
    });
  }
  const cc = await h.db.computeCluster.create({
    data: {
      orgId: owner.orgId,
      projectId: project.id,
      name: "spark",
      sparkVersion: "4.2.0",
      workerCount: 1,
      workerInstanceType: "t2.small",
      kafkaClusterId: kafka.id,
      status: "RUNNING",
    },
  });
  ccId = cc.id;
});

afterAll(async () => {
  await h?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("submission", () => {
  test("a streaming SQL job is QUEUED with its Kafka user and exactly its ACLs", async () => {
    const r = await api("POST", "/jobs", streaming({ sources: ["orders", "clicks"] }, "revenue-per-minute"));
    expect(r.status).toBe(201);
    const job = r.body;
    expect(job).toMatchObject({
      name: "revenue-per-minute",
      kind: "streaming-sql",
      status: "QUEUED",
      desiredState: "running",
      attempt: 1,
      sources: ["orders", "clicks"],
      kafkaCluster: { id: kafkaId, name: "events" },
      sink: { type: "kafka", topic: "revenue", guarantee: "at-least-once" },
      kafkaUsername: jobKafkaUsername(job.id),
      uiPath: null,
    });
    expect(job.spec).toMatchObject({ view: "events", trigger: "1 second", outputMode: "update" });

    const row = await h.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row.kafkaPasswordEncrypted).toMatch(/^v1\./);
    const user = await h.db.kafkaUser.findFirstOrThrow({ where: { clusterId: kafkaId, name: row.kafkaUsername! } });
    expect(user.pendingPasswordEncrypted).toMatch(/^v1\./);

    const acls = await h.db.acl.findMany({ where: { clusterId: kafkaId, principal: `User:${row.kafkaUsername}` } });
    const got = acls.map((a) => `${a.operation} ${a.resourceType}:${a.resourceName} ${a.patternType}`).sort();
    expect(got).toEqual(
      [
        "READ TOPIC:orders LITERAL",
        "DESCRIBE TOPIC:orders LITERAL",
        "READ TOPIC:clicks LITERAL",
        "DESCRIBE TOPIC:clicks LITERAL",
        `READ GROUP:${jobGroupPrefix(job.id)} PREFIXED`,
        "WRITE TOPIC:revenue LITERAL",
        "DESCRIBE TOPIC:revenue LITERAL",
      ].sort(),
    );
    expect(acls.every((a) => a.permission === "ALLOW" && a.host === "*")).toBe(true);

    const list = await api("GET", "/jobs");
    expect(list.status).toBe(200);
    expect(list.body.items.map((j: { id: string }) => j.id)).toContain(job.id);
  });

  test("a Postgres sink keeps its credentials encrypted, never in the spec or an answer", async () => {
    const r = await api(
      "POST",
      "/jobs",
      streaming(
        {
          sink: {
            type: "postgres",
            url: `postgresql://writer:${PG_PASSWORD}@db.example:5433/analytics?sslmode=disable`,
            table: "revenue",
            keyColumns: ["product", "w"],
          },
        },
        "to-postgres",
      ),
    );
    expect(r.status).toBe(201);
    expect(r.body.sink).toMatchObject({
      type: "postgres",
      url: "jdbc:postgresql://db.example:5433/analytics?sslmode=disable",
      credentialsStored: true,
      guarantee: "effectively-once",
    });
    const row = await h.db.job.findUniqueOrThrow({ where: { id: r.body.id } });
    expect(JSON.stringify(row.spec)).not.toContain(PG_PASSWORD);
    expect(JSON.stringify(row.spec)).not.toContain("writer");
    expect(row.sinkSecretEncrypted).toMatch(/^v1\./);
    for (const p of [`/jobs/${r.body.id}`, "/jobs"]) {
      const g = await api("GET", p);
      expect(g.status).toBe(200);
      expect(JSON.stringify(g.body)).not.toContain(PG_PASSWORD);
    }
    // No Kafka sink topic: only the source and group bindings.
    const acls = await h.db.acl.count({ where: { principal: `User:${row.kafkaUsername}` } });
    expect(acls).toBe(3);
  });

  test("batch SQL and PySpark scripts", async () => {
    const batch = await api("POST", "/jobs", {
      name: "orders-by-product",
      spec: { kind: "batch-sql", sources: ["orders"], format: { schema: SCHEMA }, sql: "SELECT * FROM events" },
    });
    expect(batch.status).toBe(201);
    expect(batch.body).toMatchObject({ kind: "batch-sql", sink: null });
    const script = await api("POST", "/jobs", {
      name: "script",
      restartPolicy: "never",
      spec: { kind: "pyspark-script", script: "print(spark.version)", sinkTopics: ["revenue"] },
    });
    expect(script.status).toBe(201);
    const acls = await h.db.acl.findMany({ where: { principal: `User:${script.body.kafkaUsername}` } });
    expect(acls.map((a) => `${a.operation} ${a.resourceType}:${a.resourceName}`).sort()).toEqual(
      [`READ GROUP:${jobGroupPrefix(script.body.id)}`, "DESCRIBE TOPIC:revenue", "WRITE TOPIC:revenue"].sort(),
    );
  });

  test.each([
    ["an unknown source topic", { sources: ["orders", "nope"] }, "spec.sources.1", /"nope" does not exist/],
    ["an unknown sink topic", { sink: { type: "kafka", topic: "nope" } }, "spec.sink.topic", /does not exist/],
    ["a schema that does not parse", { format: { schema: "product STRNG" } }, "spec.format.schema", /Unknown type/],
    ["an unclosed STRUCT", { format: { schema: "a STRUCT<b: INT" } }, "spec.format.schema", /Expected >/],
    ["a bad DECIMAL", { format: { schema: "a DECIMAL(40,2)" } }, "spec.format.schema", /precision/],
    [
      "a watermark column not in the schema",
      { watermark: { column: "when", delay: "10 seconds" } },
      "spec.watermark.column",
      /not a column/,
    ],
    [
      "a watermark column that is not a timestamp",
      { watermark: { column: "amount", delay: "10 seconds" } },
      "spec.watermark.column",
      /TIMESTAMP/,
    ],
    [
      "a sink URL that is not Postgres",
      { sink: { type: "postgres", url: "mysql://u:p@h/db", table: "t", keyColumns: ["k"] } },
      "spec.sink.url",
      /postgresql:\/\//,
    ],
    [
      "a Postgres URL without a database",
      { sink: { type: "postgres", url: "postgresql://u:p@h:5432/", table: "t", keyColumns: ["k"] } },
      "spec.sink.url",
      /database/,
    ],
    ["a bad trigger", { trigger: "soon" }, "spec.trigger", /1 second/],
  ])("%s is a 400 naming the field", async (_what, over, field, message) => {
    const r = await api("POST", "/jobs", streaming(over));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("VALIDATION_FAILED");
    expect(Object.keys(r.body.error.fields)).toContain(field);
    expect(r.body.error.fields[field]).toMatch(message);
  });

  test("a batch range must end after it starts; a compute cluster without Kafka takes topic-less scripts only", async () => {
    const range = await api("POST", "/jobs", {
      name: "ranged",
      spec: {
        kind: "batch-sql",
        sources: ["orders"],
        format: { schema: SCHEMA },
        sql: "SELECT 1",
        from: "2026-03-02T00:00:00Z",
        to: "2026-03-01T00:00:00Z",
      },
    });
    expect(range.status).toBe(400);
    expect(range.body.error.fields).toHaveProperty("spec.to");

    const project = await h.db.project.findFirstOrThrow({ where: { orgId: owner.orgId } });
    const bare = await h.db.computeCluster.create({
      data: {
        orgId: owner.orgId,
        projectId: project.id,
        name: "no-kafka",
        sparkVersion: "4.2.0",
        workerCount: 1,
        workerInstanceType: "t2.small",
      },
    });
    const post = (body: unknown) => h.rest("POST", `/compute-clusters/${bare.id}/jobs`, { as: { bearer: dev }, body });
    const sql = await post(streaming());
    expect(sql.status).toBe(400);
    expect(sql.body.error.fields).toHaveProperty("kafkaClusterId");
    const script = await post({ name: "pi", spec: { kind: "pyspark-script", script: "print(1)" } });
    expect(script.status).toBe(201);
    expect(script.body).toMatchObject({ kafkaCluster: null, kafkaUsername: null, sources: [] });
    await h.db.computeCluster.update({ where: { id: bare.id }, data: { status: "DELETING" } });
    expect((await post({ name: "late", spec: { kind: "pyspark-script", script: "print(1)" } })).status).toBe(409);
  });

  test("nothing is half-written by a refused submission", async () => {
    const before = await Promise.all([h.db.job.count(), h.db.kafkaUser.count(), h.db.acl.count()]);
    await api("POST", "/jobs", streaming({ sources: ["nope"] }));
    expect(await Promise.all([h.db.job.count(), h.db.kafkaUser.count(), h.db.acl.count()])).toEqual(before);
  });

  test("a taken name is a 409 naming it; another org's Kafka cluster is a 400", async () => {
    const r = await api("POST", "/jobs", streaming({}, "revenue-per-minute"));
    expect(r.status).toBe(409);
    expect(r.body.error.fields).toHaveProperty("name");
    const other = await api("POST", "/jobs", {
      ...streaming(),
      kafkaClusterId: "00000000-0000-4000-8000-000000000000",
    });
    expect(other.status).toBe(400);
    expect(other.body.error.fields).toHaveProperty("kafkaClusterId");
  });
});

describe("tenancy and roles", () => {
  test("another org sees 404 for the compute cluster and its jobs", async () => {
    const job = (await api("GET", "/jobs")).body.items[0];
    expect((await api("GET", "/jobs", undefined, strangerKey)).status).toBe(404);
    expect((await api("GET", `/jobs/${job.id}`, undefined, strangerKey)).status).toBe(404);
    expect((await api("POST", `/jobs/${job.id}/stop`, {}, strangerKey)).status).toBe(404);
    expect((await api("DELETE", `/jobs/${job.id}`, undefined, strangerKey)).status).toBe(404);
    expect((await api("POST", "/jobs", streaming(), strangerKey)).status).toBe(404);
  });

  test("a viewer reads but cannot create, stop, start or delete", async () => {
    const job = (await api("GET", "/jobs", undefined, viewer)).body.items[0];
    expect((await api("GET", `/jobs/${job.id}`, undefined, viewer)).status).toBe(200);
    expect((await api("POST", "/jobs", streaming(), viewer)).status).toBe(403);
    expect((await api("POST", `/jobs/${job.id}/stop`, {}, viewer)).status).toBe(403);
    expect((await api("POST", `/jobs/${job.id}/start`, {}, viewer)).status).toBe(403);
    expect((await api("DELETE", `/jobs/${job.id}`, undefined, viewer)).status).toBe(403);
  });
});

describe("lifecycle", () => {
  test("stop, start, restart from scratch and delete bump the desired state", async () => {
    const job = (await api("POST", "/jobs", streaming())).body;
    expect((await api("POST", `/jobs/${job.id}/start`, {})).status).toBe(409);

    const stopped = await api("POST", `/jobs/${job.id}/stop`, {});
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ desiredState: "stopped", status: "STOPPING", generation: 2 });
    await h.db.job.update({ where: { id: job.id }, data: { status: "STOPPED" } });

    const started = await api("POST", `/jobs/${job.id}/start`, {});
    expect(started.body).toMatchObject({ desiredState: "running", status: "QUEUED", attempt: 1, generation: 3 });

    const scratch = await api("POST", `/jobs/${job.id}/start`, { fromScratch: true });
    expect(scratch.body).toMatchObject({ desiredState: "running", attempt: 2, generation: 4 });

    const wrongName = await api("DELETE", `/jobs/${job.id}?confirmName=other`);
    expect(wrongName.status).toBe(400);
    expect(wrongName.body.error.fields).toHaveProperty("confirmName");
    const deleted = await api("DELETE", `/jobs/${job.id}?confirmName=${job.name}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.status).toBe("DELETING");
    expect((await api("POST", `/jobs/${job.id}/stop`, {})).status).toBe(409);
    expect((await api("POST", `/jobs/${job.id}/start`, {})).status).toBe(409);

    const audit = await h.db.auditEvent.findMany({ where: { resourceId: job.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual([
      "job.create",
      "job.stop",
      "job.start",
      "job.restart_from_scratch",
      "job.delete",
    ]);
  });

  test("the Spark UI path appears once the driver registered and runs", async () => {
    const job = (await api("POST", "/jobs", streaming())).body;
    await h.db.job.update({ where: { id: job.id }, data: { status: "RUNNING", applicationId: "app-2026-0001" } });
    expect((await api("GET", `/jobs/${job.id}`)).body.uiPath).toBe("proxy/app-2026-0001/");
  });

  test("progress samples in the window, for charts", async () => {
    const job = (await api("GET", "/jobs")).body.items[0];
    const now = Date.now();
    await h.db.jobProgressSample.createMany({
      data: [3, 2, 1, 90].map((minAgo, i) => ({
        jobId: job.id,
        batchId: i,
        sampledAt: new Date(now - minAgo * 60_000),
        numInputRows: BigInt(10 * i),
        inputRowsPerSec: 5.5,
        processedRowsPerSec: 6,
        batchDurationMs: 120,
        offsetsBehind: BigInt(7),
        watermark: new Date(now - 60_000),
        stateRows: BigInt(4),
      })),
    });
    const r = await api("GET", `/jobs/${job.id}/progress?minutes=10`);
    expect(r.status).toBe(200);
    expect(r.body.samples.map((s: { batchId: number }) => s.batchId)).toEqual([0, 1, 2]);
    expect(r.body.samples[2]).toMatchObject({ inputRowsPerSec: 5.5, offsetsBehind: 7, stateRows: 4, numInputRows: 20 });
    const list = await api("GET", "/jobs");
    expect(list.body.items.find((j: { id: string }) => j.id === job.id).latestProgress.batchId).toBe(2);
  });
});

describe("logs and results", () => {
  test("the driver log: last lines matching a search, the rotated copy included, and a download", async () => {
    const job = (await api("GET", "/jobs")).body.items[0];
    const files = jobPaths(localJobDir(dataDir, ccId, job.id));
    fs.mkdirSync(path.dirname(files.driverLog), { recursive: true });
    fs.writeFileSync(`${files.driverLog}.1`, "old INFO one\nold ERROR first failure\n");
    fs.writeFileSync(
      files.driverLog,
      Array.from({ length: 50 }, (_, i) => `line ${i} ${i % 10 === 0 ? "error: [UNRESOLVED_COLUMN]" : "INFO ok"}`).join(
        "\n",
      ) + "\n",
    );
    const all = await api("GET", `/jobs/${job.id}/logs?lines=3`);
    expect(all.body).toMatchObject({ lines: ["line 47 INFO ok", "line 48 INFO ok", "line 49 INFO ok"], matched: 52 });
    const errors = await api("GET", `/jobs/${job.id}/logs?search=ERROR&lines=100`);
    expect(errors.body.matched).toBe(6);
    expect(errors.body.lines[0]).toBe("old ERROR first failure");
    expect(errors.body.lines.at(-1)).toBe("line 40 error: [UNRESOLVED_COLUMN]");
    const dl = await api("GET", `/jobs/${job.id}/logs/download`);
    expect(dl.body).toMatchObject({ contentType: "text/plain", truncated: false });
    expect(dl.body.content.startsWith("old INFO one\n")).toBe(true);
    expect(dl.body.content.endsWith("line 49 INFO ok\n")).toBe(true);
  });

  test("no log yet is an empty answer, not an error", async () => {
    const job = (await api("POST", "/jobs", streaming())).body;
    const r = await api("GET", `/jobs/${job.id}/logs`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ lines: [], matched: 0, exists: false });
  });

  test("a batch job's preview, paged, and its full result as CSV and JSON", async () => {
    const job = (await api("GET", "/jobs")).body.items.find((j: { name: string }) => j.name === "orders-by-product");
    const before = await api("GET", `/jobs/${job.id}/result`);
    expect(before.body).toMatchObject({ available: false, rows: [] });
    expect((await api("GET", `/jobs/${job.id}/result/download?format=csv`)).status).toBe(409);

    const files = jobPaths(localJobDir(dataDir, ccId, job.id));
    fs.mkdirSync(path.join(files.resultDir, "csv"), { recursive: true });
    fs.mkdirSync(path.join(files.resultDir, "json"), { recursive: true });
    const rows = Array.from({ length: 25 }, (_, i) => ({ product: `p${i}`, revenue: i * 1.5 }));
    // Spark's toJSON leaves out null fields: row 3 has no revenue.
    fs.writeFileSync(
      files.previewFile,
      rows.map((r, i) => JSON.stringify(i === 3 ? { product: r.product } : r)).join("\n") + "\n",
    );
    fs.writeFileSync(
      files.progressFile,
      JSON.stringify({ event: "result", time: 1, rows: 25, previewRows: 25, columns: ["product", "revenue"] }) + "\n",
    );
    const page = await api("GET", `/jobs/${job.id}/result?offset=2&limit=3`);
    expect(page.body).toEqual({
      available: true,
      columns: ["product", "revenue"],
      rows: [
        ["p2", 3],
        ["p3", null],
        ["p4", 6],
      ],
      offset: 2,
      previewRows: 25,
      totalRows: 25,
    });

    fs.writeFileSync(path.join(files.resultDir, "csv", "part-00000-x-c000.csv"), "product,revenue\np0,0.0\n");
    fs.writeFileSync(path.join(files.resultDir, "csv", "part-00001-x-c000.csv"), "product,revenue\np1,1.5\n");
    fs.writeFileSync(path.join(files.resultDir, "csv", "_SUCCESS"), "");
    fs.writeFileSync(
      path.join(files.resultDir, "json", "part-00000-x-c000.json"),
      '{"product":"p0","revenue":0.0}\n{"product":"p1","revenue":1.5}\n',
    );
    fs.writeFileSync(path.join(files.resultDir, "json", "_SUCCESS"), "");
    const csv = await api("GET", `/jobs/${job.id}/result/download?format=csv`);
    expect(csv.body).toEqual({
      filename: "orders-by-product.csv",
      contentType: "text/csv",
      content: "product,revenue\np0,0.0\np1,1.5\n",
    });
    const json = await api("GET", `/jobs/${job.id}/result/download?format=json`);
    expect(JSON.parse(json.body.content)).toEqual([
      { product: "p0", revenue: 0 },
      { product: "p1", revenue: 1.5 },
    ]);

    const streamingJob = (await api("GET", "/jobs")).body.items.find((j: { kind: string }) => j.kind !== "batch-sql");
    const refused = await api("GET", `/jobs/${streamingJob.id}/result`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toHaveProperty("jobId");
  });
});

describe("deleting the compute cluster", () => {
  test("marks its jobs DELETING first, so the controller removes their drivers, Kafka users and ACLs", async () => {
    const project = await h.db.project.findFirstOrThrow({ where: { orgId: owner.orgId } });
    const other = await h.db.computeCluster.create({
      data: {
        orgId: owner.orgId,
        projectId: project.id,
        name: "short-lived",
        sparkVersion: "4.2.0",
        workerCount: 1,
        workerInstanceType: "t2.small",
        kafkaClusterId: kafkaId,
        status: "RUNNING",
      },
    });
    const created = await h.rest("POST", `/compute-clusters/${other.id}/jobs`, {
      as: { bearer: dev },
      body: streaming(),
    });
    expect(created.status).toBe(201);
    const res = await h.rest("DELETE", `/compute-clusters/${other.id}?confirmName=short-lived`, {
      as: { bearer: dev },
    });
    expect(res.status).toBe(200);
    const job = await h.db.job.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(job).toMatchObject({ status: "DELETING", desiredState: "stopped", generation: 2 });
    // The Kafka user and ACLs stay until the job's reconciler removes them from Kafka.
    expect(await h.db.kafkaUser.count({ where: { name: jobKafkaUsername(job.id) } })).toBe(1);
  });
});

describe("events", () => {
  test("what the controller recorded for the job, newest first; another org gets a 404", async () => {
    const job = (await api("POST", "/jobs", streaming())).body;
    await h.db.resourceEvent.create({
      data: {
        orgId: owner.orgId,
        kind: "Job",
        resourceId: job.id,
        type: "WARNING",
        reason: "DriverExited",
        message: "The driver exited with 137",
      },
    });
    const res = await api("GET", `/jobs/${job.id}/events`);
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toMatchObject({ reason: "DriverExited", message: "The driver exited with 137" });
    expect((await api("GET", `/jobs/${job.id}/events`, undefined, strangerKey)).status).toBe(404);
  });
});
