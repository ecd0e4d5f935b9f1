// The SQL workspace over the real REST handlers: one real SCRAM Kafka broker (the local driver),
// one real compute cluster (master, one worker and its Spark Connect server, started by the real
// compute reconciler in a Controller), JSON orders produced with Debian's kcat, and the queries
// answered by the connect server the controller runs. The Kafka password must appear in no
// answer, no SQL the connect server saw (its own UI's SQL tab) and no line of its log.
import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Controller } from "@weir/controller";
import {
  closeWorkspaceSessions,
  encryptSecret,
  ensureDefaultProject,
  seedPriceBook,
  type OrgScope,
} from "@weir/domain";
import { env, overrideEnv } from "@weir/env";
import {
  createTopic,
  initialNodes,
  KafkaAdmin,
  kafkaAdmins,
  newKafkaClusterId,
  type KafkaClusterSpec,
} from "@weir/runtime";
import { freePorts, LocalKafkaRuntime, LocalSparkRuntime } from "@weir/runtime/local";
import { ensureSpark } from "@weir/runtime/spark-artifacts";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { computeClusterReconciler } from "../../../apps/controller/src/reconcilers/compute-cluster/index.ts";
import { startHarness } from "./harness.ts";

const SECRET = randomBytes(32).toString("hex");
overrideEnv({ WEIR_SECRET_KEY: SECRET });

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-workspace-"));
const kafkaRuntime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
const engine = new LocalSparkRuntime({ dataDir, spark: () => ensureSpark(env().WEIR_CACHE_DIR) });
const runtimeKafkaId = randomUUID();
const ADMIN_PASSWORD = `pw-${randomBytes(12).toString("hex")}`;
const SCHEMA = "product STRING, amount DOUBLE, ts TIMESTAMP";
const ORDERS = [
  { product: "apple", amount: 1.5, ts: "2026-11-29T10:00:01Z" },
  { product: "pear", amount: 2, ts: "2026-11-29T10:00:02Z" },
  { product: "apple", amount: 3.25, ts: "2026-11-29T10:00:03Z" },
  { product: "plum", amount: 4, ts: "2026-11-29T10:00:04Z" },
  { product: "pear", amount: 0.5, ts: "2026-11-29T10:00:05Z" },
];

let h: Awaited<ReturnType<typeof startHarness>>;
let owner: Awaited<ReturnType<Awaited<ReturnType<typeof startHarness>>["signUp"]>>;
let dev: string;
let strangerKey: string;
let bootstrap: string;
let kafkaId: string;
let ccId: string;
let controller: Controller;
let whileStarting: { status: number; body: { error?: { message: string } } };

async function until<T>(what: string, fn: () => Promise<T | undefined | false | null>, ms = 240_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

function kcatProduce(topic: string, lines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = execFile(
      "kcat",
      [
        "-b",
        bootstrap,
        "-X",
        "security.protocol=SASL_PLAINTEXT",
        "-X",
        "sasl.mechanisms=SCRAM-SHA-512",
        "-X",
        "sasl.username=weir-admin",
        "-X",
        `sasl.password=${ADMIN_PASSWORD}`,
        "-P",
        "-t",
        topic,
      ],
      { timeout: 30_000 },
      (error, _out, err) => (error ? reject(new Error(`kcat: ${err}`)) : resolve()),
    );
    p.stdin!.end(lines.join("\n") + "\n");
  });
}

const sql = (body: Record<string, unknown>, key = dev, id = ccId) =>
  h.rest("POST", `/compute-clusters/${id}/sql`, { body, as: { bearer: key } });

const orders = { topic: "orders", view: "orders", schema: SCHEMA };

beforeAll(async () => {
  h = await startHarness();
  await seedPriceBook(h.db);
  owner = await h.signUp("owner");
  const stranger = await h.signUp("stranger");
  await ensureDefaultProject(h.db, owner.orgId);
  await ensureDefaultProject(h.db, stranger.orgId);
  dev = await h.apiKey(owner, "DEVELOPER");
  strangerKey = await h.apiKey(stranger, "OWNER");
  const project = await h.db.project.findFirstOrThrow({ where: { orgId: owner.orgId } });

  // The broker starts while the compute cluster does.
  const ports = await freePorts(3);
  const spec: KafkaClusterSpec = {
    clusterId: runtimeKafkaId,
    kafkaClusterId: newKafkaClusterId(randomBytes(16)),
    kafkaVersion: "3.9.2",
    defaultReplication: 1,
    admin: { username: "weir-admin", password: ADMIN_PASSWORD },
    instanceType: { sku: "kafka.t3.small", vcpu: 2, memoryGib: 2 },
    nodes: initialNodes(1).map((n) => ({
      ...n,
      host: "127.0.0.1",
      port: ports[0]!,
      controllerPort: ports[1]!,
      metricsPort: ports[2]!,
    })),
  };
  await kafkaRuntime.ensureNode(spec, 1);
  bootstrap = `127.0.0.1:${ports[0]}`;
  const kafka = await h.db.kafkaCluster.create({
    data: {
      orgId: owner.orgId,
      projectId: project.id,
      name: "data",
      kafkaVersion: "3.9.2",
      brokerCount: 1,
      brokerInstanceType: "kafka.t3.small",
      storageGbPerBroker: 10,
      bootstrapServers: bootstrap,
      kafkaClusterId: spec.kafkaClusterId,
      adminUsername: "weir-admin",
      adminPasswordEncrypted: encryptSecret(ADMIN_PASSWORD, SECRET),
      // The broker started above has no TLS (its spec names no CA), as clusters made before TLS.
      securityProtocol: "SASL_PLAINTEXT",
      status: "RUNNING",
      statusReason: "Started by the test",
    },
  });
  kafkaId = kafka.id;

  controller = new Controller({
    db: h.db,
    databaseUrl: h.url,
    reconcilers: [computeClusterReconciler({ runtime: engine })],
    resyncIntervalMs: 3000,
    backoff: { initialMs: 500, maxMs: 5000 },
  });
  engine.onExit((id) => controller.enqueue({ kind: "ComputeCluster", id }));
  await controller.start();
  const cc = await h.rest("POST", "/compute-clusters", {
    body: { name: "sql", workerCount: 1, workerInstanceType: "t2.small", kafkaClusterId: kafkaId },
    as: { bearer: dev },
  });
  expect(cc.status, JSON.stringify(cc.body)).toBe(201);
  ccId = cc.body.id;
  whileStarting = await sql({ views: [orders], sql: "SELECT 1" });

  const admin = new KafkaAdmin({ bootstrap: [bootstrap], username: "weir-admin", password: ADMIN_PASSWORD });
  try {
    await until("broker registered", async () => (await admin.describeCluster()).brokers.length === 1, 90_000);
    await createTopic(admin, { name: "orders", partitions: 2, replicationFactor: 1, configs: {} });
  } finally {
    await admin.close();
  }
  await until("orders produced", () =>
    kcatProduce(
      "orders",
      ORDERS.map((o) => JSON.stringify(o)),
    ).then(() => true),
  );
  let seen = "";
  await until("the connect server RUNNING", async () => {
    const c = (await h.rest("GET", `/compute-clusters/${ccId}`, { as: { bearer: dev } })).body;
    seen = `${c.status} ${c.statusReason}; connect ${c.connect?.status} ${c.connect?.statusReason}`;
    return c.status === "RUNNING" && c.connect?.status === "RUNNING";
  }).catch((e: Error) => {
    throw new Error(`${e.message} (last seen ${seen}); its log:\n${engine.logTail(ccId, "connect", 40)}`);
  });
}, 300_000);

afterAll(async () => {
  try {
    await closeWorkspaceSessions();
    await controller?.stop();
    if (ccId) await engine.deleteGroup(ccId);
    await kafkaAdmins.close();
    await kafkaRuntime.deleteGroup(runtimeKafkaId);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    await h?.close();
  }
}, 120_000);

describe("the SQL workspace", () => {
  test("a cluster whose connect server is not running yet is a 409 with a sentence", () => {
    expect(whileStarting.status).toBe(409);
    expect(whileStarting.body.error!.message).toMatch(/not running/);
  });

  test("SQL over a topic registered as a view with a schema answers the right rows, in about a second", async () => {
    const q = {
      views: [orders],
      sql: "SELECT product, sum(amount) AS total FROM orders GROUP BY product ORDER BY product",
    };
    // The first query registers the view and warms Spark up; later ones reuse the session.
    const r = await until(
      "the first answer",
      async () => {
        const res = await sql(q);
        return res.status === 200 && res;
      },
      120_000,
    );
    expect(r.body.columns).toEqual([
      { name: "product", type: "string" },
      { name: "total", type: "double" },
    ]);
    expect(r.body.rows).toEqual([
      { product: "apple", total: 4.75 },
      { product: "pear", total: 2.5 },
      { product: "plum", total: 4 },
    ]);
    expect(r.body.truncated).toBe(false);

    // The view has the record's columns too, and the limit truncates.
    const meta = await sql({
      views: [orders],
      sql: "SELECT product, topic, partition, offset, timestamp FROM orders",
      limit: 2,
    });
    expect(meta.status, JSON.stringify(meta.body)).toBe(200);
    expect(meta.body.rows).toHaveLength(2);
    expect(meta.body.truncated).toBe(true);
    expect(meta.body.columns.map((c: { name: string }) => c.name)).toEqual([
      "product",
      "topic",
      "partition",
      "offset",
      "timestamp",
    ]);
    expect(meta.body.rows[0].topic).toBe("orders");

    // Without a schema: the raw record, value as a string.
    const raw = await sql({ views: [{ topic: "orders", view: "raw_orders" }], sql: "SELECT value FROM raw_orders" });
    expect(raw.status, JSON.stringify(raw.body)).toBe(200);
    expect(raw.body.rows.map((x: { value: string }) => JSON.parse(x.value).product).sort()).toEqual(
      ORDERS.map((o) => o.product).sort(),
    );

    // New messages are seen by the next query over the same (cached) view.
    await kcatProduce("orders", [JSON.stringify({ product: "fig", amount: 10, ts: "2026-11-29T10:01:00Z" })]);
    const more = await sql({ views: [orders], sql: "SELECT count(*) AS n FROM orders" });
    expect(more.body.rows).toEqual([{ n: ORDERS.length + 1 }]);

    // Round trip of a simple query over a topic, warm: p50 of 10.
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const res = await sql({ views: [orders], sql: "SELECT count(*) AS n FROM orders WHERE amount > 1" });
      times.push(performance.now() - t0);
      expect(res.status).toBe(200);
    }
    times.sort((a, b) => a - b);
    const p50 = (times[4]! + times[5]!) / 2;
    console.log(
      `workspace round trip over a topic (REST handler → Spark Connect → rows), 10 runs: p50 ${p50.toFixed(0)} ms, ` +
        `min ${times[0]!.toFixed(0)} ms, max ${times[9]!.toFixed(0)} ms`,
    );
    expect(p50).toBeLessThan(5000);
  }, 180_000);

  test("Spark's errors are a 400 with Spark's error class and message", async () => {
    const unknown = await sql({ views: [orders], sql: "SELECT prodcut FROM orders" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/^\[UNRESOLVED_COLUMN\.WITH_SUGGESTION\].*prodcut/);
    expect(unknown.body.error.fields.sql).toBe(unknown.body.error.message);

    const syntax = await sql({ views: [orders], sql: "SELEC product FROM orders" });
    expect(syntax.status).toBe(400);
    expect(syntax.body.error.message).toMatch(/^\[PARSE_SYNTAX_ERROR\]/);

    const table = await sql({ views: [], sql: "SELECT * FROM nowhere" });
    expect(table.status).toBe(400);
    expect(table.body.error.message).toMatch(/^\[TABLE_OR_VIEW_NOT_FOUND\]/);

    // The session is still good afterwards.
    const ok = await sql({ views: [orders], sql: "SELECT count(*) AS n FROM orders" });
    expect(ok.status).toBe(200);
  }, 120_000);

  test("validateJobSql analyses a job's SQL over its declared schema without running it", async () => {
    const scope: OrgScope = {
      principal: { kind: "user", userId: owner.userId, email: owner.email, name: "owner", sessionId: "test" },
      meta: { ip: null, userAgent: null },
      orgId: owner.orgId,
      role: "OWNER",
    };
    const base = { computeClusterId: ccId, view: "events", schema: SCHEMA };
    const good = await h.domain.workspace.validateJobSql(scope, {
      ...base,
      sql: "SELECT product, window(ts, '1 minute') AS w, sum(amount) AS revenue FROM events GROUP BY product, w",
      watermark: { column: "ts", delay: "10 seconds" },
    });
    expect(good).toMatchObject({ ok: true });
    expect(good.ok && good.columns.map((c) => c.name)).toEqual(["product", "w", "revenue"]);

    const bad = await h.domain.workspace.validateJobSql(scope, { ...base, sql: "SELECT prodcut FROM events" });
    expect(bad).toMatchObject({ ok: false, field: "sql", errorClass: "UNRESOLVED_COLUMN.WITH_SUGGESTION" });

    const schema = await h.domain.workspace.validateJobSql(scope, {
      ...base,
      schema: "product STRNG",
      sql: "SELECT 1",
    });
    expect(schema).toMatchObject({ ok: false, field: "schema" });

    const watermark = await h.domain.workspace.validateJobSql(scope, {
      ...base,
      sql: "SELECT * FROM events",
      watermark: { column: "tss", delay: "10 seconds" },
    });
    expect(watermark).toMatchObject({ ok: false, field: "watermark", errorClass: "UNRESOLVED_COLUMN.WITH_SUGGESTION" });
    const notTime = await h.domain.workspace.validateJobSql(scope, {
      ...base,
      sql: "SELECT * FROM events",
      watermark: { column: "amount", delay: "10 seconds" },
    });
    expect(notTime).toMatchObject({ ok: false, field: "watermark", errorClass: "EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE" });
  }, 120_000);

  test("the Kafka password is in no answer, no SQL the connect server saw, no line of its log", async () => {
    const answers = [
      await sql({ views: [orders], sql: "SELECT * FROM orders" }),
      await sql({ views: [orders], sql: "SELECT * FROM __weir_kafka_orders" }),
      await sql({ views: [orders], sql: "SELECT nope FROM __weir_kafka_orders" }),
      await sql({ views: [orders], sql: "SHOW VIEWS" }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 400, 200]);
    for (const a of answers) expect(JSON.stringify(a.body)).not.toContain(ADMIN_PASSWORD);

    const node = await h.db.computeNode.findFirstOrThrow({ where: { computeClusterId: ccId, role: "connect" } });
    const ui = `http://${node.host}:${node.uiPort}/api/v1/applications`;
    const apps = (await (await fetch(ui)).json()) as { id: string }[];
    const seen = await (await fetch(`${ui}/${apps[0]!.id}/sql?details=true&planDescription=true`)).text();
    expect(seen).toContain("orders");
    expect(seen).not.toContain(ADMIN_PASSWORD);
    // The UI's Connect tab lists each request's plan, the Kafka options included: redacted.
    const connectTab = await (await fetch(`http://${node.host}:${node.uiPort}/connect/`)).text();
    expect(connectTab).toContain("kafka");
    expect(connectTab).not.toContain(ADMIN_PASSWORD);
    const log = fs.readFileSync(path.join(engine.nodeDir(ccId, "connect"), "spark.log"), "utf8");
    expect(log).not.toContain(ADMIN_PASSWORD);
  }, 120_000);

  test("another organisation's compute cluster is a 404; a missing Kafka cluster is named", async () => {
    const other = await sql({ views: [orders], sql: "SELECT 1" }, strangerKey);
    expect(other.status).toBe(404);
    const unknownKafka = await sql({ kafkaClusterId: randomUUID(), views: [orders], sql: "SELECT 1" });
    expect(unknownKafka.status).toBe(404);
  });
});
