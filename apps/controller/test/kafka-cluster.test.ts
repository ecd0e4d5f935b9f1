// Kafka clusters end to end, below the browser: the real REST handlers write desired state to a
// real Postgres, a real controller reconciles it into real Apache Kafka processes, and real
// clients (kafkajs, Debian's kcat) produce and consume through SCRAM-SHA-512. One 3-broker
// cluster serves the whole file, but each test sets up what it needs (`ordersCluster()` waits
// for the cluster to run, creating it if an earlier test left none), so one failure does not
// cascade into the tests after it. The cluster spreads over 3 zones (broker.rack), so the scale
// test also checks that every partition's replicas stay in three zones through 3 → 6 → 3.
import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { meterUsage } from "@weir/domain";
import type { KafkaAdmin } from "@weir/runtime";
import { freePorts, stopAllLocalInstances } from "@weir/runtime/local";
import { type Admin as KafkaJsAdmin } from "kafkajs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  consumeAll as consumeAllWith,
  kafkajsFor,
  KafkaHarness,
  TEST_SECRET as SECRET,
  withWeirAdmin,
  type ClusterAccess,
} from "./kafka-harness.ts";
import { markedPids } from "./support.ts";
import { clusterClientSecurity, type ClientSecurity } from "./tls-clients.ts";
import { PeriodicTask } from "../src/framework/periodic.ts";
import { MetricsSampler, parseBrokerCounters } from "../src/metrics/sampler.ts";

const run = promisify(execFile);

let k: KafkaHarness;
// The harness's API, key and data folder, under the names the tests use.
let h: KafkaHarness["h"];
let bearer: string;
let dataDir: string;
let clusterId: string;
let bootstrap: string[];
let credential: { username: string; password: string };
/** SASL_SSL trusting the cluster's CA (tls-clients.ts). */
let security: ClientSecurity;
let createdAt = 0;

const startController = () => k.startController();
const stopController = () => k.stopController();
const until = <T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 120_000) => k.until(what, fn, ms);

const getCluster = async (id = clusterId) => {
  const c = await k.getCluster(id);
  if (process.env.DEBUG_KAFKA_TEST)
    console.log(new Date().toISOString(), k.lastSeen, JSON.stringify(c.brokers?.map((b: { pid: number }) => b.pid)));
  return c;
};

/** How clients reach the file's cluster now (its addresses change when a port is renewed). */
const access = (): ClusterAccess => ({ id: clusterId, bootstrap, ca: security.caPem, admin: credential });
const kafka = (user = credential) => kafkajsFor(access(), user);

/** Creates a topic and waits until every partition has a leader. */
async function createTopic(
  topic: string,
  partitions: number,
  replicationFactor: number,
  configs: Record<string, string> = {},
) {
  const admin: KafkaJsAdmin = kafka().admin();
  await admin.connect();
  try {
    // kafkajs sometimes reports a metadata race ("does not host this topic-partition") after the
    // topic was created; what counts is the metadata checked below.
    await admin
      .createTopics({
        topics: [
          {
            topic,
            numPartitions: partitions,
            replicationFactor,
            configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
          },
        ],
        waitForLeaders: false,
      })
      .catch(() => undefined);
    await until(
      `leaders for ${topic}`,
      async () => {
        const md = await admin.fetchTopicMetadata({ topics: [topic] });
        return md.topics[0]!.partitions.length === partitions && md.topics[0]!.partitions.every((p) => p.leader >= 0);
      },
      60_000,
    );
  } finally {
    await admin.disconnect();
  }
}

const consumeAll = async (topic: string, expected: number | string[]) => [
  ...(await consumeAllWith(k, kafka(), topic, expected)),
];

const javaPids = (id = clusterId) => markedPids(id);

const ORDERS = {
  name: "orders",
  brokerCount: 3,
  brokerInstanceType: "kafka.t3.small",
  storageGbPerBroker: 20,
  zoneCount: 3,
};

/** What Kafka itself reports (DescribeCluster, Metadata) through a fresh admin client. */
const withAdmin = <T>(fn: (admin: KafkaAdmin) => Promise<T>) => withWeirAdmin(access(), fn);

/** Internal topics (Metadata), by name. */
const internalTopics = () => withAdmin(async (a) => (await a.topics()).filter((t) => t.internal));

/** The brokers holding a replica of `topic`, sorted. */
const brokersOf = (topics: Awaited<ReturnType<typeof internalTopics>>, topic: string) => {
  const t = topics.find((x) => x.name === topic);
  expect(t, `${topic} exists`).toBeDefined();
  return [...new Set(t!.partitions.flatMap((p) => p.replicas))].sort((x, y) => x - y);
};

/** The KRaft controller's count of active and fenced brokers, from a node's metrics endpoint. */
async function brokerCounts(metricsPort: number): Promise<{ active: number; fenced: number }> {
  const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text());
  const gauge = (name: string) =>
    Number(
      new RegExp(`^kafka_controller_kafkacontroller_value\\{name="${name}",?\\} (\\S+)$`, "m").exec(text)?.[1] ?? NaN,
    );
  return { active: gauge("ActiveBrokerCount"), fenced: gauge("FencedBrokerCount") };
}

/** Each broker's rack as Kafka itself reports it (DescribeCluster). */
const racks = () => withAdmin(async (a) => new Map((await a.describeCluster()).brokers.map((b) => [b.nodeId, b.rack])));

/** Partitions of `topic` whose replicas are not in `zones` distinct racks (by Kafka's own view). */
async function partitionsNotSpread(topic: string, zones: number): Promise<string[]> {
  const rackOf = await racks();
  const a = kafka().admin();
  await a.connect();
  try {
    // A broker whose metadata lags a fresh topic answers "does not host this topic-partition"
    // for a moment (seen in CI right after the topic's leaders were up): ask again until it knows.
    const md = await until(`metadata of ${topic}`, () => a.fetchTopicMetadata({ topics: [topic] }), 30_000);
    return md.topics[0]!.partitions.filter((p) => new Set(p.replicas.map((r) => rackOf.get(r))).size !== zones).map(
      (p) => `${topic}-${p.partitionId}: ${p.replicas.map((r) => `${r}@${rackOf.get(r)}`).join(",")}`,
    );
  } finally {
    await a.disconnect();
  }
}

/**
 * The file's 3-broker cluster "orders", RUNNING, with its admin credential: created if missing
 * (an earlier test failed before or after creating it), waited for if it is healing.
 */
async function ordersCluster() {
  if (!clusterId || (await h.rest("GET", `/clusters/${clusterId}`, { as: { bearer } })).status === 404) {
    const r = await h.rest("POST", "/clusters", {
      body: ORDERS,
      as: { bearer },
    });
    expect(r.status).toBe(201);
    clusterId = r.body.id;
    k.clusterId = clusterId;
    createdAt = Date.now();
  }
  const running = await until("orders RUNNING", async () => {
    const c = await getCluster();
    return c.status === "RUNNING" && c;
  });
  bootstrap = running.bootstrapServers.split(",");
  security = await clusterClientSecurity(h.db, clusterId);
  if (!credential) {
    const cred = await h.rest("POST", `/clusters/${clusterId}/admin-credential`, { body: {}, as: { bearer } });
    expect(cred.status).toBe(200);
    credential = { username: cred.body.username, password: cred.body.password };
  }
  return running;
}

/** The "payments" topic (3 partitions × 3 replicas, min.insync 2) with at least its two first messages. */
async function paymentsTopic() {
  const a = kafka().admin();
  await a.connect();
  const exists = (await a.listTopics()).includes("payments");
  await a.disconnect();
  if (exists) return;
  await createTopic("payments", 3, 3, { "min.insync.replicas": "2" });
  const producer = kafka().producer();
  await producer.connect();
  await producer.send({ topic: "payments", acks: -1, messages: [{ key: "a", value: "from-kafkajs" }] });
  await producer.disconnect();
}

beforeAll(async () => {
  k = await KafkaHarness.start("clusters");
  ({ h, bearer, dataDir } = k);
}, 180_000);

afterAll(async () => {
  await k?.close();
}, 120_000);

describe("Kafka clusters", () => {
  test("bad input names the field and writes nothing", async () => {
    const base = { name: "bad", brokerCount: 3, brokerInstanceType: "kafka.t3.small", storageGbPerBroker: 20 };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...base, brokerCount: 0 }, 400, "brokerCount"],
      [{ ...base, brokerCount: 10 }, 400, "brokerCount"],
      [{ ...base, brokerInstanceType: "kafka.z9.huge" }, 400, "brokerInstanceType"],
      [{ ...base, kafkaVersion: "0.8.2" }, 400, "kafkaVersion"],
      [{ ...base, storageGbPerBroker: 1 }, 400, "storageGbPerBroker"],
      [{ ...base, name: "Not A Name" }, 400, "name"],
      [{ ...base, zoneCount: 4 }, 400, "zoneCount"],
      [{ ...base, brokerCount: 2, zoneCount: 3 }, 400, "zoneCount"],
    ];
    for (const [body, status, field] of cases) {
      const r = await h.rest("POST", "/clusters", { body, as: { bearer } });
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(Object.keys(r.body.error.fields ?? {})).toContain(field);
    }
    expect(await h.db.kafkaCluster.count()).toBe(0);
  });

  test("a 3-broker cluster created over REST reaches RUNNING, with progress on the way", async () => {
    const r = await h.rest("POST", "/clusters", { body: ORDERS, as: { bearer } });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe("PROVISIONING");
    clusterId = r.body.id;
    k.clusterId = clusterId;
    createdAt = Date.now();

    const dup = await h.rest("POST", "/clusters", {
      body: { name: "orders", brokerCount: 1, brokerInstanceType: "kafka.t3.small", storageGbPerBroker: 20 },
      as: { bearer },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.fields).toHaveProperty("name");

    const running = await until("RUNNING", async () => {
      const c = await getCluster();
      return c.status === "RUNNING" && c;
    });
    expect(running.brokers).toHaveLength(3);
    expect(running.brokers.every((b: { status: string }) => b.status === "RUNNING")).toBe(true);
    expect(running.progress.done).toBe(running.progress.total);
    expect(running.bootstrapServers.split(",")).toHaveLength(3);
    const events = (await h.rest("GET", `/clusters/${clusterId}/events`, { as: { bearer } })).body.items;
    expect(events.map((e: { reason: string }) => e.reason)).toContain("ClusterRunning");
    bootstrap = running.bootstrapServers.split(",");
    security = await clusterClientSecurity(h.db, clusterId);
    expect(running.securityProtocol).toBe("SASL_SSL");

    const cred = await h.rest("POST", `/clusters/${clusterId}/admin-credential`, { body: {}, as: { bearer } });
    expect(cred.status).toBe(200);
    credential = { username: cred.body.username, password: cred.body.password };
    const audit = await h.db.auditEvent.findFirst({ where: { action: "kafka_cluster.reveal_admin_credential" } });
    expect(audit).not.toBeNull();
    // Stored encrypted, never in plain text.
    const row = await h.db.kafkaCluster.findUniqueOrThrow({ where: { id: clusterId } });
    expect(row.adminPasswordEncrypted).not.toContain(credential.password);

    // Three zones: one broker in each, as the API says and as Kafka itself reports (broker.rack).
    expect(running.zoneCount).toBe(3);
    expect(running.brokers.map((b: { zone: string }) => b.zone)).toEqual(["zone-a", "zone-b", "zone-c"]);
    expect([...(await racks())].sort()).toEqual([
      [1, "zone-a"],
      [2, "zone-b"],
      [3, "zone-c"],
    ]);
  }, 180_000);

  test("kafkajs and kcat produce and consume with SCRAM-SHA-512; no or wrong credentials are refused", async () => {
    await ordersCluster();
    await createTopic("kcat-check", 1, 3);
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({ topic: "kcat-check", acks: -1, messages: [{ key: "a", value: "from-kafkajs" }] });
    await producer.disconnect();

    const scram = [...security.kcat, "-X", "sasl.mechanisms=SCRAM-SHA-512"];
    const auth = ["-X", `sasl.username=${credential.username}`, "-X", `sasl.password=${credential.password}`];
    const kcatProduce = execFile("kcat", ["-b", bootstrap[0]!, ...scram, ...auth, "-P", "-t", "kcat-check", "-k", "b"]);
    kcatProduce.stdin!.end("from-kcat\n");
    await new Promise((resolve, reject) =>
      kcatProduce.on("exit", (code) => (code === 0 ? resolve(null) : reject(new Error(`kcat exit ${code}`)))),
    );

    const { stdout } = await run(
      "kcat",
      ["-b", bootstrap[0]!, ...scram, ...auth, "-C", "-t", "kcat-check", "-o", "beginning", "-e", "-q", "-f", "%s\n"],
      { timeout: 60_000 },
    );
    expect(stdout.split("\n").filter(Boolean).sort()).toEqual(["from-kafkajs", "from-kcat"]);
    expect((await consumeAll("kcat-check", 2)).sort()).toEqual(["from-kafkajs", "from-kcat"]);

    const wrong = await run(
      "kcat",
      ["-b", bootstrap[0]!, ...scram, "-X", "sasl.username=weir-admin", "-X", "sasl.password=nope", "-L", "-m", "5"],
      { timeout: 30_000 },
    ).then(
      () => "accepted",
      (e: { stderr: string }) => e.stderr,
    );
    expect(wrong).toMatch(/Authentication failed|invalid credentials/i);
    const anonymous = await run("kcat", ["-b", bootstrap[0]!, "-L", "-m", "5"], { timeout: 30_000 }).then(
      () => "accepted",
      (e: { stderr: string }) => e.stderr,
    );
    expect(anonymous).not.toBe("accepted");
  }, 120_000);

  test("kill -9 of a broker under acks=all load: DEGRADED, healed to RUNNING, every acknowledged message kept", async () => {
    await ordersCluster();
    await paymentsTopic();
    const producer = kafka().producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const acked: string[] = [];
    let stop = false;
    const load = (async () => {
      for (let i = 0; !stop && i < 100_000; i++) {
        const value = `m-${i}`;
        try {
          await producer.send({ topic: "payments", acks: -1, messages: [{ key: String(i % 7), value }] });
          acked.push(value);
        } catch {
          // not acknowledged: not counted
        }
      }
    })();
    await until("some load", async () => acked.length > 50, 30_000);

    const before = await getCluster();
    const victim = before.brokers.find((b: { nodeId: number }) => b.nodeId === 2);
    process.kill(victim.pid, "SIGKILL");

    // A restarted broker cannot register before its old session lapses, so the cluster stays
    // DEGRADED ("rejoining") for at least a broker session: a state a poll cannot miss.
    const degraded = await until(
      "DEGRADED",
      async () => {
        const c = await getCluster();
        return c.status === "DEGRADED" && c;
      },
      60_000,
    );
    expect(degraded.statusReason).toMatch(/(node|broker) 2/);
    const healed = await until(
      "RUNNING again",
      async () => {
        const c = await getCluster();
        return c.status === "RUNNING" && c;
      },
      180_000,
    );
    await until("more load after healing", async () => acked.length > 300, 60_000);
    stop = true;
    await load;
    await producer.disconnect();

    const b2 = healed.brokers.find((b: { nodeId: number }) => b.nodeId === 2);
    expect(b2.pid).not.toBe(victim.pid);
    expect(b2.restartCount).toBeGreaterThanOrEqual(1);
    const reasons = (await h.rest("GET", `/clusters/${clusterId}/events`, { as: { bearer } })).body.items.map(
      (e: { reason: string }) => e.reason,
    );
    expect(reasons).toContain("BrokerExited");

    const seen = new Set(await consumeAll("payments", acked));
    const missing = acked.filter((v) => !seen.has(v));
    expect(missing).toEqual([]);
  }, 360_000);

  test("a restarted controller adopts the running brokers: same PIDs, nothing duplicated", async () => {
    const before = await ordersCluster();
    const pids = before.brokers.map((b: { pid: number }) => b.pid).sort();
    expect(javaPids().sort()).toEqual(pids);

    await stopController();
    await startController();
    // Two full passes over the cluster by the new controller: the first adopts, the second
    // would start a duplicate if adoption had failed.
    for (let i = 0; i < 2; i++) {
      k.tc.controller.enqueue({ kind: "KafkaCluster", id: clusterId });
      await k.tc.controller.idle();
    }
    const adopted = (await h.rest("GET", `/clusters/${clusterId}/events`, { as: { bearer } })).body.items.filter(
      (e: { reason: string; createdAt: string }) => e.reason === "BrokerAdopted",
    );
    expect(adopted.length).toBeGreaterThanOrEqual(3);

    const after = await getCluster();
    expect(after.status).toBe("RUNNING");
    expect(after.brokers.map((b: { pid: number }) => b.pid).sort()).toEqual(pids);
    expect(javaPids().sort()).toEqual(pids);
  }, 120_000);

  test("brokers stopped with Weir (pnpm start's shutdown) start again without counting a crash", async () => {
    const before = await ordersCluster();
    await paymentsTopic();
    const startedBefore = (await h.rest("GET", `/clusters/${clusterId}/events`, { as: { bearer } })).body.items.filter(
      (e: { reason: string }) => e.reason === "BrokerStarted",
    ).length;
    await stopController();
    expect(await stopAllLocalInstances(dataDir)).toBe(3);
    expect(javaPids()).toEqual([]);
    // Meanwhile another process takes broker 2's client port: it comes back on a fresh lease.
    const node2 = await h.db.broker.findFirstOrThrow({ where: { clusterId, nodeId: 2 } });
    // On a shared machine another process may take the freed port first: taken either way.
    const squatter = net.createServer();
    await new Promise<void>((resolve, reject) => {
      squatter.once("error", (e: NodeJS.ErrnoException) => (e.code === "EADDRINUSE" ? resolve() : reject(e)));
      squatter.listen(node2.port!, "127.0.0.1", () => resolve());
    });
    await startController();
    const back = await until(
      "RUNNING after a Weir restart",
      async () => {
        const c = await getCluster();
        // New processes (not the rows' old pids), registered again: each broker RUNNING too, as
        // the controller writes a new pid (broker "Starting") before the cluster's status.
        const oldPids = new Set((before.brokers as { pid: number }[]).map((b) => b.pid));
        return (
          c.status === "RUNNING" &&
          c.brokers.every(
            (b: { pid: number | null; status: string }) => b.pid && !oldPids.has(b.pid) && b.status === "RUNNING",
          ) &&
          c
        );
      },
      180_000,
    ).finally(() => squatter.close());
    const moved = await h.db.broker.findFirstOrThrow({ where: { clusterId, nodeId: 2 } });
    expect(moved.port).not.toBe(node2.port);
    expect(back.bootstrapServers).toContain(`127.0.0.1:${moved.port}`);
    expect(await h.db.portLease.findMany({ where: { port: { in: [node2.port!, moved.port!] } } })).toEqual([
      expect.objectContaining({ port: moved.port, purpose: "listener" }),
    ]);
    // Kafka itself advertises the new port.
    bootstrap = back.bootstrapServers.split(",");
    const advertised = await withAdmin(
      async (a) => new Map((await a.describeCluster()).brokers.map((b) => [b.nodeId, b.port])),
    );
    expect(advertised.get(2)).toBe(moved.port);
    for (const b of back.brokers as { nodeId: number; restartCount: number }[]) {
      const was = (before.brokers as { nodeId: number; restartCount: number }[]).find((x) => x.nodeId === b.nodeId)!;
      expect(b.restartCount).toBe(was.restartCount);
    }
    const events = (await h.rest("GET", `/clusters/${clusterId}/events`, { as: { bearer } })).body.items;
    expect(events.filter((e: { reason: string }) => e.reason === "BrokerStarted")).toHaveLength(startedBefore + 3);
    expect(events.find((e: { reason: string }) => e.reason === "PortRenewed")?.message).toContain(
      `listener port ${node2.port} was taken by another process, leased ${moved.port} instead`,
    );
    expect((await consumeAll("payments", 1)).length).toBeGreaterThanOrEqual(1);
  }, 240_000);

  test("metrics: the sampler records throughput, partitions and disk per broker and for the cluster", async () => {
    await ordersCluster();
    await paymentsTopic();
    const sampler = new MetricsSampler({
      db: h.db,
      runtime: k.runtime,
      secretKey: SECRET,
      retentionHours: 1,
    });
    await sampler.sampleAll();
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({
      topic: "payments",
      acks: -1,
      messages: Array.from({ length: 200 }, (_, i) => ({ value: `metric-${i}`.padEnd(500, "x") })),
    });
    await producer.disconnect();
    // The brokers' own counters have moved (the JMX exporter serves them) before the second sample.
    const leaderPorts = (await h.db.broker.findMany({ where: { clusterId } })).map((b) => b.metricsPort);
    await until("bytes in on a broker's counters", async () => {
      for (const port of leaderPorts) {
        const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
        if ((parseBrokerCounters(text)?.bytesIn ?? 0) > 100_000) return true;
      }
      return false;
    });
    await sampler.sampleAll();
    const m = (await h.rest("GET", `/clusters/${clusterId}/metrics?minutes=10`, { as: { bearer } })).body;
    const last = m.samples.at(-1);
    expect(m.samples.length).toBeGreaterThanOrEqual(2);
    expect(last.bytesInPerSec).toBeGreaterThan(0);
    expect(last.messagesInPerSec).toBeGreaterThan(0);
    expect(last.partitions).toBeGreaterThanOrEqual(3);
    expect(last.diskUsedBytes).toBeGreaterThan(0);
    const perBroker = (await h.rest("GET", `/clusters/${clusterId}/metrics?minutes=10&nodeId=1`, { as: { bearer } }))
      .body;
    expect(perBroker.samples.length).toBeGreaterThanOrEqual(2);
    const total = await h.db.clusterMetricSample.findFirst({
      where: { clusterId, nodeId: null },
      orderBy: { sampledAt: "desc" },
    });
    expect(Number(total!.bytesInTotal)).toBeGreaterThan(100_000);
    expect(
      parseBrokerCounters(
        'kafka_server_brokertopicmetrics_count{name="BytesInPerSec",} 42.0\nkafka_server_brokertopicmetrics_count{name="BytesOutPerSec",} 1.0\nkafka_server_brokertopicmetrics_count{name="MessagesInPerSec",} 3.0',
      ),
    ).toEqual({ bytesIn: 42, bytesOut: 1, messagesIn: 3 });
  }, 60_000);

  test("two controllers sampling at once: one holds the lease, both try, bytes in are counted once", async () => {
    await ordersCluster();
    await paymentsTopic();
    const brokerBytesIn = async () => {
      let sum = 0;
      for (const b of await h.db.broker.findMany({ where: { clusterId } })) {
        const text = await fetch(`http://127.0.0.1:${b.metricsPort}/metrics`).then((r) => r.text());
        sum += parseBrokerCounters(text)?.bytesIn ?? 0;
      }
      return sum;
    };
    // Each controller keeps its own sampler (and so its own last counters), as two processes do.
    const task = (holder: string) => {
      const sampler = new MetricsSampler({ db: h.db, runtime: k.runtime, secretKey: SECRET, retentionHours: 1 });
      return new PeriodicTask({
        db: h.db,
        name: "metrics-sampler-two-controllers",
        intervalMs: 3_600_000,
        holder,
        run: () => sampler.sampleAll(),
      });
    };
    const a = task("controller-a");
    const b = task("controller-b");
    const clusterTotal = async () =>
      (await h.db.clusterMetricSample.findFirst({
        where: { clusterId, nodeId: null },
        orderBy: { sampledAt: "desc" },
      }))!.bytesInTotal;

    const counterBefore = await brokerBytesIn();
    const first = await Promise.all([a.tick(), b.tick()]);
    expect(first.filter(Boolean)).toHaveLength(1);
    const totalBefore = await clusterTotal();

    const producer = kafka().producer();
    await producer.connect();
    await producer.send({
      topic: "payments",
      acks: -1,
      messages: Array.from({ length: 100 }, (_, i) => ({ value: `lease-${i}`.padEnd(1000, "y") })),
    });
    await producer.disconnect();
    await until("bytes in on the brokers' counters", async () => (await brokerBytesIn()) >= counterBefore + 100_000);
    const counterAfter = await brokerBytesIn();

    const second = await Promise.all([b.tick(), a.tick()]);
    expect(second.filter(Boolean)).toHaveLength(1);
    // Both controllers tried every time; the holder of the first round kept the lease.
    expect([a.attempts, b.attempts]).toEqual([2, 2]);
    expect(a.runs + b.runs).toBe(2);
    expect(Math.max(a.runs, b.runs)).toBe(2);
    // The cluster's running total grew by what the brokers counted (give or take the odd
    // offset commit between the reads), not twice that as two samplers adding deltas would.
    const grown = Number((await clusterTotal()) - totalBefore);
    const counted = counterAfter - counterBefore;
    expect(grown).toBeGreaterThanOrEqual(counted);
    expect(grown).toBeLessThan(counted * 1.05);

    await a.stop();
    await b.stop();
    expect(await h.db.taskLease.count({ where: { name: "metrics-sampler-two-controllers" } })).toBe(0);
  }, 120_000);

  test("scale 3 → 6 → 3 with a populated topic loses no message; every partition's replicas stay in three zones", async () => {
    await ordersCluster();
    await createTopic("ledger", 6, 2);
    // Kafka's rack-aware assignment at creation, and Weir's condition saying so.
    await createTopic("zoned", 6, 3);
    expect(await partitionsNotSpread("zoned", 3)).toEqual([]);
    expect(await partitionsNotSpread("ledger", 2)).toEqual([]);
    const producer = kafka().producer();
    await producer.connect();
    const values = Array.from({ length: 600 }, (_, i) => `ledger-${i}`);
    for (let i = 0; i < values.length; i += 100) {
      const batch = values.slice(i, i + 100).map((value) => ({ value }));
      // A fresh topic's metadata can lag on some brokers for a moment: retry until acknowledged.
      await until(
        "ledger batch acknowledged",
        () => producer.send({ topic: "ledger", acks: -1, messages: batch }).then(() => true),
        60_000,
      );
    }

    // Fewer brokers than the quorum, or more than the project allows: refused, field named.
    const tooFew = await h.rest("PATCH", `/clusters/${clusterId}`, { body: { brokerCount: 2 }, as: { bearer } });
    expect(tooFew.status).toBe(400);
    expect(tooFew.body.error.fields).toHaveProperty("brokerCount");

    const out = await h.rest("PATCH", `/clusters/${clusterId}`, { body: { brokerCount: 6 }, as: { bearer } });
    expect(out.status).toBe(200);
    expect(out.body.status).toBe("UPDATING");
    const six = await until(
      "6 brokers RUNNING",
      async () => {
        const c = await getCluster();
        return c.status === "RUNNING" && c.brokers.length === 6 && c;
      },
      240_000,
    );
    expect(six.brokers.map((b: { nodeId: number }) => b.nodeId)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(six.brokers.map((b: { zone: string }) => b.zone)).toEqual([
      "zone-a",
      "zone-b",
      "zone-c",
      "zone-a",
      "zone-b",
      "zone-c",
    ]);
    const onNew = await until(
      "partitions on brokers 4-6",
      async () => {
        const a = kafka().admin();
        await a.connect();
        const md = await a.fetchTopicMetadata({ topics: ["ledger", "zoned"] });
        await a.disconnect();
        const replicas = md.topics.flatMap((t) => t.partitions.flatMap((p) => p.replicas));
        return [4, 5, 6].every((b) => replicas.includes(b)) && md;
      },
      60_000,
    );
    expect(onNew).toBeTruthy();
    expect(await partitionsNotSpread("zoned", 3)).toEqual([]);
    expect(await partitionsNotSpread("ledger", 2)).toEqual([]);

    await producer.send({ topic: "ledger", acks: -1, messages: [{ value: "after-scale-out" }] });
    values.push("after-scale-out");
    // Internal topics in use: a consumer group's offsets, and a transaction, whose log Kafka
    // creates now, over all six brokers.
    await consumeAll("ledger", 1);
    const txProducer = kafka().producer({ transactionalId: "ledger-tx", idempotent: true, maxInFlightRequests: 1 });
    await txProducer.connect();
    const tx = await txProducer.transaction();
    await tx.send({ topic: "ledger", messages: [{ value: "in-a-transaction" }] });
    await tx.commit();
    await txProducer.disconnect();
    values.push("in-a-transaction");
    expect(brokersOf(await internalTopics(), "__transaction_state").some((b) => b > 3)).toBe(true);

    const back = await h.rest("PATCH", `/clusters/${clusterId}`, { body: { brokerCount: 3 }, as: { bearer } });
    expect(back.status).toBe(200);
    const three = await until(
      "back to 3 brokers",
      async () => {
        const c = await getCluster();
        return c.status === "RUNNING" && c.brokers.length === 3 && c;
      },
      180_000,
    );
    expect(three.brokers.map((b: { nodeId: number }) => b.nodeId)).toEqual([1, 2, 3]);
    const scaleEvents = (await h.rest("GET", `/clusters/${clusterId}/events`, { as: { bearer } })).body.items.map(
      (e: { reason: string }) => e.reason,
    );
    expect(scaleEvents).toEqual(expect.arrayContaining(["ScalingOut", "ScalingIn", "BrokerRemoved"]));
    await producer.send({ topic: "ledger", acks: -1, messages: [{ value: "after-scale-in" }] });
    values.push("after-scale-in");
    await producer.disconnect();

    const a = kafka().admin();
    await a.connect();
    const md = await a.fetchTopicMetadata({ topics: ["ledger"] });
    await a.disconnect();
    expect(md.topics[0]!.partitions.every((p) => p.replicas.every((r) => r <= 3))).toBe(true);
    const internal = await internalTopics();
    for (const topic of ["__consumer_offsets", "__transaction_state"]) {
      expect(brokersOf(internal, topic), topic).toEqual([1, 2, 3]);
    }
    // Unregistered from KRaft, not kept as fenced brokers: every controller counts 3 active, 0 fenced.
    await until("removed brokers unregistered", async () => {
      const nodes = await h.db.broker.findMany({ where: { clusterId } });
      const counts = await Promise.all(nodes.map((b) => brokerCounts(b.metricsPort!)));
      return counts.every((c) => c.active === 3 && c.fenced === 0);
    });
    expect(await partitionsNotSpread("zoned", 3)).toEqual([]);
    expect(await partitionsNotSpread("ledger", 2)).toEqual([]);
    const spread = (await getCluster()).conditions.find((c: { type: string }) => c.type === "ReplicasInDistinctZones");
    expect(spread, k.lastSeen).toMatchObject({ status: "True" });
    const seen = await consumeAll("ledger", values);
    expect(new Set(seen)).toEqual(new Set(values));
    expect(javaPids()).toHaveLength(3);
  }, 420_000);

  test("a broker that cannot start (its controller port taken) leaves the cluster FAILED with the reason and log tail, and nothing running", async () => {
    // Hold a port, then give the new cluster's only node that port before the controller starts it:
    // a voter's controller port is fixed (a taken client port would be renewed instead).
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const taken = (blocker.address() as net.AddressInfo).port;
    await stopController();
    const r = await h.rest("POST", "/clusters", {
      body: { name: "blocked", brokerCount: 1, brokerInstanceType: "kafka.t3.small", storageGbPerBroker: 20 },
      as: { bearer },
    });
    expect(r.status).toBe(201);
    const id = r.body.id as string;
    const [port, metricsPort] = await freePorts(2, new Set([taken]));
    await h.db.broker.create({
      data: { clusterId: id, nodeId: 1, roles: "broker,controller", port, controllerPort: taken, metricsPort },
    });
    await startController();
    try {
      const failed = await until(
        "FAILED",
        async () => {
          const c = await getCluster(id);
          return c.status === "FAILED" && c;
        },
        180_000,
      );
      const events = (await h.rest("GET", `/clusters/${id}/events`, { as: { bearer } })).body.items as {
        reason: string;
        message: string;
      }[];
      // The reason, and the broker's exits with their log tails, say why.
      const said = `${failed.statusReason}\n${events.map((e) => `${e.reason}: ${e.message}`).join("\n")}`;
      expect(failed.statusReason, said).toMatch(/could not start/i);
      expect(said).toMatch(/Address already in use|BindException|Fatal error during broker startup/);
      expect(javaPids(id)).toEqual([]);
    } finally {
      blocker.close();
      const del = await h.rest("DELETE", `/clusters/${id}?confirmName=blocked`, { as: { bearer } });
      expect(del.status).toBe(200);
    }
  }, 240_000);

  test("delete with the wrong name is refused; with the right one the brokers stop and the data goes", async () => {
    await ordersCluster();
    const wrong = await h.rest("DELETE", `/clusters/${clusterId}?confirmName=nope`, { as: { bearer } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields).toHaveProperty("confirmName");
    const deletedAt = Date.now();
    const del = await h.rest("DELETE", `/clusters/${clusterId}?confirmName=orders`, { as: { bearer } });
    expect(del.status).toBe(200);
    await until(
      "gone",
      async () => (await h.rest("GET", `/clusters/${clusterId}`, { as: { bearer } })).status === 404,
      60_000,
    );
    expect(javaPids()).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, "kafka", clusterId))).toBe(false);
    const open = await h.db.runInterval.count({ where: { resourceId: clusterId, endedAt: null } });
    expect(open).toBe(0);
    // Metering from the recorded run intervals matches the real uptime: broker 1 ran from just
    // after the POST until the DELETE, and its intervals cover that within a reconcile period.
    const intervals = await h.db.runInterval.findMany({
      where: { resourceId: clusterId, dimension: "BROKER_HOURS" },
      orderBy: { startedAt: "asc" },
    });
    const first = intervals[0]!;
    const ranMs = intervals
      .filter((i) => i.instanceId === first.instanceId)
      .reduce((sum, i) => sum + (i.endedAt!.getTime() - i.startedAt.getTime()), 0);
    const wallMs = deletedAt - createdAt;
    expect(ranMs).toBeLessThanOrEqual(wallMs + 5_000);
    expect(ranMs).toBeGreaterThanOrEqual(wallMs - 40_000);
    await meterUsage(h.db, { from: new Date(createdAt - 3_600_000), to: new Date() });
    const usage = await h.db.usageRecord.findMany({ where: { resourceId: clusterId, dimension: "BROKER_HOURS" } });
    const hours = new Set(usage.map((u) => u.hourStart.getTime())).size;
    // Every broker that ran (3, and a 4th if the scale test ran) counts each hour it touched, once.
    const instances = new Set(intervals.map((i) => i.instanceId)).size;
    const brokerHours = usage.reduce((sum, u) => sum + Number(u.quantity), 0);
    expect(instances).toBeGreaterThanOrEqual(3);
    expect(brokerHours).toBeGreaterThanOrEqual(instances);
    expect(brokerHours).toBeLessThanOrEqual(instances * hours);
    expect(usage.every((u) => u.sku === "kafka.t3.small")).toBe(true);
  }, 120_000);
});
