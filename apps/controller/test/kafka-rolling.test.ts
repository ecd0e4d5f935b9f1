// Cluster broker configs on a real 3-broker cluster, under an idempotent acks=all producer to an
// RF 3 / min.insync 2 topic: a live key (message.max.bytes) is applied by Kafka with no process
// restarted; a restart-only key (log.retention.hours) rolls the brokers one at a time, each
// exactly once, with "Restarting broker i of 3" in the events and the status; every message the
// producer saw acknowledged is consumed afterwards. Bad input is a 400 naming brokerConfig.<key>
// and changes nothing.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { env, resetEnv } from "@weir/env";
import { seedPriceBook } from "@weir/domain";
import { KafkaAdmin as WeirAdmin, clusterDefaultConfigs } from "@weir/runtime";
import { LocalKafkaRuntime } from "@weir/runtime/local";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHarness } from "../../../packages/api/test/harness.ts";
import { markedPids, startTestController, until as waitUntil, type TestController } from "./support.ts";

const SECRET = "test-secret-key-0123456789abcdef0123456789";
process.env.WEIR_SECRET_KEY = SECRET;
resetEnv();

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-rolling-"));
let h: Awaited<ReturnType<typeof startHarness>>;
let bearer: string;
let runtime: LocalKafkaRuntime;
let tc: TestController;
let clusterId: string;
let kafka: Kafka;
let adminOpts: { bootstrap: string[]; username: string; password: string; ca?: string };

let lastSeen = "";
/** Waits for a condition; on a timeout the error carries the cluster's recent events. */
const until = async <T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 100_000) => {
  try {
    return await waitUntil(what, fn, ms, () => lastSeen);
  } catch (err) {
    const recent = clusterId ? (await events().catch(() => [])).slice(0, 15) : [];
    throw new Error(`${String(err)}\nRecent events:\n${recent.map((e) => `${e.reason}: ${e.message}`).join("\n")}`);
  }
};

type Broker = { nodeId: number; pid: number; restartCount: number };
const getCluster = async () => {
  const c = (await h.rest("GET", `/clusters/${clusterId}`, { as: { bearer } })).body;
  lastSeen = `${c.status}: ${c.statusReason}`;
  return c;
};
const pidsOf = (c: { brokers: Broker[] }) => c.brokers.map((b) => b.pid);
const events = async () =>
  (await h.rest("GET", `/clusters/${clusterId}/events`, { as: { bearer } })).body.items as {
    reason: string;
    message: string;
  }[];
const patch = (brokerConfig: Record<string, unknown>) =>
  h.rest("PATCH", `/clusters/${clusterId}`, { body: { brokerConfig }, as: { bearer } });

async function withAdmin<T>(fn: (a: WeirAdmin) => Promise<T>): Promise<T> {
  const a = new WeirAdmin(adminOpts);
  try {
    return await fn(a);
  } finally {
    await a.close();
  }
}

/** Sends numbered messages one at a time (acks=all, idempotent) until stopped; returns what was acknowledged. */
function startProducer(topic: string) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const acked: string[] = [];
  let failed = 0;
  let stop = false;
  const done = (async () => {
    await producer.connect();
    for (let i = 0; !stop; i++) {
      const value = `m-${i}`;
      try {
        await producer.send({ topic, acks: -1, messages: [{ key: String(i % 7), value }] });
        acked.push(value);
      } catch {
        failed++;
      }
    }
    await producer.disconnect();
  })();
  return {
    acked,
    failed: () => failed,
    async stop() {
      stop = true;
      await done;
    },
  };
}

async function consumeAll(topic: string, expected: string[]): Promise<Set<string>> {
  const consumer = kafka.consumer({ groupId: `check-${Date.now()}` });
  const seen = new Set<string>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.add(message.value!.toString()) });
  try {
    await until(`${expected.length} acknowledged messages`, async () => expected.every((v) => seen.has(v)), 90_000);
  } catch {
    // The assertion below names what is missing.
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

beforeAll(async () => {
  h = await startHarness();
  await seedPriceBook(h.db);
  const me = await h.signUp("rolling-owner");
  runtime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
  tc = await startTestController(h, { runtime, secretKey: SECRET }, (wake) =>
    runtime.onExit((id) => wake("KafkaCluster", id)),
  );
  await until("org ready", async () => (await h.db.project.count({ where: { orgId: me.orgId } })) > 0, 30_000);
  bearer = await h.apiKey(me, "ADMIN");
  const r = await h.rest("POST", "/clusters", {
    body: { name: "rolling", brokerCount: 3, brokerInstanceType: "kafka.t3.small", storageGbPerBroker: 20 },
    as: { bearer },
  });
  expect(r.status).toBe(201);
  clusterId = r.body.id;
  const running = await until("RUNNING", async () => {
    const c = await getCluster();
    return c.status === "RUNNING" && c;
  });
  const cred = (await h.rest("POST", `/clusters/${clusterId}/admin-credential`, { body: {}, as: { bearer } })).body;
  const bootstrap = running.bootstrapServers.split(",");
  // A TLS cluster's clients trust its own CA.
  const ca =
    running.securityProtocol === "SASL_SSL"
      ? (await h.db.kafkaCluster.findUniqueOrThrow({ where: { id: clusterId } })).caCertPem!
      : undefined;
  const tls = ca ? { ca: [ca] } : undefined;
  adminOpts = { bootstrap, username: cred.username, password: cred.password, ...(ca ? { ca } : {}) };
  kafka = new Kafka({
    clientId: "weir-rolling-test",
    brokers: bootstrap,
    ssl: tls,
    sasl: { mechanism: "scram-sha-512", username: cred.username, password: cred.password },
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 2000 },
    connectionTimeout: 5000,
  });
  const admin = kafka.admin();
  await admin.connect();
  // kafkajs may report a metadata race ("does not host this topic-partition") right after the
  // create; the leaders checked below are what counts.
  await admin
    .createTopics({
      topics: [
        {
          topic: "payments",
          numPartitions: 3,
          replicationFactor: 3,
          configEntries: [{ name: "min.insync.replicas", value: "2" }],
        },
      ],
      waitForLeaders: false,
    })
    .catch(() => undefined);
  await until("leaders for payments", async () => {
    const md = await admin.fetchTopicMetadata({ topics: ["payments"] });
    return md.topics[0]!.partitions.length === 3 && md.topics[0]!.partitions.every((p) => p.leader >= 0);
  });
  await admin.disconnect();
}, 240_000);

afterAll(async () => {
  try {
    if (clusterId) await runtime.deleteGroup(clusterId);
    await tc?.stop();
  } finally {
    await h?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);

describe("cluster broker configs", () => {
  test("bad input is a 400 naming brokerConfig.<key>, and nothing is applied", async () => {
    const before = await getCluster();
    const cases: [Record<string, unknown>, string][] = [
      [{ "log.flush.interval.ms": 1000 }, "brokerConfig.log.flush.interval.ms"],
      [{ "message.max.bytes": 10 }, "brokerConfig.message.max.bytes"],
      [{ "auto.create.topics.enable": "sometimes" }, "brokerConfig.auto.create.topics.enable"],
      [{ "default.replication.factor": 4 }, "brokerConfig.default.replication.factor"],
      [{ "min.insync.replicas": 3, "default.replication.factor": 2 }, "brokerConfig.min.insync.replicas"],
      // A valid key next to a bad one: neither is written.
      [{ "message.max.bytes": 2_000_000, "num.partitions": 0 }, "brokerConfig.num.partitions"],
    ];
    for (const [body, field] of cases) {
      const r = await patch(body);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(Object.keys(r.body.error.fields ?? {})).toContain(field);
    }
    const after = await getCluster();
    expect(after.generation).toBe(before.generation);
    expect(after.brokerConfig).toEqual({});
    expect(pidsOf(after)).toEqual(pidsOf(before));
  });

  test("a live key is applied by every broker with no restart", async () => {
    const before = await getCluster();
    const r = await patch({ "message.max.bytes": 2_000_000 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.brokerConfig).toEqual({ "message.max.bytes": "2000000" });
    await until("message.max.bytes as the cluster-wide default", () =>
      withAdmin(async (a) => (await clusterDefaultConfigs(a))["message.max.bytes"] === "2000000"),
    );
    // Each broker's own view of the config says the dynamic default.
    const described = await withAdmin((a) =>
      a.admin.describeConfigs({
        resources: [{ resourceType: 4, resourceName: "2", configurationKeys: ["message.max.bytes"] }],
      }),
    );
    expect(described[0]!.configs.find((c) => c.name === "message.max.bytes")?.value).toBe("2000000");
    expect((await events()).map((e) => e.message).join("\n")).toMatch(/Applied live.*message\.max\.bytes=2000000/);
    const after = await until("RUNNING", async () => {
      const c = await getCluster();
      return c.status === "RUNNING" && c.observedGeneration === c.generation && c;
    });
    expect(pidsOf(after)).toEqual(pidsOf(before));
    expect(markedPids(clusterId).sort()).toEqual([...pidsOf(before)].sort());
  }, 120_000);

  test("a restart key rolls the brokers one at a time under acks=all load; no acknowledged message lost", async () => {
    const before = await getCluster();
    const producer = startProducer("payments");
    await until("the producer running", async () => producer.acked.length >= 20, 60_000);

    const r = await patch({ "log.retention.hours": 72 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.brokerConfig).toEqual({ "message.max.bytes": "2000000", "log.retention.hours": "72" });
    const reasons = new Set<string>();
    const done = await until(
      "the roll to finish",
      async () => {
        const c = await getCluster();
        const m = /Restarting broker \d of 3/.exec(c.statusReason);
        if (m) reasons.add(m[0]);
        const finished = (await events()).some((e) => e.reason === "RollingRestartDone");
        return finished && c.status === "RUNNING" && c;
      },
      420_000,
    );
    const ackedDuringRoll = producer.acked.length;
    await until("more acknowledged after the roll", async () => producer.acked.length > ackedDuringRoll + 20, 60_000);
    await producer.stop();

    // Every broker restarted exactly once, by the roll (not a crash), in order.
    const after = done;
    for (const b of after.brokers as Broker[]) {
      expect(pidsOf(before)).not.toContain(b.pid);
      expect(b.restartCount).toBe(0);
    }
    const rollEvents = (await events()).filter((e) => e.reason === "RollingRestart").map((e) => e.message);
    const starts = rollEvents.filter((m) => m.startsWith("Restarting broker"));
    expect(starts.map((m) => /Restarting broker (\d) of 3/.exec(m)?.[1]).sort()).toEqual(["1", "2", "3"]);
    expect(rollEvents.filter((m) => m.startsWith("Restarted broker"))).toHaveLength(3);
    // The console's status showed the progress while it rolled.
    expect(reasons.size).toBeGreaterThanOrEqual(2);

    // The new setting is what each broker started with.
    const described = await withAdmin((a) =>
      a.admin.describeConfigs({
        resources: [1, 2, 3].map((n) => ({
          resourceType: 4,
          resourceName: String(n),
          configurationKeys: ["log.retention.hours"],
        })),
      }),
    );
    expect(described.map((d) => d.configs[0]?.value)).toEqual(["72", "72", "72"]);
    // The live key survived the restarts.
    expect((await withAdmin(clusterDefaultConfigs))["message.max.bytes"]).toBe("2000000");

    const seen = await consumeAll("payments", producer.acked);
    const lost = producer.acked.filter((v) => !seen.has(v));
    expect(lost, `${lost.length} of ${producer.acked.length} acknowledged messages missing`).toEqual([]);
    console.log(
      `rolling: ${producer.acked.length} acknowledged (${producer.failed()} sends failed and were not counted), progress seen: ${[...reasons].join(", ")}`,
    );
  }, 600_000);
});
