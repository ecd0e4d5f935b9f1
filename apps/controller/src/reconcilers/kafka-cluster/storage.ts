// The watch-storage step: each broker's log dirs (what they take on disk, from the driver) against
// the cluster's provisioned storage per broker. At 80 % a warning (condition and event), at 95 %
// DEGRADED with the largest topics named, and the cluster's protection: by default retention.bytes
// caps on the largest topics (Kafka deletes their oldest segments; no topic is ever deleted), set
// in Weir's desired state for managed topics so the Topic reconciler keeps them instead of undoing
// them as drift. The pure part (levels, the sentence, the caps) is unit-tested without a JVM.
import type { Prisma } from "@weir/db";
import {
  STORAGE_DEGRADED_RATIO,
  STORAGE_TARGET_RATIO,
  asConditions,
  formatBytes,
  notifyReconcile,
  storageLevel,
  storageQuotaBytes,
  type StorageLevel,
} from "@weir/domain";
import {
  alterTopicConfigs,
  brokerTopicUsage,
  dynamicConfigs,
  isBroker,
  largestTopics,
  retentionCaps,
  topicConfigs,
  type BrokerStorage,
  type RetentionCap,
} from "@weir/runtime";
import { step } from "../../framework/pipeline.ts";
import { STORAGE_CONDITION, storageReason } from "./status.ts";
import type { ClusterPass } from "./types.ts";

const pct = (used: number, quota: number) => Math.floor((used / quota) * 100);

/** The sentence for the fullest broker: its share, and the topics that take the most of it. */
export function storageMessage(b: BrokerStorage, quotaBytes: number, level: StorageLevel): string {
  const head = `broker ${b.nodeId} uses ${pct(b.usedBytes, quotaBytes)} % of its storage (${formatBytes(b.usedBytes)} of ${formatBytes(quotaBytes)})`;
  if (level === "ok") return `Every broker within its storage; the fullest, ${head}`;
  const top = largestTopics(b, 3).filter((t) => t.bytes > 0);
  return top.length > 0
    ? `${head}; largest topics: ${top.map((t) => `${t.topic} (${formatBytes(t.bytes)})`).join(", ")}`
    : head;
}

export const watchStorage = step<ClusterPass>("watch-storage", async (pass) => {
  const { cluster, admin } = pass;
  if (pass.firstRun || !admin || pass.kafka.error) return;
  const quota = storageQuotaBytes(cluster.storageGbPerBroker);
  const brokers = cluster.brokers
    .filter((b) => isBroker(b) && !pass.leaving.has(b.nodeId))
    .map((b) => ({ nodeId: b.nodeId, usedBytes: pass.observed.get(String(b.nodeId))?.diskUsedBytes ?? 0 }));
  if (brokers.length === 0) return;
  const fullest = brokers.reduce((m, b) => (b.usedBytes > m.usedBytes ? b : m));
  const level = storageLevel(fullest.usedBytes, quota);
  if (level === "ok") {
    pass.storage = { level, message: storageMessage({ ...fullest, topics: new Map() }, quota, level) };
    await announce(pass, level, pass.storage.message);
    return;
  }
  // Above the warning: which topics hold the bytes, per broker (one DescribeLogDirs per broker).
  const usage = await brokerTopicUsage(admin, pass.kafka.topics);
  const storages: BrokerStorage[] = brokers.map((b) => ({ ...b, topics: usage.get(b.nodeId) ?? new Map() }));
  const worst = storages.find((b) => b.nodeId === fullest.nodeId)!;
  pass.storage = { level, message: storageMessage(worst, quota, level) };
  await announce(pass, level, pass.storage.message);
  if (level === "full" && cluster.storageProtection === "retention-bytes") {
    await protect(pass, storages, quota);
  }
});

/** An event when the level changes (the condition remembers the last one). */
async function announce(pass: ClusterPass, level: StorageLevel, message: string) {
  const before = asConditions(pass.cluster.conditions).find((c) => c.type === STORAGE_CONDITION);
  const reason = storageReason(level);
  if ((before?.reason ?? "WithinQuota") === reason) return;
  await pass.event({
    type: level === "ok" ? "NORMAL" : "WARNING",
    reason,
    message: level === "ok" ? `Storage back within the warning threshold: ${message}.` : capitalise(message) + ".",
  });
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * retention.bytes caps so every broker falls back to STORAGE_TARGET_RATIO of its storage. Managed
 * topics get the cap in their desired state too (generation bumped, the Topic reconciler woken).
 */
async function protect(pass: ClusterPass, storages: BrokerStorage[], quota: number) {
  const names = [...new Set(storages.flatMap((b) => [...b.topics.keys()]))].filter((t) => !t.startsWith("__"));
  const configs = await topicConfigs(pass.admin!, names);
  const current = new Map<string, number>();
  for (const [name, entries] of configs) {
    const v = dynamicConfigs(entries)["retention.bytes"];
    if (v !== undefined) current.set(name, Number(v));
  }
  const caps = retentionCaps(storages, quota * STORAGE_TARGET_RATIO, current);
  if (caps.length === 0) return;
  for (const cap of caps) await applyCap(pass, cap);
  await pass.event({
    type: "WARNING",
    reason: "StorageProtected",
    message:
      `Above ${STORAGE_DEGRADED_RATIO * 100} % of storage: capped retention.bytes so the brokers fall back to ${STORAGE_TARGET_RATIO * 100} % ` +
      `(Kafka deletes the oldest segments; no topic deleted): ${caps.map((c) => `${c.topic} at ${formatBytes(c.bytesPerPartition)} per partition`).join(", ")}.`,
  });
}

async function applyCap(pass: ClusterPass, cap: RetentionCap) {
  const { db, cluster, admin } = pass;
  const value = String(cap.bytesPerPartition);
  await alterTopicConfigs(admin!, cap.topic, { set: { "retention.bytes": value }, remove: [] });
  const row = await db.topic.findUnique({ where: { clusterId_name: { clusterId: cluster.id, name: cap.topic } } });
  if (!row || !row.managed || row.status === "DELETING") return;
  const configs = { ...(row.configs as Record<string, string>), "retention.bytes": value };
  await db.$transaction(async (tx) => {
    await tx.topic.update({
      where: { id: row.id },
      data: {
        configs: configs as Prisma.InputJsonValue,
        generation: { increment: 1 },
        status: "UPDATING",
        statusReason: "Storage protection: retention.bytes capped",
      },
    });
    await notifyReconcile(tx, "Topic", row.id);
  });
}
