// Topics, Kafka users, ACLs, consumer groups and the message browser over the real REST
// handlers, against one real single-broker Kafka cluster (started here with the local driver),
// the real reconcilers in a Controller, and Debian's kcat as an outside client.
import { kafkaAdmins } from "@weir/runtime";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Controller } from "@weir/controller";
import { aclReconciler } from "../../../apps/controller/src/reconcilers/acl.ts";
import { kafkaUserReconciler } from "../../../apps/controller/src/reconcilers/kafka-user.ts";
import { topicReconciler } from "../../../apps/controller/src/reconcilers/topic.ts";
import { encryptSecret, ensureDefaultProject } from "@weir/domain";
import { env, overrideEnv } from "@weir/env";
import {
  KafkaAdmin,
  alterTopicConfigs,
  createTopic,
  dynamicConfigs,
  initialNodes,
  newKafkaClusterId,
  topicConfigs,
  type KafkaClusterSpec,
} from "@weir/runtime";
import { LocalKafkaRuntime, freePorts } from "@weir/runtime/local";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHarness } from "./harness.ts";

const SECRET = randomBytes(32).toString("hex");
overrideEnv({ WEIR_SECRET_KEY: SECRET });

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-kafka-data-"));
const runtime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
const runtimeClusterId = randomUUID();
const ADMIN_PASSWORD = randomBytes(12).toString("hex");

let h: Awaited<ReturnType<typeof startHarness>>;
let owner: Awaited<ReturnType<Awaited<ReturnType<typeof startHarness>>["signUp"]>>;
let stranger: typeof owner;
let key: string;
let clusterId: string;
let bootstrap: string;
let outside: KafkaAdmin;
let controller: Controller;

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

function kcatArgs(user: string, password: string) {
  return [
    "-b",
    bootstrap,
    "-X",
    "security.protocol=SASL_PLAINTEXT",
    "-X",
    "sasl.mechanisms=SCRAM-SHA-512",
    "-X",
    `sasl.username=${user}`,
    "-X",
    `sasl.password=${password}`,
  ];
}

/** Runs kcat; resolves with its output, or with the error output if it fails. */
async function kcat(user: string, password: string, args: string[], input?: string) {
  return new Promise<{ ok: boolean; out: string; err: string }>((resolve) => {
    const p = execFile("kcat", [...kcatArgs(user, password), ...args], { timeout: 30_000 }, (error, out, err) =>
      resolve({ ok: !error, out: String(out), err: String(err) }),
    );
    if (input !== undefined) p.stdin!.end(input);
  });
}

const api = (method: string, p: string, body?: unknown) =>
  h.rest(method, `/clusters/${clusterId}${p}`, { as: { bearer: key }, ...(body === undefined ? {} : { body }) });

async function waitReady(kind: "topics" | "users", name: string) {
  return until(`${kind}/${name} READY`, async () => {
    if (kind === "topics") {
      const r = await api("GET", `/topics/${name}`);
      return r.body.status === "READY" && r.body.observedGeneration === r.body.generation ? r.body : undefined;
    }
    const r = await api("GET", "/users");
    const u = r.body.items.find((i: { name: string }) => i.name === name);
    return u?.status === "READY" ? u : undefined;
  });
}

beforeAll(async () => {
  h = await startHarness();
  owner = await h.signUp("owner");
  stranger = await h.signUp("stranger");
  key = await h.apiKey(owner, "ADMIN");
  await ensureDefaultProject(h.db, owner.orgId);
  const project = await h.db.project.findFirstOrThrow({ where: { orgId: owner.orgId } });

  const nodes = initialNodes(1);
  const ports = await freePorts(3);
  const spec: KafkaClusterSpec = {
    clusterId: runtimeClusterId,
    kafkaClusterId: newKafkaClusterId(randomBytes(16)),
    kafkaVersion: "3.9.2",
    defaultReplication: 1,
    admin: { username: "weir-admin", password: ADMIN_PASSWORD },
    instanceType: { sku: "kafka.t3.small", vcpu: 2, memoryGib: 2 },
    nodes: nodes.map((n) => ({
      ...n,
      host: "127.0.0.1",
      port: ports[0]!,
      controllerPort: ports[1]!,
      metricsPort: ports[2]!,
    })),
  };
  await runtime.ensureNode(spec, 1);
  bootstrap = `127.0.0.1:${ports[0]}`;
  outside = new KafkaAdmin({ bootstrap: [bootstrap], username: "weir-admin", password: ADMIN_PASSWORD });
  await until("broker registered", async () => (await outside.describeCluster()).brokers.length === 1, 90_000);

  const cluster = await h.db.kafkaCluster.create({
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
  clusterId = cluster.id;

  controller = new Controller({
    db: h.db,
    databaseUrl: h.url,
    reconcilers: [
      topicReconciler({ secretKey: SECRET }),
      kafkaUserReconciler({ secretKey: SECRET }),
      aclReconciler({ secretKey: SECRET }),
    ],
    resyncIntervalMs: 1_000,
    backoff: { initialMs: 200, maxMs: 2_000 },
  });
  await controller.start();
}, 180_000);

afterAll(async () => {
  await controller?.stop();
  await outside?.close();
  await kafkaAdmins.close();
  await runtime.deleteGroup(runtimeClusterId);
  fs.rmSync(dataDir, { recursive: true, force: true });
  await h?.close();
});

describe("topics", () => {
  test("create is checked, reconciled into Kafka, and shown with partitions and offsets", async () => {
    const r = await api("POST", "/topics", {
      name: "orders",
      partitions: 3,
      configs: { "retention.ms": 3_600_000, "cleanup.policy": "delete" },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: "orders", managed: true, partitions: 3, replicationFactor: 1 });
    const t = await waitReady("topics", "orders");
    expect(t.kafka.partitions).toHaveLength(3);
    expect(t.kafka.partitions[0]).toMatchObject({ leader: 1, replicas: [1], isr: [1], latestOffset: "0" });
    const cfg = dynamicConfigs((await topicConfigs(outside, ["orders"])).get("orders")!);
    expect(cfg).toMatchObject({ "retention.ms": "3600000", "cleanup.policy": "delete" });
    const listed = await kcat("weir-admin", ADMIN_PASSWORD, ["-L", "-t", "orders"]);
    expect(listed.out).toContain('topic "orders" with 3 partitions');
    const audit = await h.db.auditEvent.findFirst({ where: { action: "topic.create", resourceName: "orders" } });
    expect(audit).not.toBeNull();
  });

  test("bad input is refused with the field named, and nothing is applied", async () => {
    const cases: [unknown, number, string][] = [
      [{ name: "bad name!" }, 400, "name"],
      [{ name: "x".repeat(250) }, 400, "name"],
      [{ name: "wide", replicationFactor: 2 }, 400, "replicationFactor"],
      [{ name: "cfg", configs: { "foo.bar": "1" } }, 400, "configs.foo.bar"],
      [{ name: "cfg", configs: { "retention.ms": -5 } }, 400, "configs.retention.ms"],
      [{ name: "cfg", configs: { "min.insync.replicas": 2 } }, 400, "configs.min.insync.replicas"],
      [{ name: "cfg", configs: { "cleanup.policy": "forever" } }, 400, "configs.cleanup.policy"],
      [{ name: "orders" }, 409, "name"],
      [{ name: "cfg", configs: { "message.format.version": "not-a-version" } }, 422, "configs.message.format.version"],
    ];
    for (const [body, status, field] of cases) {
      const r = await api("POST", "/topics", body);
      expect([r.status, r.body.error?.fields && Object.keys(r.body.error.fields)], JSON.stringify(body)).toEqual([
        status,
        [field],
      ]);
    }
    expect((await api("POST", "/topics", { name: "a.b" })).status).toBe(201);
    const collide = await api("POST", "/topics", { name: "a_b" });
    expect(collide.status).toBe(409);
    expect(collide.body.error.message).toMatch(/'\.' and '_'/);

    const fewer = await api("PATCH", "/topics/orders", { partitions: 2 });
    expect(fewer.status).toBe(400);
    expect(fewer.body.error.fields.partitions).toMatch(/only grow/);
    const half = await api("PATCH", "/topics/orders", { configs: { "retention.ms": 1000, "segment.bytes": 1 } });
    expect(half.status).toBe(400);
    expect(Object.keys(half.body.error.fields)).toEqual(["configs.segment.bytes"]);
    const row = await h.db.topic.findFirstOrThrow({ where: { clusterId, name: "orders" } });
    expect(row.configs).toMatchObject({ "retention.ms": "3600000" });
    const noConfirm = await api("DELETE", "/topics/orders?confirm=nope");
    expect(noConfirm.status).toBe(400);
    expect(noConfirm.body.error.fields.confirm).toBeDefined();
  });

  test("topics created at once share Kafka requests, and a refused one fails alone with Kafka's reason", async () => {
    const names = ["together-a", "together-b", "together-c"];
    const answers = await Promise.all([
      ...names.map((name) => api("POST", "/topics", { name, partitions: 2 })),
      api("POST", "/topics", { name: "together-bad", configs: { "message.format.version": "not-a-version" } }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 422]);
    expect(Object.keys(answers[3]!.body.error.fields)).toEqual(["configs.message.format.version"]);
    for (const name of names) expect((await waitReady("topics", name)).kafka.partitions).toHaveLength(2);
    expect(await h.db.topic.count({ where: { clusterId, name: "together-bad" } })).toBe(0);
  });

  test("configs change and partitions grow through PATCH", async () => {
    const before = await api("GET", "/topics/orders");
    const r = await api("PATCH", "/topics/orders", {
      partitions: 4,
      configs: { "retention.ms": null, "max.message.bytes": 2_000_000 },
      generation: before.body.generation,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const stale = await api("PATCH", "/topics/orders", { partitions: 5, generation: before.body.generation });
    expect(stale.status).toBe(409);
    const t = await waitReady("topics", "orders");
    expect(t.kafka.partitions).toHaveLength(4);
    const cfg = dynamicConfigs((await topicConfigs(outside, ["orders"])).get("orders")!);
    expect(cfg).toEqual({ "cleanup.policy": "delete", "max.message.bytes": "2000000" });
  });

  test("a config changed outside Weir is reported as drift and corrected", async () => {
    await alterTopicConfigs(outside, "orders", { set: { "retention.ms": "1234" }, remove: [] });
    const drifted = await until("drift recorded and corrected", async () => {
      const r = await api("GET", "/topics/orders");
      return r.body.drift?.correctedAt ? r.body : undefined;
    });
    expect(drifted.drift.changes).toEqual([{ key: "retention.ms", desired: null, actual: "1234" }]);
    const cfg = dynamicConfigs((await topicConfigs(outside, ["orders"])).get("orders")!);
    expect(cfg["retention.ms"]).toBeUndefined();
    const events = await h.db.resourceEvent.findMany({
      where: { kind: "Topic", reason: { in: ["DriftDetected", "DriftCorrected"] } },
    });
    expect(events.map((e) => e.reason).sort()).toEqual(["DriftCorrected", "DriftDetected"]);
  });

  test("topics created outside Weir are listed as unmanaged and can be imported", async () => {
    await createTopic(outside, {
      name: "legacy.events",
      partitions: 2,
      replicationFactor: 1,
      configs: { "retention.ms": "86400000" },
    });
    const list = await api("GET", "/topics?filter=unmanaged");
    expect(list.body.items.map((i: { name: string }) => i.name)).toEqual(["legacy.events"]);
    expect(list.body.items[0]).toMatchObject({ managed: false, partitions: 2, status: "UNMANAGED" });
    const taken = await api("POST", "/topics", { name: "legacy.events" });
    expect([taken.status, taken.body.error.message]).toEqual([409, expect.stringMatching(/import it instead/)]);
    const collides = await api("POST", "/topics", { name: "legacy_events" });
    expect([collides.status, collides.body.error.fields.name]).toEqual([409, expect.stringMatching(/collides/)]);
    const imp = await api("POST", "/topics/legacy.events/import", {});
    expect(imp.status).toBe(200);
    expect(imp.body).toMatchObject({ managed: true, partitions: 2, configs: { "retention.ms": "86400000" } });
    await waitReady("topics", "legacy.events");
    const search = await api("GET", "/topics?search=LEGACY");
    expect(search.body.items).toHaveLength(1);
    expect(search.body.total).toBe(1);
  });

  test("another tenant gets 404, and delete removes the topic from Kafka", async () => {
    const other = await h.rest("GET", `/clusters/${clusterId}/topics`, { as: stranger });
    expect(other.status).toBe(404);
    const del = await api("DELETE", "/topics/a.b?confirm=a.b");
    expect(del.status).toBe(200);
    expect(del.body.status).toBe("DELETING");
    await until("topic row gone", async () => (await h.db.topic.count({ where: { clusterId, name: "a.b" } })) === 0);
    const listed = await kcat("weir-admin", ADMIN_PASSWORD, ["-L"]);
    expect(listed.out).not.toContain('topic "a.b"');
  });
});

describe("users and ACLs", () => {
  const pw: Record<string, string> = {};

  test("SCRAM users: password shown once, never stored in plaintext", async () => {
    const a = await api("POST", "/users", { name: "alice" });
    expect(a.status).toBe(201);
    expect(a.body.password.length).toBeGreaterThanOrEqual(24);
    pw.alice = a.body.password;
    const b = await api("POST", "/users", { name: "bob", password: "bob-password-long" });
    pw.bob = b.body.password;
    expect(pw.bob).toBe("bob-password-long");
    expect(
      (await api("POST", "/users", { name: "carol", password: "short" })).body.error.fields.password,
    ).toBeDefined();
    expect((await api("POST", "/users", { name: "alice" })).status).toBe(409);
    await waitReady("users", "alice");
    await waitReady("users", "bob");
    const rows = await h.db.kafkaUser.findMany({ where: { clusterId } });
    expect(rows.every((r) => r.pendingPasswordEncrypted === null)).toBe(true);
    expect(JSON.stringify(await api("GET", "/users"))).not.toContain(pw.alice);
    expect(JSON.stringify(rows)).not.toContain(pw.alice);
  });

  test("produce ACL lets alice write and refuses bob; consume ACL lets bob read", async () => {
    await api("POST", "/topics", { name: "payments", partitions: 1 });
    await waitReady("topics", "payments");
    const bad = await api("POST", "/acls", {
      principal: "User:alice",
      resourceType: "TOPIC",
      resourceName: "payments",
      operation: "FLY",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.operation).toMatch(/Unknown operation/);
    const wrongOp = await api("POST", "/acls", {
      principal: "User:alice",
      resourceType: "GROUP",
      resourceName: "g",
      operation: "WRITE",
    });
    expect(wrongOp.status).toBe(400);

    const preview = await api("POST", "/acls/presets", {
      preset: "produce",
      principal: "User:alice",
      topic: "payments",
      dryRun: true,
    });
    expect(preview.body.bindings.map((b: { operation: string }) => b.operation)).toEqual(["WRITE", "DESCRIBE"]);
    expect(await h.db.acl.count({ where: { clusterId } })).toBe(0);
    const produce = await api("POST", "/acls/presets", {
      preset: "produce",
      principal: "User:alice",
      topic: "payments",
    });
    expect(produce.status).toBe(200);
    await until("ACLs READY", async () => (await h.db.acl.count({ where: { clusterId, status: "READY" } })) === 2);

    const ok = await kcat(pw.alice ? "alice" : "", pw.alice!, ["-P", "-t", "payments", "-k", "a1"], "paid-1\npaid-2\n");
    expect(ok.ok, ok.err).toBe(true);
    const refused = await kcat("bob", pw.bob!, ["-P", "-t", "payments"], "sneaky\n");
    expect(refused.ok).toBe(false);
    expect(refused.err).toMatch(/Topic authorization failed|TOPIC_AUTHORIZATION_FAILED/i);

    const before = await kcat("bob", pw.bob!, ["-C", "-t", "payments", "-o", "beginning", "-e"]);
    expect(before.ok).toBe(false);
    await api("POST", "/acls/presets", {
      preset: "consume",
      principal: "User:bob",
      topic: "payments",
      group: "bob-group",
    });
    await until(
      "consume ACLs READY",
      async () => (await h.db.acl.count({ where: { clusterId, status: "READY" } })) === 6,
    );
    const read = await until("bob reads", async () => {
      const r = await kcat("bob", pw.bob!, ["-C", "-t", "payments", "-o", "beginning", "-e", "-q"]);
      return r.ok ? r : undefined;
    });
    expect(read.out.trim().split("\n")).toEqual(["paid-1", "paid-2"]);

    const view = await api("GET", "/acls?topic=payments");
    expect(
      view.body.topicView.map((v: { principal: string; operation: string }) => `${v.principal} ${v.operation}`),
    ).toEqual(["User:alice DESCRIBE", "User:alice WRITE", "User:bob DESCRIBE", "User:bob READ"]);
    const detail = await api("GET", "/topics/payments");
    expect(detail.body.kafka.acls).toHaveLength(4);
  });

  test("rotation replaces the credential; deleting a user removes its ACLs", async () => {
    const r = await api("POST", "/users/alice/rotate", {});
    expect(r.status).toBe(200);
    expect(r.body.password).not.toBe(pw.alice);
    await until("rotated", async () => {
      const u = await h.db.kafkaUser.findFirstOrThrow({ where: { clusterId, name: "alice" } });
      return u.pendingPasswordEncrypted === null && u.status === "READY";
    });
    const old = await kcat("alice", pw.alice!, ["-L"]);
    expect(old.ok).toBe(false);
    const fresh = await kcat("alice", r.body.password, ["-P", "-t", "payments"], "paid-3\n");
    expect(fresh.ok, fresh.err).toBe(true);

    expect((await api("DELETE", "/users/alice")).status).toBe(200);
    await until("alice and her ACLs gone", async () => {
      const users = await h.db.kafkaUser.count({ where: { clusterId, name: "alice" } });
      const acls = await h.db.acl.count({ where: { clusterId, principal: "User:alice" } });
      return users === 0 && acls === 0;
    });
    const list = await api("GET", "/acls");
    expect(list.body.items.some((a: { principal: string }) => a.principal === "User:alice")).toBe(false);
  });
});

describe("consumer groups", () => {
  let consumer: ChildProcess | undefined;

  test("lag per partition, a refused reset while active, a dry run, then a reset kcat re-reads", async () => {
    const group = "billing-svc";
    const consumed = await kcat("weir-admin", ADMIN_PASSWORD, [
      "-G",
      group,
      "-o",
      "beginning",
      "-e",
      "-q",
      "-X",
      "auto.offset.reset=earliest",
      "payments",
    ]);
    expect(consumed.out.trim().split("\n")).toHaveLength(3);
    const list = await until("group listed with no lag", async () => {
      const r = await api("GET", "/consumer-groups?search=billing");
      const g = r.body.items?.[0];
      return g && g.state === "EMPTY" && g.partitions.length === 1 ? r.body : undefined;
    });
    const g = list.items[0];
    expect(g).toMatchObject({ id: group, totalLag: "0" });
    expect(g.partitions[0]).toMatchObject({ topic: "payments", partition: 0, committed: "3", latest: "3", lag: "0" });

    await kcat("weir-admin", ADMIN_PASSWORD, ["-P", "-t", "payments"], "paid-4\n");
    const lagging = await api("GET", `/consumer-groups/${group}`);
    expect(lagging.body.totalLag).toBe("1");

    consumer = spawn("kcat", [...kcatArgs("weir-admin", ADMIN_PASSWORD), "-G", group, "-q", "payments"], {
      stdio: "ignore",
    });
    await until(
      "group active",
      async () => (await api("GET", `/consumer-groups/${group}`)).body.state === "STABLE",
      60_000,
    );
    const active = await api("POST", `/consumer-groups/${group}/reset-offsets`, { to: "earliest", dryRun: false });
    expect(active.status).toBe(409);
    expect(active.body.error.fields.group).toMatch(/stable/);
    consumer.kill("SIGTERM");
    await until(
      "group empty",
      async () => (await api("GET", `/consumer-groups/${group}`)).body.state === "EMPTY",
      60_000,
    );

    const preview = await api("POST", `/consumer-groups/${group}/reset-offsets`, { to: "earliest" });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ dryRun: true });
    expect(preview.body.changes).toEqual([{ topic: "payments", partition: 0, from: "4", to: "0", clamped: false }]);
    expect((await api("GET", `/consumer-groups/${group}`)).body.partitions[0].committed).toBe("4");

    const reset = await api("POST", `/consumer-groups/${group}/reset-offsets`, { to: "earliest", dryRun: false });
    expect(reset.status).toBe(200);
    const again = await kcat("weir-admin", ADMIN_PASSWORD, ["-G", group, "-e", "-q", "payments"]);
    expect(again.out.trim().split("\n")).toEqual(["paid-1", "paid-2", "paid-3", "paid-4"]);

    const bad = await api("POST", `/consumer-groups/${group}/reset-offsets`, { to: "timestamp" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.timestamp).toBeDefined();
  });

  afterAll(() => {
    consumer?.kill("SIGKILL");
  });
});

describe("message browser", () => {
  test("a message produced from the console is read by kcat", async () => {
    await api("POST", "/topics", { name: "events", partitions: 2 });
    await waitReady("topics", "events");
    const r = await api("POST", "/topics/events/messages", {
      key: "user-7",
      value: JSON.stringify({ user: { id: 7 }, action: "login" }),
      headers: { source: "console" },
      partition: 1,
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ partition: 1, offset: "0" });
    const read = await kcat("weir-admin", ADMIN_PASSWORD, [
      "-C",
      "-t",
      "events",
      "-p",
      "1",
      "-o",
      "beginning",
      "-e",
      "-q",
      "-f",
      "%k|%s|%h\\n",
    ]);
    expect(read.out.trim()).toBe('user-7|{"user":{"id":7},"action":"login"}|source=console');
  });

  test("one produced by kcat is found by the browser's filters, within the scan bound", async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `k${i}:${JSON.stringify({ user: { id: i }, n: i })}`).join("\n");
    await kcat("weir-admin", ADMIN_PASSWORD, ["-P", "-t", "events", "-p", "0", "-K", ":"], lines + "\n");
    await kcat(
      "weir-admin",
      ADMIN_PASSWORD,
      ["-P", "-t", "events", "-p", "0", "-k", "needle"],
      "binary-ish \u0001 plain text\n",
    );

    const byPath = await api("GET", "/topics/events/messages?jsonPath=$.user.id&jsonValue=33");
    expect(byPath.status).toBe(200);
    expect(byPath.body.messages).toHaveLength(1);
    expect(byPath.body.messages[0]).toMatchObject({
      partition: 0,
      offset: "33",
      key: { encoding: "text", text: "k33" },
    });
    expect(byPath.body.messages[0].value.encoding).toBe("json");
    expect(byPath.body.messages[0].value.text).toContain('\n  "user"');

    const byKey = await api("GET", "/topics/events/messages?key=needle");
    expect(byKey.body.messages).toHaveLength(1);
    expect(byKey.body.messages[0].value.encoding).toBe("base64");

    const bounded = await api(
      "GET",
      "/topics/events/messages?from=offset&offset=0&partition=0&maxScan=10&value=%22n%22%3A39",
    );
    expect(bounded.body).toMatchObject({ scanned: 10, returned: 0, truncated: true });

    const newest = await api("GET", "/topics/events/messages?limit=3");
    expect(newest.body.messages).toHaveLength(3);
    const fromConsole = await api("GET", "/topics/events/messages?value=login&from=timestamp&timestamp=0");
    expect(fromConsole.body.messages[0].headers).toEqual([
      { key: "source", value: { encoding: "text", text: "console", size: 7 } },
    ]);

    const csv = await api("GET", "/topics/events/messages/export?format=csv&jsonPath=$.n&limit=500");
    expect(csv.body.contentType).toBe("text/csv");
    const rows = csv.body.content.trim().split("\n");
    expect(rows[0]).toBe("partition,offset,timestamp,key,value,headers");
    expect(rows).toHaveLength(41);
    const json = await api("GET", "/topics/events/messages/export?format=json&key=needle");
    expect(JSON.parse(json.body.content)).toHaveLength(1);

    const badPartition = await api("GET", "/topics/events/messages?partition=9");
    expect(badPartition.status).toBe(400);
    expect(badPartition.body.error.fields.partition).toBeDefined();
  });
});

describe("schema inference for jobs", () => {
  test("a Spark DDL schema from a topic's JSON values; text values are a 400 naming the problem", async () => {
    await api("POST", "/topics", { name: "orders-json", partitions: 2 });
    await api("POST", "/topics", { name: "plain-text", partitions: 1 });
    await waitReady("topics", "orders-json");
    await waitReady("topics", "plain-text");
    const orders = [
      { id: 1, product: "tea", amount: 3, ts: "2026-03-01T10:00:00Z", tags: ["hot"], shop: { id: 7 } },
      { id: 2, product: "cake", amount: 4.5, ts: "2026-03-01T10:00:05.250Z", tags: [], shop: { id: 8, city: "Oslo" } },
      { id: 3, product: "tea", amount: 1, ts: "2026-03-01T10:01:00+01:00", coupon: null, shop: { id: 7 } },
    ];
    await kcat(
      "weir-admin",
      ADMIN_PASSWORD,
      ["-P", "-t", "orders-json", "-p", "0", "-K", ":"],
      orders.map((o) => `${o.product}:${JSON.stringify(o)}`).join("\n") + "\n",
    );
    const r = await until("the orders to be readable", async () => {
      const res = await api("POST", "/topics/orders-json/infer-schema", { sample: 50 });
      return res.status === 200 && res.body.sampled === 3 ? res : undefined;
    });
    expect(r.body.schema).toBe(
      "id BIGINT, product STRING, amount DOUBLE, ts TIMESTAMP, tags ARRAY<STRING>, " +
        "shop STRUCT<id: BIGINT, city: STRING>, coupon STRING",
    );
    expect(r.body.columns[3]).toEqual({ name: "ts", type: "TIMESTAMP" });

    await kcat("weir-admin", ADMIN_PASSWORD, ["-P", "-t", "plain-text"], "hello\nworld\n");
    const text = await until("the text to be readable", async () => {
      const res = await api("POST", "/topics/plain-text/infer-schema", {});
      return res.status === 400 && /2 of 2/.test(res.body.error.message) ? res : undefined;
    });
    expect(text.body.error.fields.name).toMatch(/not JSON \(plain text\)/);

    const unknown = await api("POST", "/topics/nope/infer-schema", {});
    expect(unknown.status).toBe(404);
    const other = await h.rest("POST", `/clusters/${clusterId}/topics/orders-json/infer-schema`, {
      as: { cookie: stranger.cookie },
      body: {},
    });
    expect(other.status).toBe(404);
  });
});
