// Consumer groups: state, members, assignments, committed offsets and lag, and offset resets.
// Describing a page of groups costs a fixed number of calls: ListGroups, DescribeGroups,
// OffsetFetch for the page's groups, and ListOffsets for the partitions they commit to.
import type { KafkaAdmin } from "./admin.ts";

export interface GroupSummary {
  id: string;
  state: string;
  protocolType: string;
}

export interface GroupPartitionLag {
  topic: string;
  partition: number;
  committed: bigint | null;
  latest: bigint;
  lag: bigint;
  /** The member the partition is assigned to, if any. */
  memberId: string | null;
}

export interface GroupDetail extends GroupSummary {
  members: { id: string; clientId: string; host: string; assignments: { topic: string; partitions: number[] }[] }[];
  partitions: GroupPartitionLag[];
  totalLag: bigint;
}

/** Every consumer group with its state. One ListGroups call per broker. */
export async function listGroups(admin: KafkaAdmin): Promise<GroupSummary[]> {
  const groups = await admin.admin.listGroups({ types: ["classic", "consumer"] });
  return [...groups.values()]
    .map((g) => ({ id: g.id, state: g.state, protocolType: g.protocolType }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Members, assignments, committed offsets and lag for the given groups. */
export async function describeGroupsWithLag(admin: KafkaAdmin, ids: string[]): Promise<GroupDetail[]> {
  if (ids.length === 0) return [];
  const [described, committed] = await Promise.all([
    admin.admin.describeGroups({ groups: ids }),
    admin.admin.listConsumerGroupOffsets({ groups: ids }),
  ]);
  const partitionsByTopic = new Map<string, Set<number>>();
  for (const g of committed)
    for (const t of g.topics)
      for (const p of t.partitions) {
        const set = partitionsByTopic.get(t.name) ?? new Set<number>();
        set.add(p.partitionIndex);
        partitionsByTopic.set(t.name, set);
      }
  for (const g of described.values())
    for (const m of g.members.values())
      for (const [topic, a] of m.assignments ?? []) {
        const set = partitionsByTopic.get(topic) ?? new Set<number>();
        for (const p of a.partitions) set.add(p);
        partitionsByTopic.set(topic, set);
      }
  const latest = new Map<string, bigint>();
  if (partitionsByTopic.size > 0) {
    const res = await admin.admin.listOffsets({
      topics: [...partitionsByTopic].map(([name, set]) => ({
        name,
        partitions: [...set].map((partitionIndex) => ({ partitionIndex, timestamp: -1n })),
      })),
    });
    for (const t of res) for (const p of t.partitions) latest.set(`${t.name}:${p.partitionIndex}`, p.offset);
  }
  const committedBy = new Map(committed.map((g) => [g.groupId, g]));
  return ids.map((id) => {
    const g = described.get(id);
    const members = [...(g?.members.values() ?? [])].map((m) => ({
      id: m.id,
      clientId: m.clientId,
      host: m.clientHost,
      assignments: [...(m.assignments ?? new Map())].map(([topic, a]) => ({ topic, partitions: [...a.partitions] })),
    }));
    const owner = new Map<string, string>();
    for (const m of members)
      for (const a of m.assignments) for (const p of a.partitions) owner.set(`${a.topic}:${p}`, m.id);
    const seen = new Map<string, GroupPartitionLag>();
    for (const t of committedBy.get(id)?.topics ?? []) {
      for (const p of t.partitions) {
        const key = `${t.name}:${p.partitionIndex}`;
        const end = latest.get(key) ?? 0n;
        const at = p.committedOffset >= 0n ? p.committedOffset : null;
        seen.set(key, {
          topic: t.name,
          partition: p.partitionIndex,
          committed: at,
          latest: end,
          lag: at === null ? 0n : end > at ? end - at : 0n,
          memberId: owner.get(key) ?? null,
        });
      }
    }
    for (const [key, memberId] of owner) {
      if (seen.has(key)) continue;
      const i = key.lastIndexOf(":");
      seen.set(key, {
        topic: key.slice(0, i),
        partition: Number(key.slice(i + 1)),
        committed: null,
        latest: latest.get(key) ?? 0n,
        lag: 0n,
        memberId,
      });
    }
    const partitions = [...seen.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    return {
      id,
      state: g?.state ?? "DEAD",
      protocolType: g?.protocolType ?? "consumer",
      members,
      partitions,
      totalLag: partitions.reduce((n, p) => n + p.lag, 0n),
    };
  });
}

/** Commits the given offsets for a group that has no members. */
export async function commitGroupOffsets(
  admin: KafkaAdmin,
  groupId: string,
  offsets: { topic: string; partition: number; offset: bigint }[],
): Promise<void> {
  const byTopic = new Map<string, { partition: number; offset: bigint }[]>();
  for (const o of offsets) {
    const list = byTopic.get(o.topic) ?? [];
    list.push({ partition: o.partition, offset: o.offset });
    byTopic.set(o.topic, list);
  }
  await admin.admin.alterConsumerGroupOffsets({
    groupId,
    topics: [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets })),
  });
}
