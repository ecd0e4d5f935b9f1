// Kafka Connect end to end, through the REST API: a real one-broker SCRAM Kafka cluster, a real
// controller reconciling a Connect cluster into real distributed workers (the pinned Kafka 3.9.2
// worker with Debezium and MirrorMaker 2 on plugin.path), and a MirrorMaker 2 heartbeat connector
// created through the API (validated by Connect, its secret kept out of every config). kcat reads
// the heartbeats and tries what the connector's Kafka user may read; a Debezium JDBC sink writes a
// topic into a table of the test's own Postgres. The tests run in order on one Kafka cluster and
// one Connect cluster: create → RUNNING, connectors, scale 1 → 2, a controller restart adopts the
// workers, scale 2 → 1, delete → nothing left.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { decryptSecret, jdbcSinkConnector, seedPriceBook } from "@weir/domain";
import { env, resetEnv } from "@weir/env";
import { ConnectRestClient, kafkaAdmins } from "@weir/runtime";
import { LocalConnectRuntime, LocalKafkaRuntime } from "@weir/runtime/local";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHarness } from "../../../packages/api/test/harness.ts";
import { sampleConnectors } from "../src/metrics/connect-sampler.ts";
import { startTestController, until as waitUntil, type TestController } from "./support.ts";
import { clusterClientSecurity, type ClientSecurity } from "./tls-clients.ts";

const SECRET = "test-secret-key-0123456789abcdef0123456789";
process.env.WEIR_SECRET_KEY = SECRET;
resetEnv();

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-connect-"));
let h: Awaited<ReturnType<typeof startHarness>>;
let bearer: string;
let orgId: string;
let tc: TestController;
let kafkaRuntime: LocalKafkaRuntime;
let connectRuntime: LocalConnectRuntime;
let kafkaClusterId: string;
let connectId: string;
let bootstrap: string;
/** SASL_SSL trusting the cluster's CA (tls-clients.ts). */
let security: ClientSecurity;
let admin: { username: string; password: string };
const started = Date.now();

let lastSeen = "";
const until = <T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 240_000) =>
  waitUntil(what, fn, ms, () => lastSeen);

const api = async (method: string, p: string, body?: unknown) => {
  const r = await h.rest(method, p, { as: { bearer }, ...(body === undefined ? {} : { body }) });
  lastSeen = `${method} ${p} → ${r.status} ${JSON.stringify(r.body).slice(0, 600)}`;
  return r;
};

const connectMarked = (id: string) => {
  const r = spawnSync("pgrep", ["-f", "--", `-Dweir.connect=${id}:`], { encoding: "utf8" });
  return r.stdout.trim().split("\n").filter(Boolean).map(Number);
};

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
  const r = spawnSync("kcat", [...kcatAuth(admin), "-P", "-t", topic, "-K", "|"], {
    input: lines.join("\n") + "\n",
    encoding: "utf8",
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`kcat -P failed: ${r.stderr}`);
}

function controllerDeps(runtime: LocalConnectRuntime) {
  return {
    runtime: kafkaRuntime,
    connect: { runtime },
    secretKey: SECRET,
  };
}

async function startController(runtime: LocalConnectRuntime) {
  const c = await startTestController(h, controllerDeps(runtime), (wake) => {
    kafkaRuntime.onExit((id) => wake("KafkaCluster", id));
  });
  runtime.onExit((id) => c.controller.enqueue({ kind: "ConnectCluster", id }));
  return c;
}

/** A keyed record of the sink's topic, as Connect's JsonConverter writes it (schema and payload). */
const keySchema = { type: "struct", fields: [{ field: "id", type: "int32", optional: false }] };
const valueSchema = {
  type: "struct",
  fields: [
    { field: "id", type: "int32", optional: false },
    { field: "product", type: "string", optional: true },
  ],
};
const rec = (id: number, product: string) =>
  `${JSON.stringify({ schema: keySchema, payload: { id } })}|${JSON.stringify({ schema: valueSchema, payload: { id, product } })}`;

/** The JDBC sink's database role and config, for the tests after the one that creates it. */
const sink = { role: "", config: {} as Record<string, string> };

const sinkRows = async () => {
  const client = new pg.Client({ connectionString: h.url });
  await client.connect();
  try {
    return await client
      .query<{ id: number; product: string }>('SELECT id, product FROM "sink_orders" ORDER BY id')
      .then((q) => q.rows);
  } finally {
    await client.end();
  }
};

const connectCluster = async () => (await api("GET", `/connect-clusters/${connectId}`)).body;

beforeAll(async () => {
  h = await startHarness();
  await seedPriceBook(h.db);
  const me = await h.signUp("connect-owner");
  orgId = me.orgId;
  kafkaRuntime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
  connectRuntime = new LocalConnectRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
  tc = await startController(connectRuntime);
  await until("org ready", async () => (await h.db.project.count({ where: { orgId } })) > 0, 30_000);
  bearer = await h.apiKey(me, "ADMIN");
  const k = await api("POST", "/clusters", {
    name: "events",
    brokerCount: 1,
    brokerInstanceType: "kafka.t3.small",
    storageGbPerBroker: 20,
  });
  expect(k.status, JSON.stringify(k.body)).toBe(201);
  kafkaClusterId = k.body.id;
  const kafka = await until("Kafka RUNNING", async () => {
    const r = await api("GET", `/clusters/${kafkaClusterId}`);
    return r.body.status === "RUNNING" && r.body;
  });
  bootstrap = kafka.bootstrapServers.split(",")[0];
  security = await clusterClientSecurity(h.db, kafkaClusterId);
  const cred = await api("POST", `/clusters/${kafkaClusterId}/admin-credential`, {});
  admin = { username: cred.body.username, password: cred.body.password };
  for (const name of ["sink_orders", "forbidden"]) {
    const t = await api("POST", `/clusters/${kafkaClusterId}/topics`, { name, partitions: 1, replicationFactor: 1 });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
  }
  console.log(`[connect.test] Kafka ready after ${((Date.now() - started) / 1000).toFixed(0)} s`);
}, 300_000);

afterAll(async () => {
  try {
    if (connectId) await connectRuntime.deleteGroup(connectId);
    if (kafkaClusterId) await kafkaRuntime.deleteGroup(kafkaClusterId);
    await tc?.stop();
    await kafkaAdmins.close();
  } finally {
    await h.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);

describe("a Connect cluster", () => {
  test("create → RUNNING: internal topics, its Kafka user and ACLs, a worker whose REST API answers, metered", async () => {
    const t0 = Date.now();
    const r = await api("POST", "/connect-clusters", { name: "cdc", kafkaClusterId, workerCount: 1 });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    connectId = r.body.id;
    const c = await until("Connect cluster RUNNING", async () => {
      const b = await connectCluster();
      return b.status === "RUNNING" && b;
    });
    console.log(`[connect.test] POST → RUNNING in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(c.workers).toHaveLength(1);
    expect(c.workers[0]).toMatchObject({ index: 1, status: "RUNNING" });
    expect(connectMarked(connectId)).toEqual([c.workers[0].pid]);
    expect(await new ConnectRestClient(`http://${c.workers[0].address}`).ready()).toBe(true);

    const topics = await h.db.topic.findMany({
      where: { clusterId: kafkaClusterId, name: { in: Object.values(c.internalTopics) } },
    });
    expect(
      topics.map((t) => [t.name, t.status, (t.configs as Record<string, string>)["cleanup.policy"]]).sort(),
    ).toEqual(
      Object.values(c.internalTopics as Record<string, string>)
        .map((n) => [n, "READY", "compact"])
        .sort(),
    );
    const user = await h.db.kafkaUser.findFirstOrThrow({ where: { name: c.kafkaUsername } });
    expect(user.status).toBe("READY");
    const acls = await h.db.acl.findMany({ where: { principal: `User:${c.kafkaUsername}` } });
    expect(acls.length).toBeGreaterThan(0);
    expect(acls.every((a) => a.status === "READY")).toBe(true);
    const intervals = await h.db.runInterval.findMany({ where: { resourceId: connectId } });
    expect(intervals.map((i) => [i.dimension, i.sku, i.endedAt])).toEqual([
      ["CONNECT_WORKER_HOURS", "connect.1mcu", null],
    ]);
  });

  test("a MirrorMaker 2 heartbeat connector runs: validated by Connect, its secret nowhere to be read, its user limited to its topics", async () => {
    const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${admin.username}" password="${admin.password}";`;
    const cluster = (over: Record<string, string> = {}) => ({
      "source.cluster.alias": "src",
      "target.cluster.alias": "events",
      "source.cluster.bootstrap.servers": bootstrap,
      "target.cluster.bootstrap.servers": bootstrap,
      "target.cluster.security.protocol": security.caPem ? "SASL_SSL" : "SASL_PLAINTEXT",
      ...(security.caPem
        ? { "target.cluster.ssl.truststore.type": "PEM", "target.cluster.ssl.truststore.certificates": security.caPem }
        : {}),
      "target.cluster.sasl.mechanism": "SCRAM-SHA-512",
      "emit.heartbeats.interval.seconds": "1",
      "heartbeats.topic.replication.factor": "1",
      "tasks.max": "1",
      ...over,
    });
    // Connect's own validation runs first: a value it rejects is a 400 naming the field.
    const bad = await api("POST", `/connect-clusters/${connectId}/connectors`, {
      name: "heartbeats",
      plugin: "mirror",
      connectorClass: "org.apache.kafka.connect.mirror.MirrorHeartbeatConnector",
      config: cluster({ "emit.heartbeats.interval.seconds": "often" }),
      secrets: { "target.cluster.sasl.jaas.config": jaas },
    });
    expect(bad.status, JSON.stringify(bad.body)).toBe(400);
    expect(bad.body.error.fields).toHaveProperty(["config.emit.heartbeats.interval.seconds"]);
    expect(await h.db.connector.count()).toBe(0);

    const r = await api("POST", `/connect-clusters/${connectId}/connectors`, {
      name: "heartbeats",
      plugin: "mirror",
      connectorClass: "org.apache.kafka.connect.mirror.MirrorHeartbeatConnector",
      config: cluster(),
      secrets: { "target.cluster.sasl.jaas.config": jaas },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(JSON.stringify(r.body)).not.toContain(admin.password);
    expect(r.body.secretKeys).toEqual(["target.cluster.sasl.jaas.config"]);

    const settled = await until(
      "the connector settles",
      async () => {
        const b = (await api("GET", `/connect-clusters/${connectId}/connectors/heartbeats`)).body;
        return ["RUNNING", "DEGRADED", "FAILED"].includes(b.status) && b;
      },
      100_000,
    );
    expect(settled.status, `${settled.statusReason}\n${JSON.stringify(settled.tasks)}`).toBe("RUNNING");
    expect(settled.tasks).toEqual([expect.objectContaining({ id: 0, state: "RUNNING" })]);

    // Neither Weir's API nor Connect's REST shows the secret: Connect holds a ${dir:…} reference.
    const c = await connectCluster();
    const held = await new ConnectRestClient(`http://${c.workers[0].address}`).get("heartbeats");
    expect(held!["target.cluster.sasl.jaas.config"]).toMatch(/^\$\{dir:/);
    expect(held!["producer.override.sasl.jaas.config"]).toMatch(/^\$\{dir:/);
    expect(JSON.stringify(held)).not.toContain(admin.password);

    // Heartbeats arrive in the topic, written with the connector's own Kafka user.
    const beats = await until("a heartbeat in the topic", async () => {
      const out = spawnSync(
        "kcat",
        [...kcatAuth(admin), "-C", "-t", "heartbeats", "-o", "beginning", "-c", "1", "-e"],
        {
          encoding: "utf8",
          timeout: 30_000,
        },
      );
      return out.status === 0 && out.stdout.length > 0 && out.stdout;
    });
    expect(beats.length).toBeGreaterThan(0);

    // That user may write its topics but read none, and nothing outside its ACLs.
    const row = await h.db.connector.findFirstOrThrow({ where: { name: "heartbeats" } });
    const user = { username: row.kafkaUsername!, password: decryptSecret(row.kafkaPasswordEncrypted!, SECRET) };
    produce("forbidden", ["k|v"]);
    for (const topic of ["forbidden", "heartbeats"]) {
      const refused = spawnSync("kcat", [...kcatAuth(user), "-C", "-t", topic, "-o", "beginning", "-c", "1", "-e"], {
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(refused.status, `${topic}: ${refused.stdout}`).not.toBe(0);
      expect(refused.stderr).toMatch(/authoriz/i);
    }

    // Pause and resume go through Connect.
    await api("POST", `/connect-clusters/${connectId}/connectors/heartbeats/pause`);
    await until("PAUSED", async () => {
      const b = (await api("GET", `/connect-clusters/${connectId}/connectors/heartbeats`)).body;
      return b.status === "PAUSED";
    });
    await api("POST", `/connect-clusters/${connectId}/connectors/heartbeats/resume`);
    await until("RUNNING again", async () => {
      const b = (await api("GET", `/connect-clusters/${connectId}/connectors/heartbeats`)).body;
      return b.status === "RUNNING";
    });
  }, 300_000);

  test("a JDBC sink from the guided form writes a topic into a table: an update of a key overwrites its row; its user reads only its topic", async () => {
    // A database user of the connector's own, whose password appears nowhere else.
    const db = new URL(h.url);
    const password = `pw-${randomBytes(12).toString("hex")}`;
    const role = `sink_${randomBytes(4).toString("hex")}`;
    const setup = new pg.Client({ connectionString: h.url });
    await setup.connect();
    try {
      await setup.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await setup.query(`GRANT CONNECT ON DATABASE "${db.pathname.slice(1)}" TO ${role}`);
      await setup.query(`GRANT CREATE, USAGE ON SCHEMA public TO ${role}`);
    } finally {
      await setup.end();
    }
    // The console's guided form: topics → a table named after each topic, upsert by key, created if missing.
    const body = jdbcSinkConnector({
      name: "orders-to-pg",
      topics: "sink_orders",
      url: `postgresql://${role}@${db.host}${db.pathname}`,
      password,
      tableFormat: "${topic}",
      upsert: true,
      autoCreate: true,
    });
    if ("error" in body) throw new Error(body.error);
    Object.assign(sink, { role, config: body.config });
    const r = await api("POST", `/connect-clusters/${connectId}/connectors`, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(JSON.stringify(r.body)).not.toContain(password);
    const settled = await until(
      "the sink settles",
      async () => {
        const b = (await api("GET", `/connect-clusters/${connectId}/connectors/orders-to-pg`)).body;
        return ["RUNNING", "DEGRADED", "FAILED"].includes(b.status) && b;
      },
      100_000,
    );
    expect(settled.status, `${settled.statusReason}\n${JSON.stringify(settled.tasks)}`).toBe("RUNNING");

    produce("sink_orders", [rec(1, "apple"), rec(2, "pear"), rec(3, "plum")]);
    produce("sink_orders", [rec(1, "quince")]);
    const client = new pg.Client({ connectionString: h.url });
    await client.connect();
    try {
      const rows = await until("the table holds every key's last value", async () => {
        const q = await client
          .query<{ id: number; product: string }>('SELECT id, product FROM "sink_orders" ORDER BY id')
          .catch(() => null);
        lastSeen = JSON.stringify(q?.rows ?? "no table yet");
        return q && q.rows.length === 3 && q.rows[0]!.product === "quince" && q.rows;
      });
      expect(rows).toEqual([
        { id: 1, product: "quince" },
        { id: 2, product: "pear" },
        { id: 3, product: "plum" },
      ]);
    } finally {
      await client.end();
    }

    // The connector's Kafka user reads its topic and nothing else.
    const row = await h.db.connector.findFirstOrThrow({ where: { name: "orders-to-pg" } });
    const user = { username: row.kafkaUsername!, password: decryptSecret(row.kafkaPasswordEncrypted!, SECRET) };
    const read = (topic: string) =>
      spawnSync("kcat", [...kcatAuth(user), "-C", "-t", topic, "-o", "beginning", "-c", "1", "-e"], {
        encoding: "utf8",
        timeout: 30_000,
      });
    const own = read("sink_orders");
    expect(own.status, own.stderr).toBe(0);
    expect(own.stdout).toContain('"product":"apple"');
    const other = read("forbidden");
    expect(other.status, other.stdout).not.toBe(0);
    expect(other.stderr).toMatch(/authoriz/i);

    // Throughput from the worker's own task metrics (its JMX exporter), as the API and console show it.
    const sampled = await until("the sink's throughput sampled", async () => {
      await sampleConnectors(h.db);
      const b = (await api("GET", `/connect-clusters/${connectId}/connectors/orders-to-pg`)).body;
      return b.throughput?.recordsInTotal >= 4 && b.throughput;
    });
    expect(sampled).toMatchObject({ tasks: 1 });
    expect(sampled.recordsOutTotal).toBeGreaterThanOrEqual(4);
    expect(sampled.recordsInPerSec).toBeGreaterThanOrEqual(0);
    const beats = (await api("GET", `/connect-clusters/${connectId}/connectors/heartbeats`)).body.throughput;
    expect(beats.recordsOutTotal).toBeGreaterThan(0);
  }, 300_000);

  test("the sink's database password changes: its task FAILED with the trace, once, and left so; a PATCH of the password brings it back", async () => {
    const k = `/connect-clusters/${connectId}/connectors/orders-to-pg`;
    const changed = `pw-${randomBytes(12).toString("hex")}`;
    const setup = new pg.Client({ connectionString: h.url });
    await setup.connect();
    try {
      await setup.query(`ALTER ROLE ${sink.role} PASSWORD '${changed}'`);
    } finally {
      await setup.end();
    }
    // A config change goes through the controller to Connect, which restarts the task: with the
    // old password it cannot start.
    const patched = await api("PATCH", k, { config: { ...sink.config, "flush.retry.delay.ms": "500" } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ status: "UPDATING", config: { "flush.retry.delay.ms": "500" } });
    const failed = await until("the sink FAILED", async () => {
      const b = (await api("GET", k)).body;
      return b.status === "FAILED" && b;
    });
    expect(failed.statusReason).toMatch(/^1 of 1 tasks failed \(task 0: .+\)/);
    expect(failed.tasks[0]).toMatchObject({ id: 0, state: "FAILED", trace: expect.stringMatching(/Exception/) });
    expect(failed.tasks[0].trace).not.toMatch(/^\s+at /m);
    const c = await connectCluster();
    const held = await new ConnectRestClient(`http://${c.workers[0].address}`).get("orders-to-pg");
    expect(held!["flush.retry.delay.ms"]).toBe("500");
    // Weir reports it once and restarts nothing by itself: Connect keeps the task FAILED.
    produce("sink_orders", [rec(4, "fig")]);
    const events = async () => (await api("GET", `${k}/events`)).body.items.map((e: any) => e.reason) as string[];
    expect((await events()).filter((r) => r === "ConnectorFailed")).toHaveLength(1);
    expect(await events()).not.toContain("Restarted");
    const s = await new ConnectRestClient(`http://${c.workers[0].address}`).status("orders-to-pg");
    expect(s!.tasks[0]!.state).toBe("FAILED");

    // The new password through the API: the controller writes it and restarts the failed task.
    const fixed = await api("PATCH", k, { secrets: { "connection.password": changed } });
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
    expect(JSON.stringify(fixed.body)).not.toContain(changed);
    await until("RUNNING again, the waiting record written", async () => {
      const b = (await api("GET", k)).body;
      const rows = b.status === "RUNNING" ? await sinkRows().catch(() => []) : [];
      return rows.some((r) => r.id === 4 && r.product === "fig");
    });
    expect(await events()).toContain("Restarted");
  }, 300_000);

  test("scale 1 → 2 workers: UPDATING, then RUNNING with both answering", async () => {
    const r = await api("PATCH", `/connect-clusters/${connectId}`, { workerCount: 2 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.status).toBe("UPDATING");
    const c = await until("2 workers RUNNING", async () => {
      const b = await connectCluster();
      return (
        b.status === "RUNNING" && b.workers.length === 2 && b.workers.every((w: any) => w.status === "RUNNING") && b
      );
    });
    expect(connectMarked(connectId).sort()).toEqual(c.workers.map((w: any) => w.pid).sort());
    const events = (await api("GET", `/connect-clusters/${connectId}/events`)).body.items.map((e: any) => e.reason);
    expect(events).toContain("Scaled");
    expect(await h.db.runInterval.count({ where: { resourceId: connectId, endedAt: null } })).toBe(2);
  });

  test("a restarted controller adopts the running workers instead of starting others", async () => {
    const before = (await connectCluster()).workers.map((w: any) => w.pid).sort();
    await tc.stop();
    connectRuntime = new LocalConnectRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
    tc = await startController(connectRuntime);
    await until("both workers adopted", async () => {
      const events = (await api("GET", `/connect-clusters/${connectId}/events`)).body.items;
      return events.filter((e: any) => e.reason === "WorkerAdopted").length >= 2;
    });
    const c = await until("RUNNING after the restart", async () => {
      const b = await connectCluster();
      return b.status === "RUNNING" && b;
    });
    expect(c.workers.map((w: any) => w.pid).sort()).toEqual(before);
    expect(connectMarked(connectId).sort()).toEqual(before);
  });

  test("scale 2 → 1: the highest worker stops and its folder goes; the connector keeps running on the other", async () => {
    const r = await api("PATCH", `/connect-clusters/${connectId}`, { workerCount: 1 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const c = await until("1 worker RUNNING", async () => {
      const b = await connectCluster();
      return b.status === "RUNNING" && b.workers.length === 1 && b;
    });
    expect(c.workers[0].index).toBe(1);
    expect(connectMarked(connectId)).toEqual([c.workers[0].pid]);
    expect(fs.existsSync(path.join(dataDir, "connect", connectId, "worker-2"))).toBe(false);
    expect(await h.db.runInterval.count({ where: { resourceId: connectId, endedAt: null } })).toBe(1);
    await until("the connector's task RUNNING on the remaining worker", async () => {
      const b = (await api("GET", `/connect-clusters/${connectId}/connectors/heartbeats`)).body;
      return (
        b.status === "RUNNING" &&
        b.tasks.length === 1 &&
        b.tasks[0].state === "RUNNING" &&
        b.tasks[0].workerId === c.workers[0].address
      );
    });
  });

  test("delete with the typed name: connectors, workers, Kafka user, ACLs, internal topics and ports all gone", async () => {
    const c = await connectCluster();
    const connectors = await h.db.connector.findMany({ where: { connectClusterId: connectId } });
    expect(connectors).toHaveLength(2);
    const usernames = [c.kafkaUsername as string, ...connectors.map((k) => k.kafkaUsername!)];
    const r = await api("DELETE", `/connect-clusters/${connectId}?confirmName=cdc`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await until(
      "the Connect cluster is gone",
      async () => (await api("GET", `/connect-clusters/${connectId}`)).status === 404,
    );
    await until("no worker process is left", async () => connectMarked(connectId).length === 0, 60_000);
    const principals = usernames.map((u) => `User:${u}`);
    await until(
      "its Kafka users, ACLs and internal topics are gone",
      async () => {
        const [users, acls, topics] = await Promise.all([
          h.db.kafkaUser.count({ where: { name: { in: usernames } } }),
          h.db.acl.count({ where: { principal: { in: principals } } }),
          h.db.topic.count({ where: { name: { in: Object.values(c.internalTopics as Record<string, string>) } } }),
        ]);
        lastSeen = `users ${users}, acls ${acls}, topics ${topics}`;
        return users + acls + topics === 0;
      },
      60_000,
    );
    expect(await h.db.connector.count()).toBe(0);
    expect(await h.db.portLease.count({ where: { ownerKind: "ConnectCluster" } })).toBe(0);
    expect(await h.db.runInterval.count({ where: { resourceId: connectId, endedAt: null } })).toBe(0);
    expect(fs.existsSync(path.join(dataDir, "connect", connectId))).toBe(false);
  });
});
