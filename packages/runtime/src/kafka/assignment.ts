// Partition placement for scale-out and scale-in. Pure: topics and the target brokers in, the
// partition moves out. Replicas are laid round-robin over the brokers (sorted by id), starting
// at a per-topic offset so leaders spread; only partitions whose replica list changes move.
import type { TopicPartitions } from "./admin.ts";

export interface Move {
  topic: string;
  partition: number;
  replicas: number[];
}

function topicOffset(name: string, n: number): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % n;
}

/**
 * Returns the moves that place every partition of `topics` on `brokers` only, spreading
 * replicas evenly. Throws if a topic's replication factor exceeds the number of brokers.
 */
export function balancedAssignment(topics: TopicPartitions[], brokers: number[]): Move[] {
  const ids = [...brokers].sort((a, b) => a - b);
  const n = ids.length;
  const moves: Move[] = [];
  for (const t of topics) {
    const rf = t.partitions[0]?.replicas.length ?? 0;
    if (rf > n) {
      throw new Error(`topic "${t.name}" has replication factor ${rf}, more than the ${n} brokers it would have left`);
    }
    const off = topicOffset(t.name, n);
    for (const p of t.partitions) {
      const target = Array.from({ length: p.replicas.length }, (_, i) => ids[(off + p.partition + i) % n]!);
      const same = target.length === p.replicas.length && target.every((b, i) => p.replicas[i] === b);
      if (!same) moves.push({ topic: t.name, partition: p.partition, replicas: target });
    }
  }
  return moves;
}
