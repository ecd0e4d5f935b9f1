// Connect clusters and connectors over the real REST handlers against a real Postgres: creation
// writes the cluster, its workers' Kafka user and exactly its ACLs in one transaction; bad input is
// a 400/404/409 naming the field; tenancy; scaling and typed-name delete; connectors refused before
// anything is written when their plugin, keys or topics are wrong or the cluster does not run. No
// Kafka or Connect worker runs here (apps/controller/test/connect-cluster.test.ts runs them).
import { randomBytes } from "node:crypto";
import { adminQuery, startTestPostgres } from "@weir/db/testing";
import { connectKafkaUsername, encryptSecret, ensureDefaultProject, seedPriceBook } from "@weir/domain";
import { overrideEnv } from "@weir/env";
import { connectInternalTopics } from "@weir/runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHarness } from "./harness.ts";

const SECRET = randomBytes(32).toString("hex");
overrideEnv({ WEIR_SECRET_KEY: SECRET });

let h: Awaited<ReturnType<typeof startHarness>>;
let owner: Awaited<ReturnType<Awaited<ReturnType<typeof startHarness>>["signUp"]>>;
let dev: string;
let viewer: string;
let strangerKey: string;
let kafkaId: string;
let strangerKafkaId: string;

const api = (method: string, p: string, body?: unknown, key = dev) =>
  h.rest(method, p, { as: { bearer: key }, ...(body === undefined ? {} : { body }) });

async function kafkaCluster(orgId: string, name: string) {
  const project = await h.db.project.findFirstOrThrow({ where: { orgId } });
  const k = await h.db.kafkaCluster.create({
    data: {
      orgId,
      projectId: project.id,
      name,
      kafkaVersion: "3.9.2",
      brokerCount: 3,
      brokerInstanceType: "kafka.t3.small",
      storageGbPerBroker: 10,
      adminUsername: "weir-admin",
      adminPasswordEncrypted: encryptSecret("unused", SECRET),
      status: "RUNNING",
      bootstrapServers: "127.0.0.1:1",
    },
  });
  return k.id;
}

beforeAll(async () => {
  h = await startHarness();
  await seedPriceBook(h.db);
  owner = await h.signUp("owner");
  const stranger = await h.signUp("stranger");
  await ensureDefaultProject(h.db, owner.orgId);
  await ensureDefaultProject(h.db, stranger.orgId);
  dev = await h.apiKey(owner, "DEVELOPER");
  viewer = await h.apiKey(owner, "VIEWER");
  strangerKey = await h.apiKey(stranger, "OWNER");
  kafkaId = await kafkaCluster(owner.orgId, "events");
  strangerKafkaId = await kafkaCluster(stranger.orgId, "theirs");
});

afterAll(async () => {
  await h?.close();
});

describe("Connect clusters", () => {
  let id: string;

  test("the list starts empty", async () => {
    const r = await api("GET", "/connect-clusters");
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([]);
  });

  test("create: PROVISIONING, with its workers' Kafka user and ACLs limited to its group and internal topics", async () => {
    const r = await api("POST", "/connect-clusters", { name: "cdc", kafkaClusterId: kafkaId, workerCount: 2 });
    expect(r.status).toBe(201);
    id = r.body.id;
    const topics = connectInternalTopics(id);
    expect(r.body).toMatchObject({
      name: "cdc",
      status: "PROVISIONING",
      workerCount: 2,
      workerInstanceType: "connect.1mcu",
      kafkaCluster: { id: kafkaId, name: "events" },
      kafkaUsername: connectKafkaUsername(id),
      groupId: topics.group,
      internalTopics: { config: topics.config, offset: topics.offset, status: topics.status },
      connectorCount: 0,
      workers: [],
    });
    expect(JSON.stringify(r.body)).not.toMatch(/password/i);
    const row = await h.db.connectCluster.findUniqueOrThrow({ where: { id } });
    expect(row.kafkaPasswordEncrypted).toMatch(/^v1\./);
    const user = await h.db.kafkaUser.findFirstOrThrow({ where: { clusterId: kafkaId, name: row.kafkaUsername } });
    expect(user.pendingPasswordEncrypted).toMatch(/^v1\./);
    const acls = await h.db.acl.findMany({ where: { clusterId: kafkaId, principal: `User:${row.kafkaUsername}` } });
    const names = new Set(acls.map((a) => `${a.resourceType}:${a.resourceName}`));
    expect(names).toEqual(
      new Set([`GROUP:${topics.group}`, `TOPIC:${topics.config}`, `TOPIC:${topics.offset}`, `TOPIC:${topics.status}`]),
    );
    expect(acls.every((a) => a.patternType === "LITERAL" && a.permission === "ALLOW")).toBe(true);
    const audit = await h.db.auditEvent.findFirstOrThrow({
      where: { action: "connect_cluster.create", resourceId: id },
    });
    expect(audit.details).toMatchObject({ kafkaUser: row.kafkaUsername });
  });

  test.each<[string, Record<string, unknown>, number, string]>([
    ["no Kafka cluster", { name: "x1", kafkaClusterId: undefined }, 400, "kafkaClusterId"],
    ["another tenant's Kafka cluster", { name: "x2", kafkaClusterId: "" }, 400, "kafkaClusterId"],
    ["an unknown worker type", { name: "x3", workerInstanceType: "t2.small" }, 400, "workerInstanceType"],
    ["no workers", { name: "x4", workerCount: 0 }, 400, "workerCount"],
    ["over the project's limit", { name: "x5", workerCount: 500 }, 400, "workerCount"],
    ["a bad name", { name: "Not OK!" }, 400, "name"],
    ["a taken name", { name: "cdc" }, 409, "name"],
  ])("%s: refused, naming the field", async (_label, over, status, field) => {
    const body = { kafkaClusterId: kafkaId, ...over };
    if (body.kafkaClusterId === "") body.kafkaClusterId = strangerKafkaId;
    const r = await api("POST", "/connect-clusters", body);
    expect(r.status).toBe(status);
    expect(Object.keys(r.body.error.fields ?? {})).toContain(field);
  });

  test("a viewer cannot create one; another tenant gets 404", async () => {
    expect((await api("POST", "/connect-clusters", { name: "v", kafkaClusterId: kafkaId }, viewer)).status).toBe(403);
    expect((await api("GET", `/connect-clusters/${id}`, undefined, strangerKey)).status).toBe(404);
    expect((await api("DELETE", `/connect-clusters/${id}`, undefined, strangerKey)).status).toBe(404);
  });

  test("scaling waits until it runs; then it is UPDATING with a new generation", async () => {
    expect((await api("PATCH", `/connect-clusters/${id}`, { workerCount: 3 })).status).toBe(409);
    await h.db.connectCluster.update({ where: { id }, data: { status: "RUNNING" } });
    const r = await api("PATCH", `/connect-clusters/${id}`, { workerCount: 3 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ workerCount: 3, status: "UPDATING", generation: 2 });
    const stale = await api("PATCH", `/connect-clusters/${id}`, { workerCount: 1, generation: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.fields).toHaveProperty("generation");
  });

  describe("connectors", () => {
    const cdc = (over: Record<string, unknown> = {}) => ({
      name: "orders-cdc",
      plugin: "debezium-postgres",
      config: {
        "database.hostname": "127.0.0.1",
        "database.port": "5432",
        "database.user": "cdc",
        "database.dbname": "shop",
        "topic.prefix": "shop",
      },
      secrets: { "database.password": "hunter2-hunter2" },
      ...over,
    });

    test.each<[string, Record<string, unknown>, number, string]>([
      ["an unknown plugin", cdc({ plugin: "s3-sink" }), 400, "plugin"],
      [
        "a class of another plugin",
        cdc({ connectorClass: "io.debezium.connector.jdbc.JdbcSinkConnector" }),
        400,
        "connectorClass",
      ],
      [
        "a password in config",
        cdc({ config: { "topic.prefix": "shop", "database.password": "x" } }),
        400,
        "config.database.password",
      ],
      [
        "a client override",
        cdc({ config: { "topic.prefix": "shop", "producer.override.sasl.jaas.config": "x" } }),
        400,
        "config.producer.override.sasl.jaas.config",
      ],
      [
        "a CDC source without topic.prefix",
        cdc({ config: { "database.hostname": "127.0.0.1" } }),
        400,
        "config.topic.prefix",
      ],
      [
        "a sink of a topic that does not exist",
        { name: "sink", plugin: "debezium-jdbc", config: { topics: "nope" } },
        400,
        "config.topics",
      ],
    ])("%s: refused naming the field, before anything is written", async (_label, body, status, field) => {
      const r = await api("POST", `/connect-clusters/${id}/connectors`, body);
      expect(r.status).toBe(status);
      expect(Object.keys(r.body.error.fields ?? {})).toContain(field);
      expect(await h.db.connector.count()).toBe(0);
    });

    test("a cluster that does not run cannot check a config: 409", async () => {
      await h.db.connectCluster.update({ where: { id }, data: { status: "PROVISIONING" } });
      const r = await api("POST", `/connect-clusters/${id}/connectors`, cdc());
      expect(r.status).toBe(409);
      expect(r.body.error.message).toMatch(/provisioning/);
      expect(await h.db.connector.count()).toBe(0);
    });

    test("an unknown connector is 404", async () => {
      expect((await api("GET", `/connect-clusters/${id}/connectors/nope`)).status).toBe(404);
      expect((await api("POST", `/connect-clusters/${id}/connectors/nope/pause`)).status).toBe(404);
    });

    // The user's database is checked before Connect is asked: a second real PostgreSQL with
    // wal_level=logical, and this run's own (wal_level=replica). No worker runs: a config that
    // passes the checks reaches Connect's validation, which cannot answer here (503).
    describe("a Postgres CDC source's database, checked first", () => {
      let logical: Awaited<ReturnType<typeof startTestPostgres>>;
      let server: URL;

      beforeAll(async () => {
        logical = await startTestPostgres({ settings: { wal_level: "logical" } });
        server = new URL(logical.url());
        await adminQuery(logical.url(), "CREATE DATABASE shop");
        for (const sql of [
          "CREATE TABLE public.orders (id int PRIMARY KEY)",
          "CREATE ROLE cdc LOGIN REPLICATION PASSWORD 'cdc-password'",
          "CREATE ROLE plain LOGIN PASSWORD 'plain-password'",
        ]) {
          await adminQuery(logical.url("shop"), sql);
        }
        await h.db.connectCluster.update({ where: { id }, data: { status: "RUNNING" } });
        await h.db.connectWorker.create({ data: { connectClusterId: id, index: 1, restPort: 1, status: "RUNNING" } });
      }, 60_000);

      afterAll(async () => {
        await logical?.stop();
      });

      const source = (over: Record<string, string> = {}, password = "cdc-password") =>
        cdc({
          config: {
            "database.hostname": server.hostname,
            "database.port": server.port,
            "database.user": "cdc",
            "database.dbname": "shop",
            "topic.prefix": "shop",
            "table.include.list": "public.orders",
            ...over,
          },
          secrets: { "database.password": password },
        });

      test.each<[string, () => Record<string, unknown>, string, RegExp]>([
        [
          "wal_level=replica",
          () => {
            const own = new URL(h.url);
            return cdc({
              config: {
                "database.hostname": own.hostname,
                "database.port": own.port,
                "database.user": decodeURIComponent(own.username),
                "database.dbname": own.pathname.slice(1),
                "topic.prefix": "shop",
              },
              secrets: { "database.password": decodeURIComponent(own.password) },
            });
          },
          "config.database.hostname",
          /wal_level=replica.*ALTER SYSTEM SET wal_level = logical and restart PostgreSQL/,
        ],
        ["a wrong password", () => source({}, "wrong"), "secrets.database.password", /password authentication failed/],
        [
          "a database nobody answers for",
          () => source({ "database.port": "1" }),
          "config.database.hostname",
          /Could not reach PostgreSQL at .*:1: .*ECONNREFUSED/,
        ],
        [
          "a user without REPLICATION",
          () => ({ ...source({ "database.user": "plain" }), secrets: { "database.password": "plain-password" } }),
          "config.database.user",
          /ALTER ROLE "plain" REPLICATION/,
        ],
        [
          "a table that does not exist",
          () => source({ "table.include.list": "public.orders,public.nope" }),
          "config.table.include.list",
          /No such table in shop: public\.nope/,
        ],
      ])("%s: 422 naming the field, nothing written", async (_label, body, field, message) => {
        const r = await api("POST", `/connect-clusters/${id}/connectors`, body());
        expect(r.status, JSON.stringify(r.body)).toBe(422);
        expect(r.body.error.fields?.[field]).toMatch(message);
        expect(await h.db.connector.count()).toBe(0);
      });

      test("a database that passes goes on to Connect's own validation", async () => {
        const r = await api("POST", `/connect-clusters/${id}/connectors`, source());
        expect(r.status, JSON.stringify(r.body)).toBe(503);
        expect(r.body.error.message).toMatch(/Kafka Connect did not answer/);
        expect(await h.db.connector.count()).toBe(0);
      });
    });
  });

  describe("a replication from another Weir cluster (MirrorMaker 2)", () => {
    let sourceId: string;
    const replication = (over: Record<string, unknown> = {}) => ({
      name: "from-orders",
      sourceKafkaClusterId: sourceId,
      topics: "orders\\..*|payments",
      ...over,
    });

    beforeAll(async () => {
      sourceId = await kafkaCluster(owner.orgId, "orders");
    });

    test.each<[string, () => Record<string, unknown>, string]>([
      ["the target as the source", () => replication({ sourceKafkaClusterId: kafkaId }), "sourceKafkaClusterId"],
      ["an unknown cluster", () => replication({ sourceKafkaClusterId: crypto.randomUUID() }), "sourceKafkaClusterId"],
      [
        "another tenant's cluster",
        () => replication({ sourceKafkaClusterId: strangerKafkaId }),
        "sourceKafkaClusterId",
      ],
      ["a regex that does not compile", () => replication({ topics: "orders(" }), "topics"],
      ["a regex with a comma", () => replication({ topics: "a{1,3}" }), "topics"],
      ["an empty regex", () => replication({ topics: "" }), "topics"],
      ["a bad groups regex", () => replication({ groups: "[" }), "groups"],
    ])("%s: a 400 naming the field, nothing written", async (_label, body, field) => {
      const before = await h.db.kafkaUser.count();
      const r = await api("POST", `/connect-clusters/${id}/replications`, body());
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(Object.keys(r.body.error.fields ?? {})).toContain(field);
      expect(await h.db.connector.count()).toBe(0);
      expect(await h.db.kafkaUser.count()).toBe(before);
    });

    test("created: a read-only user on the source, the connector's user on the target, no credential answered", async () => {
      const r = await api("POST", `/connect-clusters/${id}/replications`, replication());
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({
        plugin: "mirror",
        connectorClass: "org.apache.kafka.connect.mirror.MirrorSourceConnector",
        secretKeys: ["source.cluster.sasl.jaas.config"],
        replication: {
          sourceKafkaClusterId: sourceId,
          topics: "orders\\..*|payments",
          groups: ".*",
          syncGroupOffsets: true,
          replicationPolicy: "identity",
        },
      });
      expect(JSON.stringify(r.body)).not.toMatch(/password=/);
      const row = await h.db.connector.findFirstOrThrow({ where: { id: r.body.id } });
      expect(row.sourceKafkaClusterId).toBe(sourceId);
      const acls = async (clusterId: string, user: string) =>
        (await h.db.acl.findMany({ where: { clusterId, principal: `User:${user}` } }))
          .map((a) => `${a.resourceType} ${a.patternType} ${a.resourceName} ${a.operation}`)
          .sort();
      const mirrorUser = `weir-mirror-${row.id.slice(0, 8)}`;
      expect(await h.db.kafkaUser.count({ where: { clusterId: sourceId, name: mirrorUser } })).toBe(1);
      // The source user only reads: the two topic patterns, and describes the groups.
      expect(await acls(sourceId, mirrorUser)).toEqual(
        [
          ...["orders.", "payments"].flatMap((t) =>
            ["DESCRIBE", "DESCRIBE_CONFIGS", "READ"].map(
              (op) => `TOPIC ${t === "payments" ? "LITERAL" : "PREFIXED"} ${t} ${op}`,
            ),
          ),
          "GROUP LITERAL * DESCRIBE",
        ].sort(),
      );
      const target = await acls(kafkaId, row.kafkaUsername!);
      expect(target).toContain("TOPIC PREFIXED orders. WRITE");
      expect(target).toContain("TOPIC LITERAL payments CREATE");
      expect(target).toContain("TOPIC LITERAL mm2-offset-syncs.orders.internal WRITE");
      expect(target).toContain("TOPIC LITERAL orders.checkpoints.internal WRITE");
      expect(target).toContain("GROUP LITERAL * READ");
      expect(target.filter((a) => a.includes("WRITE")).length).toBe(4);

      // Its config is Weir's: a PATCH is refused naming the field.
      const patch = await api("PATCH", `/connect-clusters/${id}/connectors/from-orders`, { config: { topics: ".*" } });
      expect(patch.status).toBe(400);
      expect(patch.body.error.fields).toHaveProperty("config");

      // Its lag: the samples the controller wrote, oldest first, in the asked window.
      const lag = (q = "") => api("GET", `/connect-clusters/${id}/connectors/from-orders/lag${q}`);
      expect((await lag()).body).toEqual({ samples: [] });
      const now = Date.now();
      await h.db.connectorLagSample.createMany({
        data: [
          { connectorId: row.id, sampledAt: new Date(now - 3 * 3_600_000), records: 9n, topics: 2 },
          { connectorId: row.id, sampledAt: new Date(now - 20_000), records: 1200n, topics: 2 },
          { connectorId: row.id, sampledAt: new Date(now - 10_000), records: 0n, topics: 2 },
        ],
      });
      const recent = await lag("?minutes=60");
      expect(recent.status).toBe(200);
      expect(recent.body.samples.map((x: { records: number }) => x.records)).toEqual([1200, 0]);
      expect((await lag("?minutes=240")).body.samples).toHaveLength(3);
      expect((await lag("?minutes=0")).status).toBe(400);
      await h.db.kafkaUser.deleteMany({ where: { name: { in: [mirrorUser, row.kafkaUsername!] } } });
      await h.db.acl.deleteMany({ where: { principal: { in: [`User:${mirrorUser}`, `User:${row.kafkaUsername}`] } } });
      await h.db.connector.delete({ where: { id: row.id } });
    });
  });

  test("delete needs the typed name, then marks it DELETING", async () => {
    const wrong = await api("DELETE", `/connect-clusters/${id}?confirmName=nope`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields).toHaveProperty("confirmName");
    const r = await api("DELETE", `/connect-clusters/${id}?confirmName=cdc`);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe("DELETING");
    expect((await api("PATCH", `/connect-clusters/${id}`, { workerCount: 1 })).status).toBe(409);
  });
});
