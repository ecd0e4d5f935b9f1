// Kafka Connect with real parts: a one-broker SCRAM Kafka cluster, two distributed workers run by
// the local driver (each with its own SCRAM user limited by ACLs to its internal topics), a
// second embedded PostgreSQL with wal_level=logical as "the user's database", the pinned Debezium
// PostgreSQL source and JDBC sink, kcat as the outside reader. Run under the JVM lock:
//   flock /tmp/weir-jvm.lock pnpm exec vitest run packages/runtime/test/connect-local.test.ts
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminQuery, startTestPostgres } from "@weir/db/testing";
import { env } from "@weir/env";
import {
  connectInternalTopics,
  connectorClientOverrides,
  ConnectError,
  ConnectRestClient,
  connectWorkerAcls,
  CONNECT_PLUGINS,
  createAclBindings,
  KafkaAdmin,
  scramJaasConfig,
  upsertScramUser,
  type AclBinding,
  type ConnectWorkerInput,
} from "../src/index.ts";
import { freePorts, LocalConnectRuntime, LocalKafkaRuntime, newLocalClusterSpec } from "../src/local/index.ts";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-connect-"));
const kafka = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
const connect = new LocalConnectRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
const kafkaId = "00000000-0000-4000-8000-00000000c0c0";
const clusterId = "00000000-0000-4000-8000-00000000c0c1";
const workers = ["worker-1", "worker-2"] as const;

let pg: Awaited<ReturnType<typeof startTestPostgres>>;
let bootstrap = "";
let admin = { username: "", password: "" };
const cdcUser = { username: "conn-cdc", password: randomBytes(12).toString("hex") };
const sinkUser = { username: "conn-sink", password: randomBytes(12).toString("hex") };
const dbPassword = `pg-${randomBytes(9).toString("hex")}`;
const inputs = new Map<string, ConnectWorkerInput>();
const rest = new Map<string, ConnectRestClient>();

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

/** Every record of a topic, read from the beginning with kcat (as the topic's own user). */
function readTopic(topic: string, user = admin): { key: unknown; value: unknown }[] {
  const r = spawnSync(
    "kcat",
    [
      "-b",
      bootstrap,
      "-X",
      "security.protocol=SASL_PLAINTEXT",
      "-X",
      "sasl.mechanisms=SCRAM-SHA-512",
      "-X",
      `sasl.username=${user.username}`,
      "-X",
      `sasl.password=${user.password}`,
      "-C",
      "-t",
      topic,
      "-o",
      "beginning",
      "-e",
      "-q",
      "-J",
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(`kcat -C ${topic} failed: ${r.stderr}`);
  return r.stdout
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { key: string | null; payload: string | null })
    .map((m) => ({
      key: m.key ? JSON.parse(m.key) : null,
      value: m.payload ? JSON.parse(m.payload) : null,
    }));
}

/** The last state of each row as the CDC topic tells it (null: deleted), by id. */
function lastStates(topic: string): Map<number, Record<string, unknown> | null> {
  const out = new Map<number, Record<string, unknown> | null>();
  for (const { key, value } of readTopic(topic)) {
    const id = (key as { payload: { id: number } }).payload.id;
    const after = value
      ? ((value as { payload: { after: Record<string, unknown> | null } }).payload.after ?? null)
      : null;
    out.set(id, after);
  }
  return out;
}

const acl = (
  principal: string,
  resourceType: AclBinding["resourceType"],
  resourceName: string,
  patternType: AclBinding["patternType"],
  ops: AclBinding["operation"][],
): AclBinding[] =>
  ops.map((operation) => ({
    principal: `User:${principal}`,
    host: "*",
    resourceType,
    resourceName,
    patternType,
    operation,
    permission: "ALLOW",
  }));

const rows = (sql: string, db = "shop") => adminQuery(pg.url(db), sql);

async function startWorker(id: string) {
  return connect.ensureWorker({ clusterId, workerId: id, input: inputs.get(id)! });
}

/** The connector and all its tasks RUNNING. */
async function running(client: ConnectRestClient, name: string, tasks = 1) {
  return until(`${name} RUNNING`, async () => {
    const s = await client.status(name);
    return s && s.state === "RUNNING" && s.tasks.length === tasks && s.tasks.every((t) => t.state === "RUNNING")
      ? s
      : undefined;
  });
}

beforeAll(async () => {
  // The user's database: logical decoding on, a table, a role that may replicate and read it,
  // a publication made by the database's owner, and a second database for the sink.
  pg = await startTestPostgres({ settings: { wal_level: "logical", max_replication_slots: "8" } });
  await adminQuery(pg.url(), "CREATE DATABASE shop");
  await adminQuery(pg.url(), "CREATE DATABASE warehouse");
  await rows("CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email text)");
  await rows("INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com'), (2, 'Grace', 'grace@example.com')");
  await rows(`CREATE ROLE cdc LOGIN REPLICATION PASSWORD '${dbPassword}'`);
  await rows("GRANT SELECT ON customers TO cdc");
  await rows("CREATE PUBLICATION weir_cdc FOR TABLE customers");

  const spec = await newLocalClusterSpec({ clusterId: kafkaId, brokerCount: 1 });
  admin = spec.admin;
  bootstrap = `127.0.0.1:${spec.nodes[0]!.port}`;
  await kafka.ensureNode(spec, spec.nodes[0]!.nodeId);
  const ka = new KafkaAdmin({ bootstrap: [bootstrap], ...admin });
  try {
    await until("the broker", async () => (await ka.describeCluster()).brokers.length === 1);
    const topics = connectInternalTopics(clusterId);
    // Each worker its own user, limited to the cluster's group and internal topics.
    const ports = await freePorts(workers.length);
    const bindings: AclBinding[] = [];
    for (const [i, w] of workers.entries()) {
      const username = `connect-${w}`;
      const password = randomBytes(12).toString("hex");
      await upsertScramUser(ka, username, password);
      bindings.push(...connectWorkerAcls(username, clusterId));
      inputs.set(w, {
        clusterId,
        groupId: topics.group,
        bootstrapServers: bootstrap,
        username,
        password,
        restPort: ports[i]!,
        configTopic: topics.config,
        offsetTopic: topics.offset,
        statusTopic: topics.status,
        replicationFactor: 1,
        pluginPath: connect.pluginPath(),
        secretsDir: connect.secretsDir(clusterId),
      });
      rest.set(w, new ConnectRestClient(`http://127.0.0.1:${ports[i]}`));
    }
    // The connectors' own users: the CDC source writes (and creates) topics "pg.*"; the sink
    // reads them with its group connect-<name>.
    await upsertScramUser(ka, cdcUser.username, cdcUser.password);
    await upsertScramUser(ka, sinkUser.username, sinkUser.password);
    bindings.push(
      ...acl(cdcUser.username, "TOPIC", "pg.", "PREFIXED", ["WRITE", "DESCRIBE", "CREATE", "DESCRIBE_CONFIGS"]),
      ...acl(sinkUser.username, "TOPIC", "pg.", "PREFIXED", ["READ", "DESCRIBE"]),
      ...acl(sinkUser.username, "GROUP", "connect-sink", "PREFIXED", ["READ", "DESCRIBE"]),
    );
    await createAclBindings(ka, bindings);
  } finally {
    await ka.close();
  }
  await connect.writeSecret(clusterId, "cdc-kafka", scramJaasConfig(cdcUser.username, cdcUser.password));
  await connect.writeSecret(clusterId, "sink-kafka", scramJaasConfig(sinkUser.username, sinkUser.password));
  for (const w of workers) await startWorker(w);
  await until("both workers ready", async () => (await rest.get("worker-1")!.ready()) && rest.get("worker-2")!.ready());
}, 300_000);

afterAll(async () => {
  if (process.env.WEIR_KEEP_CONNECT_LOGS) {
    for (const w of workers)
      fs.copyFileSync(path.join(dataDir, "connect", clusterId, w, "connect.log"), `/tmp/${w}.log`);
  }
  await connect.deleteGroup(clusterId);
  await kafka.deleteGroup(kafkaId);
  await pg?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const cdcConfig = async (name: string, slot: string, passwordSecret: string): Promise<Record<string, string>> => ({
  "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
  "tasks.max": "1",
  "database.hostname": "127.0.0.1",
  "database.port": new URL(pg.url()).port,
  "database.user": "cdc",
  "database.password": await connect.writeSecret(clusterId, passwordSecret, dbPassword),
  "database.dbname": "shop",
  "topic.prefix": name === "cdc" ? "pg" : `pg.${name}`,
  "plugin.name": "pgoutput",
  "slot.name": slot,
  "publication.name": "weir_cdc",
  "publication.autocreate.mode": "disabled",
  "table.include.list": "public.customers",
  "snapshot.mode": "initial",
  "topic.creation.default.replication.factor": "1",
  "topic.creation.default.partitions": "1",
  ...connectorClientOverrides(`\${dir:${connect.secretsDir(clusterId)}:cdc-kafka}`),
});

describe("Kafka Connect on the local driver", () => {
  it("runs two workers that join one group, serve REST on 127.0.0.1 and load the pinned plugins", async () => {
    const w1 = rest.get("worker-1")!;
    const classes = (await w1.plugins()).map((p) => p.class);
    for (const p of CONNECT_PLUGINS) for (const c of p.connectorClasses) expect(classes).toContain(c);
    expect(await connect.workerState(clusterId, "worker-1")).toBe("running");
    expect(await connect.workerState(clusterId, "worker-9")).toBe("absent");
    // A second driver (a restarted controller) adopts the live workers instead of starting more.
    const again = new LocalConnectRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
    const adopted = await again.ensureWorker({ clusterId, workerId: "worker-1", input: inputs.get("worker-1")! });
    expect(adopted.adopted).toBe(true);
    expect(adopted.restPort).toBe(inputs.get("worker-1")!.restPort);
    // The worker's own config file is the only place its Kafka password is written, 0600.
    const props = path.join(dataDir, "connect", clusterId, "worker-1", "worker.properties");
    expect(fs.statSync(props).mode & 0o777).toBe(0o600);
    expect(fs.statSync(connect.secretsDir(clusterId)).mode & 0o777).toBe(0o700);
    expect((await connect.readLog(clusterId, "worker-1", { search: "Kafka Connect started" })).length).toBe(1);
  });

  it("captures inserts, updates and deletes into a topic; the password stays out of the config", async () => {
    const w1 = rest.get("worker-1")!;
    const config = await cdcConfig("cdc", "weir_cdc", "cdc-db-password");
    const v = await w1.validate(config["connector.class"]!, config);
    expect(v.errors).toEqual([]);
    await w1.put("cdc", config);
    await running(w1, "cdc");
    await rows("INSERT INTO customers VALUES (3, 'Edsger', 'ed@example.com')");
    await rows("UPDATE customers SET email = 'ada@lovelace.org' WHERE id = 1");
    await rows("DELETE FROM customers WHERE id = 2");
    const states = await until("the changes in pg.public.customers", async () => {
      const s = lastStates("pg.public.customers");
      return s.get(3) && s.get(2) === null && s.get(1)?.email === "ada@lovelace.org" ? s : undefined;
    });
    expect(states.get(1)).toEqual({ id: 1, name: "Ada", email: "ada@lovelace.org" });
    expect(states.get(3)).toEqual({ id: 3, name: "Edsger", email: "ed@example.com" });
    // Snapshot read, insert, update, delete (+ tombstone) all arrived, in order per key.
    const ops = readTopic("pg.public.customers")
      .filter((m) => m.value)
      .map((m) => (m.value as { payload: { op: string } }).payload.op);
    expect(ops).toEqual(["r", "r", "c", "u", "d"]);

    const stored = await w1.get("cdc");
    expect(stored!["database.password"]).toMatch(/^\$\{dir:.+:cdc-db-password\}$/);
    const text = JSON.stringify(stored) + JSON.stringify(await rest.get("worker-2")!.get("cdc"));
    expect(text).not.toContain(dbPassword);
    expect(text).not.toContain(cdcUser.password);
    expect(await w1.get("no-such-connector")).toBeNull();
  });

  it("writes a topic into a table with the JDBC sink: rows counted, an update of a key overwrites", async () => {
    const w2 = rest.get("worker-2")!;
    const pgUrl = new URL(pg.url("warehouse"));
    await w2.put("sink", {
      "connector.class": "io.debezium.connector.jdbc.JdbcSinkConnector",
      "tasks.max": "1",
      topics: "pg.public.customers",
      "connection.url": `jdbc:postgresql://127.0.0.1:${pgUrl.port}/warehouse`,
      "connection.username": decodeURIComponent(pgUrl.username),
      "connection.password": await connect.writeSecret(
        clusterId,
        "sink-db-password",
        decodeURIComponent(pgUrl.password),
      ),
      "insert.mode": "upsert",
      "delete.enabled": "true",
      "primary.key.mode": "record_key",
      "schema.evolution": "basic",
      "collection.name.format": "customers_copy",
      ...connectorClientOverrides(`\${dir:${connect.secretsDir(clusterId)}:sink-kafka}`),
    });
    await running(w2, "sink");
    const copy = () => rows("SELECT id, name, email FROM customers_copy ORDER BY id", "warehouse");
    await until("two rows in customers_copy", async () => {
      const r = await copy().catch(() => []);
      return r.length === 2 && r[0]!.email === "ada@lovelace.org";
    });
    await rows("UPDATE customers SET name = 'Ada Lovelace' WHERE id = 1");
    const after = await until("the update in customers_copy", async () => {
      const r = await copy();
      return r[0]!.name === "Ada Lovelace" ? r : undefined;
    });
    expect(after).toEqual([
      { id: 1, name: "Ada Lovelace", email: "ada@lovelace.org" },
      { id: 3, name: "Edsger", email: "ed@example.com" },
    ]);
  });

  it("moves a killed worker's tasks to the other worker without losing a change event", async () => {
    const any = rest.get("worker-1")!;
    const before = (await any.status("cdc"))!;
    const victim = before.tasks[0]!.workerId.endsWith(`:${inputs.get("worker-1")!.restPort}`) ? "worker-1" : "worker-2";
    const survivor = victim === "worker-1" ? "worker-2" : "worker-1";
    // Debezium resumes from the offset its worker last committed (every 5 s): killed before the
    // first commit, the task on the other worker takes a new snapshot, in which rows deleted in
    // between never appear. So the kill comes once an offset is committed, as in a worker that
    // has been running a while.
    await until("a committed CDC offset", async () => {
      const res = await fetch(`http://127.0.0.1:${inputs.get(survivor)!.restPort}/connectors/cdc/offsets`);
      const body = (await res.json()) as { offsets?: unknown[] };
      return res.ok && (body.offsets?.length ?? 0) > 0 ? true : undefined;
    });
    await connect.stopWorker(clusterId, victim, { hard: true });
    expect(await connect.workerState(clusterId, victim)).toBe("exited");
    // Changes made while the task has no worker.
    for (let id = 10; id < 20; id++) await rows(`INSERT INTO customers VALUES (${id}, 'n${id}', NULL)`);
    await rows("UPDATE customers SET email = 'e' || id WHERE id BETWEEN 10 AND 14");
    await rows("DELETE FROM customers WHERE id IN (15, 16)");
    const client = rest.get(survivor)!;
    const moved = await until(
      "the CDC task on the surviving worker",
      async () => {
        const s = await client.status("cdc");
        const t = s?.tasks[0];
        return t && t.state === "RUNNING" && t.workerId.endsWith(`:${inputs.get(survivor)!.restPort}`) ? s : undefined;
      },
      180_000,
    );
    expect(moved.tasks[0]!.workerId).not.toBe(before.tasks[0]!.workerId);
    await rows("UPDATE customers SET name = 'last' WHERE id = 19");
    // The topic ends with every row's last state (deleted rows: no after).
    const want = new Map(
      (await rows("SELECT id, name, email FROM customers")).map((r) => [r.id as number, r as Record<string, unknown>]),
    );
    const got = await until("every row's last state in the topic", async () => {
      const s = lastStates("pg.public.customers");
      return s.get(19)?.name === "last" ? s : undefined;
    });
    for (const [id, row] of want) expect(got.get(id)).toEqual(row);
    for (const id of [2, 15, 16]) expect(got.get(id)).toBeNull();
    // The killed worker comes back (what the controller's restart does) and rejoins the group.
    const back = await startWorker(victim);
    expect(back.adopted).toBe(false);
    await until("the restarted worker", () => rest.get(victim)!.ready());
  });

  it("reports a wrong database password: refused by validation with the database's message, a sink's task FAILED", async () => {
    const w1 = rest.get("worker-1")!;
    const config = await cdcConfig("bad", "weir_bad", "bad-db-password");
    // A CDC source with a wrong password is refused before it exists, naming the database's reason.
    await connect.writeSecret(clusterId, "bad-db-password", "not-the-password");
    const v = await w1.validate(config["connector.class"]!, config);
    expect(v.errorCount).toBeGreaterThan(0);
    expect(v.errors.flatMap((e) => e.messages).join(" ")).toMatch(/password authentication failed/);
    const refused = await w1.put("bad", config).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectError);
    expect((refused as ConnectError).status).toBe(400);
    expect((refused as ConnectError).message).toMatch(/password authentication failed/);
    // A sink whose database password is wrong: Connect accepts it (the JDBC sink checks no
    // connection at validation), and its task ends FAILED.
    const pgUrl = new URL(pg.url("warehouse"));
    await w1.put("sink-bad", {
      "connector.class": "io.debezium.connector.jdbc.JdbcSinkConnector",
      "tasks.max": "1",
      topics: "pg.public.customers",
      "connection.url": `jdbc:postgresql://127.0.0.1:${pgUrl.port}/warehouse`,
      "connection.username": decodeURIComponent(pgUrl.username),
      "connection.password": await connect.writeSecret(clusterId, "sink-bad-password", "not-the-password"),
      "insert.mode": "upsert",
      "primary.key.mode": "record_key",
      "schema.evolution": "basic",
      "collection.name.format": "customers_bad",
      ...connectorClientOverrides(`\${dir:${connect.secretsDir(clusterId)}:sink-kafka}`),
    });
    const failed = await until("the sink-bad task FAILED", async () => {
      const s = await w1.status("sink-bad");
      return s?.tasks[0]?.state === "FAILED" ? s : undefined;
    });
    // Hibernate's trace names its own symptom ("Unable to determine Dialect without JDBC
    // metadata"); the database's sentence is in the worker's log, at the time of the failure.
    expect(failed.tasks[0]!.trace).toMatch(/Exception/);
    const sinkWorker = failed.tasks[0]!.workerId.endsWith(`:${inputs.get("worker-1")!.restPort}`)
      ? "worker-1"
      : "worker-2";
    expect(
      await connect.readLog(clusterId, sinkWorker, { search: 'password authentication failed for user "weir"' }),
    ).not.toEqual([]);
    await w1.delete("sink-bad");
    await until("sink-bad gone", async () => (await w1.status("sink-bad")) === null);
    const logged = await connect.readLog(clusterId, "worker-1", { search: "password authentication failed", lines: 5 });
    expect(
      logged.length +
        (await connect.readLog(clusterId, "worker-2", { search: "password authentication failed" })).length,
    ).toBeGreaterThan(0);
    expect(JSON.stringify(await connect.readLog(clusterId, "worker-1", { lines: 100_000 }))).not.toContain(dbPassword);
    await until("only cdc and sink left", async () => (await w1.list()).join() === "cdc,sink");
  });
});
