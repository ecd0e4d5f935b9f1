// Partition placement for scale-out and scale-in. Pure: topics and the target brokers in, the
// partition moves out. Replicas are laid round-robin over the brokers (sorted by id), starting
// at a per-topic offset so leaders spread; only partitions whose replica list changes move.
// With zones (each broker's rack), a partition's replicas go to as many distinct zones as it
// has replicas (or as there are zones): going round the brokers, one whose zone is taken is
// skipped until every zone it can use holds a replica.
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

/** Brokers ordered so that neighbours are in different zones: a, b, c, a, b, c … */
function interleaved(ids: number[], rackOf: (b: number) => string): number[] {
  const byRack = new Map<string, number[]>();
  for (const b of ids) byRack.set(rackOf(b), [...(byRack.get(rackOf(b)) ?? []), b]);
  const racks = [...byRack.keys()].sort();
  const out: number[] = [];
  for (let i = 0; out.length < ids.length; i++) {
    for (const r of racks) {
      const b = byRack.get(r)![i];
      if (b !== undefined) out.push(b);
    }
  }
  return out;
}

/** `rf` brokers from `start` round the ring, in as many distinct zones as can be. */
function pick(ring: number[], start: number, rf: number, rackOf: (b: number) => string): number[] {
  const zones = new Set(ring.map(rackOf)).size;
  const chosen: number[] = [];
  const used = new Set<string>();
  for (let k = 0; chosen.length < rf && k < ring.length * 2; k++) {
    const b = ring[(start + k) % ring.length]!;
    if (chosen.includes(b)) continue;
    if (used.has(rackOf(b)) && used.size < Math.min(rf, zones)) continue;
    chosen.push(b);
    used.add(rackOf(b));
  }
  return chosen;
}

/**
 * Returns the moves that place every partition of `topics` on `brokers` only, spreading
 * replicas evenly, and over distinct zones when `rackOf` names each broker's zone. Throws if a
 * topic's replication factor exceeds the number of brokers.
 */
export function balancedAssignment(
  topics: TopicPartitions[],
  brokers: number[],
  rackOf: (broker: number) => string = () => "",
): Move[] {
  const ring = interleaved(
    [...brokers].sort((a, b) => a - b),
    rackOf,
  );
  const n = ring.length;
  const moves: Move[] = [];
  for (const t of topics) {
    const rf = t.partitions[0]?.replicas.length ?? 0;
    if (rf > n) {
      throw new Error(`topic "${t.name}" has replication factor ${rf}, more than the ${n} brokers it would have left`);
    }
    const off = topicOffset(t.name, n);
    for (const p of t.partitions) {
      const target = pick(ring, off + p.partition, p.replicas.length, rackOf);
      const same = target.length === p.replicas.length && target.every((b, i) => p.replicas[i] === b);
      if (!same) moves.push({ topic: t.name, partition: p.partition, replicas: target });
    }
  }
  return moves;
}

/** Partitions whose replicas share a zone although the cluster has zones enough to spread them. */
export function partitionsSharingZones(
  topics: TopicPartitions[],
  zoneCount: number,
  rackOf: (broker: number) => string,
): string[] {
  if (zoneCount <= 1) return [];
  const out: string[] = [];
  for (const t of topics) {
    for (const p of t.partitions) {
      const zones = new Set(p.replicas.map(rackOf)).size;
      if (zones < Math.min(p.replicas.length, zoneCount)) out.push(`${t.name}-${p.partition}`);
    }
  }
  return out;
}
