// "Replicate from another Weir cluster" end to end, with real parts: two one-broker SCRAM Kafka
// clusters (legacy → events), a one-worker Connect cluster on events, a real controller. A
// replication created through the API becomes MirrorMaker 2's source and checkpoint connectors:
// a topic of 10,000 messages is copied under its own name (counted with kcat on the target), the
// committed offsets of two consumer groups (one caught up, one behind, both real kcat consumers)
// are translated onto the target, a topic the regex does not match stays behind, the lag sampled
// from both clusters' end offsets drops to 0, Weir's user on the source can read but not write,
// and delete removes both connectors and both users. Both clusters are SASL_SSL with CAs of their
// own: MM2 trusts each one's.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { decryptSecret, ensureDefaultProject, seedPriceBook } from "@weir/domain";
import { env, overrideEnv } from "@weir/env";
import { ConnectRestClient, kafkaAdmins } from "@weir/runtime";
import { LocalConnectRuntime, LocalKafkaRuntime } from "@weir/runtime/local";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHarness } from "../../../packages/api/test/harness.ts";
import { startTestController, until as waitUntil, type TestController } from "./support.ts";
import { clusterClientSecurity } from "./tls-clients.ts";

const SECRET = "test-secret-key-mirror-0123456789abcdef012345";
overrideEnv({ WEIR_SECRET_KEY: SECRET });

const MESSAGES = 10_000;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-mirror-"));
let h: Awaited<ReturnType<typeof startHarness>>;
let bearer: string;
let tc: TestController;
let kafkaRuntime: LocalKafkaRuntime;
let connectRuntime: LocalConnectRuntime;
let connectId: string;
/** Each group's committed offsets on the source, by partition. */
const sourceOffsets: Record<string, Record<string, number>> = {};
const committedOf = (g: { partitions: { partition: number; committed: string | null }[] }) =>
  Object.fromEntries(g.partitions.map((p) => [String(p.partition), Number(p.committed ?? 0)]));
interface Cluster {
  id: string;
  bootstrap: string;
  username: string;
  password: string;
  /** kcat's security settings: SASL_SSL with the cluster's CA, or SASL_PLAINTEXT. */
  security: string[];
}
const clusters: Record<"legacy" | "events", Cluster> = {} as never;

let lastSeen = "";
const until = <T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 240_000) =>
  waitUntil(what, fn, ms, () => lastSeen);

const api = async (method: string, p: string, body?: unknown) => {
  const r = await h.rest(method, p, { as: { bearer }, ...(body === undefined ? {} : { body }) });
  lastSeen = `${method} ${p} → ${r.status} ${JSON.stringify(r.body).slice(0, 600)}`;
  return r;
};

const kcat = (c: Cluster, u: { username: string; password: string }, args: string[], input?: string) =>
  spawnSync(
    "kcat",
    [
      "-b",
      c.bootstrap,
      ...c.security,
      "-X",
      "sasl.mechanisms=SCRAM-SHA-512",
      "-X",
      `sasl.username=${u.username}`,
      "-X",
      `sasl.password=${u.password}`,
      ...args,
    ],
    { encoding: "utf8", timeout: 60_000, maxBuffer: 64 * 1024 * 1024, ...(input === undefined ? {} : { input }) },
  );

/** The keys of every message of a topic, read from the beginning to the end with kcat. */
function keysOf(c: Cluster, topic: string): string[] {
  const r = kcat(c, c, ["-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k\n"]);
  return r.status === 0 ? r.stdout.split("\n").filter(Boolean) : [];
}

const connector = async () => (await api("GET", `/connect-clusters/${connectId}/connectors/from-legacy`)).body;

beforeAll(async () => {
  h = await startHarness();
  await seedPriceBook(h.db);
  const me = await h.signUp("mirror-owner");
  kafkaRuntime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
  connectRuntime = new LocalConnectRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
  await ensureDefaultProject(h.db, me.orgId);
  bearer = await h.apiKey(me, "ADMIN");
  for (const name of ["legacy", "events"] as const) {
    const k = await api("POST", "/clusters", {
      name,
      brokerCount: 1,
      brokerInstanceType: "kafka.t3.small",
      storageGbPerBroker: 20,
    });
    expect(k.status, JSON.stringify(k.body)).toBe(201);
    clusters[name] = { id: k.body.id, bootstrap: "", username: "", password: "", security: [] };
  }
  tc = await startTestController(
    h,
    { runtime: kafkaRuntime, connect: { runtime: connectRuntime }, secretKey: SECRET },
    (wake) => kafkaRuntime.onExit((id) => wake("KafkaCluster", id)),
  );
  connectRuntime.onExit((id) => tc.controller.enqueue({ kind: "ConnectCluster", id }));
  const x = await api("POST", "/connect-clusters", { name: "mm", kafkaClusterId: clusters.events.id, workerCount: 1 });
  expect(x.status, JSON.stringify(x.body)).toBe(201);
  connectId = x.body.id;
  for (const name of ["legacy", "events"] as const) {
    const c = clusters[name];
    const k = await until(`${name} RUNNING`, async () => {
      const r = await api("GET", `/clusters/${c.id}`);
      return r.body.status === "RUNNING" && r.body;
    });
    c.bootstrap = k.bootstrapServers.split(",")[0];
    const cred = await api("POST", `/clusters/${c.id}/admin-credential`, {});
    c.username = cred.body.username;
    c.password = cred.body.password;
    c.security = (await clusterClientSecurity(h.db, c.id)).kcat;
  }
  // On the source: orders (2 partitions, 5,000 messages each) and a topic the regex leaves out.
  for (const [name, partitions] of [
    ["orders", 2],
    ["audit", 1],
  ] as const) {
    const t = await api("POST", `/clusters/${clusters.legacy.id}/topics`, { name, partitions, replicationFactor: 1 });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
  }
  await until("the topics exist in Kafka", async () => {
    const r = await api("GET", `/clusters/${clusters.legacy.id}/topics`);
    return r.body.items?.filter((t: { status: string }) => t.status === "READY").length === 2;
  });
  for (const partition of [0, 1]) {
    const lines = Array.from({ length: MESSAGES / 2 }, (_, i) => `p${partition}-${i}|order ${i}`);
    const r = kcat(
      clusters.legacy,
      clusters.legacy,
      ["-P", "-t", "orders", "-p", String(partition), "-K", "|"],
      lines.join("\n") + "\n",
    );
    expect(r.status, r.stderr).toBe(0);
  }
  expect(kcat(clusters.legacy, clusters.legacy, ["-P", "-t", "audit", "-K", "|"], "a|left behind\n").status).toBe(0);
  // Two consumer groups read orders on the source with kcat and committed: billing all of it (a
  // consumer that keeps up), reports 7,000 messages (one that is behind).
  for (const [group, count] of [
    ["billing", MESSAGES],
    ["reports", 7000],
  ] as const) {
    const read = kcat(clusters.legacy, clusters.legacy, [
      "-G",
      group,
      "-X",
      "auto.offset.reset=earliest",
      "-c",
      String(count),
      "-q",
      "-f",
      "%o\n",
      "orders",
    ]);
    expect(read.status, read.stderr).toBe(0);
    const onSource = await until(`${group}'s offsets on the source`, async () => {
      const r = await api("GET", `/clusters/${clusters.legacy.id}/consumer-groups/${group}`);
      return r.status === 200 && r.body.state === "EMPTY" && r.body;
    });
    sourceOffsets[group] = committedOf(onSource);
    expect(Object.values(sourceOffsets[group]).reduce((a, b) => a + b, 0)).toBe(count);
  }
  await until(
    "Connect cluster RUNNING",
    async () => (await api("GET", `/connect-clusters/${connectId}`)).body.status === "RUNNING",
  );
}, 400_000);

afterAll(async () => {
  try {
    if (connectId) await connectRuntime.deleteGroup(connectId);
    for (const c of Object.values(clusters)) await kafkaRuntime.deleteGroup(c.id);
    await tc?.stop();
    await kafkaAdmins.close();
  } finally {
    await h.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);

describe("a replication from another Weir cluster", () => {
  test("the same cluster as source and target is a 400 naming the field, nothing written", async () => {
    const r = await api("POST", `/connect-clusters/${connectId}/replications`, {
      name: "loop",
      sourceKafkaClusterId: clusters.events.id,
      topics: "orders",
    });
    expect(r.status).toBe(400);
    expect(r.body.error.fields).toHaveProperty("sourceKafkaClusterId");
    expect(await h.db.connector.count()).toBe(0);
  });

  test("MirrorMaker 2 copies 10,000 messages under the topic's own name; the other topic stays behind", async () => {
    const t0 = Date.now();
    const r = await api("POST", `/connect-clusters/${connectId}/replications`, {
      name: "from-legacy",
      sourceKafkaClusterId: clusters.legacy.id,
      topics: "ord.*",
      syncGroupOffsets: true,
      syncIntervalSeconds: 2,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const settled = await until(
      "the replication settles",
      async () => {
        const b = await connector();
        // RUNNING once the source connector's tasks run; the checkpoint connector's task comes
        // when it has found the groups.
        const both = new Set(b.tasks.map((t: { connector: string }) => t.connector)).size === 2;
        return (["DEGRADED", "FAILED"].includes(b.status) || (b.status === "RUNNING" && both)) && b;
      },
      180_000,
    );
    expect(settled.status, `${settled.statusReason}\n${JSON.stringify(settled.tasks)}`).toBe("RUNNING");
    expect(settled.tasks.map((t: { connector: string }) => t.connector).sort()).toEqual([
      "from-legacy",
      "from-legacy-checkpoints",
    ]);

    const keys = await until(
      `${MESSAGES} messages in orders on events`,
      async () => {
        const k = keysOf(clusters.events, "orders");
        lastSeen = `${k.length} messages on the target`;
        return k.length >= MESSAGES && k;
      },
      180_000,
    );
    console.log(
      `[connect-mirror.test] POST → ${MESSAGES} messages on the target in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    expect(keys).toHaveLength(MESSAGES);
    expect(new Set(keys).size).toBe(MESSAGES);
    expect(keysOf(clusters.events, "audit")).toEqual([]);
    const auditOnTarget = kcat(clusters.events, clusters.events, ["-L", "-t", "audit"]);
    expect(auditOnTarget.stdout).not.toMatch(/topic "audit" with [1-9]\d* partitions/);
  }, 400_000);

  test("consumer groups' offsets follow, translated, onto the target", async () => {
    const onTarget = async (group: string) => {
      const r = await api("GET", `/clusters/${clusters.events.id}/consumer-groups/${group}`);
      return r.status === 200 && r.body.partitions.every((p: { committed: string | null }) => p.committed !== null)
        ? committedOf(r.body)
        : null;
    };
    // A group that kept up lands within MM2's offset.lag.max (100) of its position on the source.
    const billing = await until(
      "billing's translated offsets on the target",
      async () => {
        const c = await onTarget("billing");
        lastSeen = JSON.stringify(c);
        return (
          c && Object.entries(sourceOffsets.billing!).every(([p, o]) => c[p] !== undefined && c[p]! >= o - 101) && c
        );
      },
      120_000,
    );
    const reports = await until("reports' offsets on the target", async () => {
      const c = await onTarget("reports");
      return c && Object.keys(c).length === Object.keys(sourceOffsets.reports!).length && c;
    });
    console.log(
      `[connect-mirror.test] on the target: billing ${JSON.stringify(billing)}, reports ${JSON.stringify(reports)}; on the source: ${JSON.stringify(sourceOffsets)}`,
    );
    // Translation never passes a group's position on the source: no message is skipped. (A group
    // far behind the replication gets a coarser position, further back, from MM2's older syncs.)
    for (const [group, translated] of [
      ["billing", billing],
      ["reports", reports],
    ] as const) {
      for (const [partition, offset] of Object.entries(sourceOffsets[group]!)) {
        expect(translated[partition], `${group} partition ${partition}`).toBeLessThanOrEqual(offset);
      }
    }
  }, 200_000);

  test("the lag is sampled from both clusters' end offsets: 0 once copied, and 0 again once 500 late messages are copied", async () => {
    const row = await h.db.connector.findFirstOrThrow({ where: { name: "from-legacy" } });
    await until("a sample with no lag", async () => {
      const s = await h.db.connectorLagSample.findFirst({
        where: { connectorId: row.id },
        orderBy: { sampledAt: "desc" },
      });
      lastSeen = JSON.stringify(s, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
      return s && s.records === 0n && s.topics === 1;
    });
    const lines = Array.from({ length: 500 }, (_, i) => `late-${i}|late order ${i}`);
    expect(
      kcat(clusters.legacy, clusters.legacy, ["-P", "-t", "orders", "-p", "0", "-K", "|"], lines.join("\n") + "\n")
        .status,
    ).toBe(0);
    await until(
      "the late messages on the target",
      async () => keysOf(clusters.events, "orders").length === MESSAGES + 500,
    );
    const after = await until("a sample with no lag after them", async () => {
      const s = await h.db.connectorLagSample.findFirst({
        where: { connectorId: row.id },
        orderBy: { sampledAt: "desc" },
      });
      return s && s.records === 0n && s.sampledAt.getTime() > Date.now() - 60_000 && s;
    });
    expect(after.topics).toBe(1);
  }, 200_000);

  test("credentials: references only in Connect, Weir's user on the source reads but cannot write", async () => {
    const c = (await api("GET", `/connect-clusters/${connectId}`)).body;
    const rest = new ConnectRestClient(`http://${c.workers[0].address}`);
    const row = await h.db.connector.findFirstOrThrow({ where: { name: "from-legacy" } });
    const secrets = JSON.parse(decryptSecret(row.secretsEncrypted!, SECRET)) as Record<string, string>;
    const sourcePassword = /password="([^"]+)"/.exec(secrets["source.cluster.sasl.jaas.config"]!)![1]!;
    for (const name of ["from-legacy", "from-legacy-checkpoints"]) {
      const held = (await rest.get(name))!;
      expect(held["source.cluster.sasl.jaas.config"]).toMatch(/^\$\{dir:/);
      expect(held["target.cluster.sasl.jaas.config"]).toMatch(/^\$\{dir:/);
      expect(held["replication.policy.class"]).toBe("org.apache.kafka.connect.mirror.IdentityReplicationPolicy");
      expect(JSON.stringify(held)).not.toContain(sourcePassword);
    }
    expect(JSON.stringify(await connector())).not.toContain(sourcePassword);
    const mirrorUser = { username: `weir-mirror-${row.id.slice(0, 8)}`, password: sourcePassword };
    const read = kcat(clusters.legacy, mirrorUser, [
      "-C",
      "-t",
      "orders",
      "-p",
      "0",
      "-o",
      "beginning",
      "-c",
      "1",
      "-e",
      "-q",
    ]);
    expect(read.status, read.stderr).toBe(0);
    const write = kcat(clusters.legacy, mirrorUser, ["-P", "-t", "orders", "-p", "0"], "nope\n");
    expect(`${write.stderr}${write.stdout}`).toMatch(/authoriz/i);
  });

  test("delete removes both Connect connectors and Weir's users on both clusters", async () => {
    const row = await h.db.connector.findFirstOrThrow({ where: { name: "from-legacy" } });
    const r = await api("DELETE", `/connect-clusters/${connectId}/connectors/from-legacy`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await until("the connector is gone", async () => (await h.db.connector.count()) === 0);
    const c = (await api("GET", `/connect-clusters/${connectId}`)).body;
    const rest = new ConnectRestClient(`http://${c.workers[0].address}`);
    expect(await rest.get("from-legacy")).toBeNull();
    expect(await rest.get("from-legacy-checkpoints")).toBeNull();
    const users = [row.kafkaUsername!, `weir-mirror-${row.id.slice(0, 8)}`];
    await until(
      "both users and their ACLs gone",
      async () =>
        (await h.db.kafkaUser.count({ where: { name: { in: users } } })) +
          (await h.db.acl.count({ where: { principal: { in: users.map((u) => `User:${u}`) } } })) ===
        0,
      60_000,
    );
  });
});
