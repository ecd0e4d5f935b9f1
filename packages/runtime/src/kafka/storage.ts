// What each broker's log dirs hold per topic (DescribeLogDirs), and the retention.bytes caps
// that bring every broker back under its storage. The planner is pure: usage in, caps out.
import type { KafkaAdmin, TopicPartitions } from "./admin.ts";

/** Bytes and partition replicas of one topic on one broker. */
export interface TopicUsage {
  bytes: number;
  partitions: number;
}

/** Per broker, per topic: what the broker's log dirs hold, from DescribeLogDirs (one request per broker). */
export async function brokerTopicUsage(
  admin: KafkaAdmin,
  topics: TopicPartitions[],
): Promise<Map<number, Map<string, TopicUsage>>> {
  const out = new Map<number, Map<string, TopicUsage>>();
  if (topics.length === 0) return out;
  const dirs = await admin.admin.describeLogDirs({
    topics: topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partition) })),
  });
  for (const d of dirs) {
    const byTopic = out.get(d.broker) ?? new Map<string, TopicUsage>();
    for (const r of d.results) {
      for (const t of r.topics) {
        const u = byTopic.get(t.name) ?? { bytes: 0, partitions: 0 };
        for (const p of t.partitions) {
          u.bytes += Number(p.partitionSize);
          u.partitions++;
        }
        byTopic.set(t.name, u);
      }
    }
    out.set(d.broker, byTopic);
  }
  return out;
}

export interface BrokerStorage {
  nodeId: number;
  /** What the log dirs take on disk (du), partitions and Kafka's own metadata alike. */
  usedBytes: number;
  topics: Map<string, TopicUsage>;
}

export interface RetentionCap {
  topic: string;
  /** retention.bytes: per partition, as Kafka counts it. */
  bytesPerPartition: number;
}

/**
 * The retention.bytes caps that bring every broker to at most `targetBytes`, capping the fewest
 * topics: the largest first (by their bytes on the fullest broker), each capped topic shrunk in
 * proportion to its size on the broker that constrains it most. `current` holds retention.bytes
 * already set per topic: a cap is never raised, and a topic already capped at least as tightly is
 * left alone. Internal topics (`__…`) are never capped. Returns [] when nothing needs a cap.
 *
 * Kafka deletes whole closed segments only, so a capped partition may still hold up to one
 * segment (segment.bytes) beyond its cap.
 */
export function retentionCaps(
  brokers: BrokerStorage[],
  targetBytes: number,
  current: Map<string, number> = new Map(),
): RetentionCap[] {
  const over = brokers.filter((b) => b.usedBytes > targetBytes);
  if (over.length === 0) return [];
  const fullest = [...over].sort((a, b) => b.usedBytes - a.usedBytes)[0]!;
  const candidates = [...new Set(brokers.flatMap((b) => [...b.topics.keys()]))]
    .filter((t) => !t.startsWith("__"))
    .sort((a, b) => (fullest.topics.get(b)?.bytes ?? 0) - (fullest.topics.get(a)?.bytes ?? 0) || a.localeCompare(b));

  for (let k = 1; k <= candidates.length; k++) {
    const capped = new Set(candidates.slice(0, k));
    // Per broker: the room left for the capped topics once everything else stays as it is.
    const caps = new Map<string, number>();
    let feasible = true;
    for (const b of over) {
      const cappedBytes = [...capped].reduce((n, t) => n + (b.topics.get(t)?.bytes ?? 0), 0);
      const room = targetBytes - (b.usedBytes - cappedBytes);
      if (room <= 0) {
        feasible = false;
        break;
      }
      for (const t of capped) {
        const u = b.topics.get(t);
        if (!u || u.partitions === 0 || u.bytes === 0) continue;
        const perPartition = Math.floor((room * (u.bytes / cappedBytes)) / u.partitions);
        caps.set(t, Math.min(caps.get(t) ?? Infinity, perPartition));
      }
    }
    if (!feasible) continue;
    return [...caps]
      .map(([topic, cap]) => ({ topic, bytesPerPartition: Math.max(1, cap) }))
      .filter((c) => {
        const now = current.get(c.topic);
        return now === undefined || now < 0 || now > c.bytesPerPartition;
      });
  }
  // Even with every topic capped the rest (metadata, internal topics) does not fit: cap them all
  // to the least Kafka keeps, one segment each.
  return candidates
    .filter((t) => over.some((b) => (b.topics.get(t)?.bytes ?? 0) > 0))
    .map((topic) => ({ topic, bytesPerPartition: 1 }))
    .filter((c) => {
      const now = current.get(c.topic);
      return now === undefined || now < 0 || now > c.bytesPerPartition;
    });
}

/** Topics by their bytes on one broker, largest first. */
export function largestTopics(b: BrokerStorage, n = 3): { topic: string; bytes: number }[] {
  return [...b.topics]
    .map(([topic, u]) => ({ topic, bytes: u.bytes }))
    .sort((x, y) => y.bytes - x.bytes)
    .slice(0, n);
}
