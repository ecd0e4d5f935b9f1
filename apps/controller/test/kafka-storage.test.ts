// Storage limits (issue 12, item 5) with a real broker: a one-broker cluster whose storage is made
// MB-sized by the test-only WEIR_STORAGE_GB_BYTES (2 MiB per "GB"), so a few MiB written pass its
// thresholds through the same code path as GBs would: the watch-storage step reads the log dir's
// real disk usage, warns at 80 %, goes DEGRADED at 95 % naming the largest topic, and caps its
// retention.bytes (never deleting a topic). Then a decrease that would not fit is refused and an
// increase applies live, without restarting the broker. The planner and the status are pure and
// tested first without a JVM.
import { randomBytes } from "node:crypto";
import { retentionCaps, type BrokerStorage } from "@weir/runtime";
import type { Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { clusterStatus, type ClusterObservation } from "../src/reconcilers/kafka-cluster/status.ts";
import { kafkajsFor, KafkaHarness } from "./kafka-harness.ts";

const MiB = 1024 * 1024;

const topicsOn = (entries: [string, number, number][]) =>
  new Map(entries.map(([t, bytes, partitions]) => [t, { bytes, partitions }]));

describe("retention caps (pure)", () => {
  test("nothing to cap below the target", () => {
    const b: BrokerStorage = { nodeId: 1, usedBytes: 50, topics: topicsOn([["a", 40, 1]]) };
    expect(retentionCaps([b], 70)).toEqual([]);
  });

  test("the largest topic alone is capped when that is enough; internal topics never", () => {
    const b: BrokerStorage = {
      nodeId: 1,
      usedBytes: 100,
      topics: topicsOn([
        ["big", 60, 2],
        ["small", 10, 1],
        ["__consumer_offsets", 25, 50],
      ]),
    };
    // 30 must go: big keeps 70 − (100 − 60) = 30 over its 2 partitions.
    expect(retentionCaps([b], 70)).toEqual([{ topic: "big", bytesPerPartition: 15 }]);
  });

  test("more topics are capped when the largest is not enough, in proportion, per partition", () => {
    const b: BrokerStorage = {
      nodeId: 1,
      usedBytes: 100,
      topics: topicsOn([
        ["a", 50, 1],
        ["b", 40, 2],
        ["c", 5, 1],
      ]),
    };
    // Capping a alone cannot reach 40 (the other 50 bytes stay); a and b share 40 − 10 = 30 in
    // proportion 50:40, b's share over its 2 partitions.
    expect(retentionCaps([b], 60)).toEqual([{ topic: "a", bytesPerPartition: 10 }]);
    expect(retentionCaps([b], 40)).toEqual([
      { topic: "a", bytesPerPartition: Math.floor((30 * 50) / 90) },
      { topic: "b", bytesPerPartition: Math.floor((30 * 40) / 90 / 2) },
    ]);
  });

  test("the tightest broker decides; an existing tighter cap is kept, never raised", () => {
    const one: BrokerStorage = { nodeId: 1, usedBytes: 100, topics: topicsOn([["t", 90, 3]]) };
    const two: BrokerStorage = { nodeId: 2, usedBytes: 80, topics: topicsOn([["t", 75, 3]]) };
    expect(retentionCaps([one, two], 70)).toEqual([{ topic: "t", bytesPerPartition: 20 }]);
    expect(retentionCaps([one, two], 70, new Map([["t", 10]]))).toEqual([]);
    expect(retentionCaps([one, two], 70, new Map([["t", -1]]))).toEqual([{ topic: "t", bytesPerPartition: 20 }]);
  });
});

describe("storage in the cluster's status (pure)", () => {
  const base: ClusterObservation = {
    firstRun: false,
    brokerCount: 1,
    nodes: [
      {
        nodeId: 1,
        broker: true,
        running: true,
        registered: true,
        rejoining: false,
        leaving: false,
        lastExit: null,
      },
    ],
    kafkaError: null,
    underReplicated: 0,
    scaling: false,
  };
  test("warn keeps RUNNING with the reason; full is DEGRADED naming the topics", () => {
    const warn = clusterStatus({ ...base, storage: { level: "warn", message: "broker 1 uses 85 %" } });
    expect(warn.status).toBe("RUNNING");
    expect(warn.statusReason).toMatch(/storage high: broker 1 uses 85 %/);
    expect(warn.conditions).toContainEqual(
      expect.objectContaining({ type: "StorageWithinQuota", status: "False", reason: "StorageHigh" }),
    );
    const full = clusterStatus({ ...base, storage: { level: "full", message: "largest topics: big (9 MiB)" } });
    expect(full.status).toBe("DEGRADED");
    expect(full.statusReason).toMatch(/storage almost full: largest topics: big/);
    const ok = clusterStatus({ ...base, storage: { level: "ok", message: "fine" } });
    expect(ok.status).toBe("RUNNING");
    expect(ok.conditions).toContainEqual(expect.objectContaining({ type: "StorageWithinQuota", status: "True" }));
  });
});

let k: KafkaHarness;
let h: KafkaHarness["h"];
let bearer: string;
let clusterId: string;
let kafka: Kafka;

const until = <T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 120_000) => k.until(what, fn, ms);

const getCluster = async () => {
  const c = await k.getCluster(clusterId);
  k.lastSeen += ` (disk ${c.brokers?.[0]?.diskUsedBytes})`;
  return c;
};

const events = () => k.events(undefined, clusterId);

/** Writes `mib` MiB of incompressible values to the topic, acknowledged by the broker. */
async function write(topic: string, mib: number) {
  const producer = kafka.producer();
  await producer.connect();
  try {
    for (let i = 0; i < mib * 2; i++) {
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 5 }, () => ({ value: randomBytes(100 * 1024) })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

beforeAll(async () => {
  // Storage made MB-sized: 2 MiB per "GB".
  k = await KafkaHarness.start("storage", { WEIR_STORAGE_GB_BYTES: String(2 * MiB) });
  ({ h, bearer } = k);
}, 180_000);

afterAll(async () => {
  await k?.close();
}, 120_000);

describe("storage limits on a real broker", () => {
  test("bad storage input names the field", async () => {
    const bad = await h.rest("POST", "/clusters", {
      body: {
        name: "bad",
        brokerCount: 1,
        brokerInstanceType: "kafka.t3.small",
        storageGbPerBroker: 20,
        storageProtection: "delete-everything",
      },
      as: { bearer },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty("storageProtection");
    const tooBig = await h.rest("POST", "/clusters", {
      body: { name: "bad", brokerCount: 1, brokerInstanceType: "kafka.t3.small", storageGbPerBroker: 1001 },
      as: { bearer },
    });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.error.fields).toHaveProperty("storageGbPerBroker");
  });

  test("80 % warns, 95 % is DEGRADED with the largest topic and its retention capped; a decrease that would not fit is refused, an increase applies live", async () => {
    // 12 "GB" × 2 MiB = 24 MiB: the warning at 19.2 MiB, DEGRADED at 22.8 MiB.
    const { created: r, access } = await k.createCluster({
      name: "disks",
      brokerCount: 1,
      brokerInstanceType: "kafka.t3.small",
      storageGbPerBroker: 12,
    });
    expect(r.status).toBe(201);
    expect(r.body.storageProtection).toBe("retention-bytes");
    expect(r.body.storageQuotaBytes).toBe(24 * MiB);
    clusterId = access.id;
    kafka = kafkajsFor(access, access.admin, "weir-storage-test");
    // Weir's topics, 1 MiB segments so a cap can delete whole segments.
    for (const name of ["clicks", "audit"]) {
      const t = await h.rest("POST", `/clusters/${clusterId}/topics`, {
        body: { name, partitions: 1, replicationFactor: 1, configs: { "segment.bytes": String(MiB) } },
        as: { bearer },
      });
      expect(t.status, JSON.stringify(t.body)).toBe(201);
    }
    await until("topics READY", async () => {
      const list = (await h.rest("GET", `/clusters/${clusterId}/topics`, { as: { bearer } })).body.items as {
        name: string;
        status: string;
      }[];
      return list.filter((t) => ["clicks", "audit"].includes(t.name) && t.status === "READY").length === 2;
    });
    await write("audit", 1);

    // Past 80 %: a warning, still RUNNING.
    const base = (await getCluster()).brokers[0].diskUsedBytes as number;
    await write("clicks", Math.ceil((20 * MiB - base) / MiB));
    const warned = await until("storage warning", async () => {
      const c = await getCluster();
      const cond = c.conditions.find((x: { type: string }) => x.type === "StorageWithinQuota");
      return cond?.reason !== "WithinQuota" && cond && c;
    });
    expect(warned.statusReason, k.lastSeen).toMatch(/storage high|storage almost full/);
    expect((await events()).map((e) => e.reason)).toContain("StorageHigh");

    // The decrease that would not fit: 10 GB (20 MiB) would leave the broker above 80 %.
    const shrink = await h.rest("PATCH", `/clusters/${clusterId}`, {
      body: { storageGbPerBroker: 10 },
      as: { bearer },
    });
    expect(shrink.status).toBe(409);
    expect(shrink.body.error.fields).toHaveProperty("storageGbPerBroker");
    expect((await h.db.kafkaCluster.findUniqueOrThrow({ where: { id: clusterId } })).storageGbPerBroker).toBe(12);

    // Past 95 %: DEGRADED, naming the largest topic; its retention is capped.
    await write("clicks", 4);
    const degraded = await until("DEGRADED for storage", async () => {
      const c = await getCluster();
      return c.status === "DEGRADED" && /storage almost full/.test(c.statusReason) && c;
    });
    expect(degraded.statusReason).toMatch(/largest topics: clicks/);
    const protectedEvent = await until("StorageProtected", async () =>
      (await events()).find((e) => e.reason === "StorageProtected"),
    );
    expect(protectedEvent.message).toMatch(/clicks at/);
    expect(protectedEvent.message).toMatch(/no topic deleted/);
    const row = await h.db.topic.findFirstOrThrow({ where: { clusterId, name: "clicks" } });
    const cap = Number((row.configs as Record<string, string>)["retention.bytes"]);
    expect(cap).toBeGreaterThan(0);
    expect(cap).toBeLessThan(24 * MiB);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        resources: [{ type: 2, name: "clicks", configNames: ["retention.bytes"] }],
        includeSynonyms: false,
      });
      expect(Number(described.resources[0]!.configEntries[0]!.configValue)).toBe(cap);
      // Nothing deleted: both topics are still there.
      expect((await admin.listTopics()).filter((t) => !t.startsWith("__")).sort()).toEqual(["audit", "clicks"]);
    } finally {
      await admin.disconnect();
    }
    expect(await h.db.topic.count({ where: { clusterId, status: { not: "DELETING" } } })).toBe(2);

    // An increase applies live: the same broker process, back within its storage.
    const pid = degraded.brokers[0].pid;
    const grow = await h.rest("PATCH", `/clusters/${clusterId}`, { body: { storageGbPerBroker: 40 }, as: { bearer } });
    expect(grow.status).toBe(200);
    expect(grow.body.storageQuotaBytes).toBe(80 * MiB);
    const healed = await until("RUNNING within storage", async () => {
      const c = await getCluster();
      const cond = c.conditions.find((x: { type: string }) => x.type === "StorageWithinQuota");
      return c.status === "RUNNING" && cond?.status === "True" && c;
    });
    expect(healed.brokers[0].pid).toBe(pid);
    expect((await events()).map((e) => e.reason)).toContain("WithinQuota");
  }, 420_000);

  test("alert-only: the protection is configurable per cluster", async () => {
    const p = await h.rest("PATCH", `/clusters/${clusterId}`, {
      body: { storageProtection: "alert-only" },
      as: { bearer },
    });
    expect(p.status).toBe(200);
    expect(p.body.storageProtection).toBe("alert-only");
    const bad = await h.rest("PATCH", `/clusters/${clusterId}`, {
      body: { storageProtection: "nope" },
      as: { bearer },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty("storageProtection");
  });
});
