// The message browser's reads and the console's produce. Reads are raw Fetch requests from an
// unjoined consumer (no group, nothing committed) and stop at a bound on how many records are
// scanned, so a search in a big topic costs at most that much and says how much it looked at.
import { Consumer, FetchIsolationLevels, Producer, type RecordsBatch } from "@platformatic/kafka";
import type { KafkaAdmin } from "./admin.ts";
import { describeTopics, offsetsForTimestamp, partitionOffsets } from "./topics.ts";

export type BrowseStart =
  { from: "newest" } | { from: "offset"; offset: bigint } | { from: "timestamp"; timestamp: bigint };

export interface BrowseOptions {
  topic: string;
  /** One partition, or every partition when absent. */
  partition?: number;
  start: BrowseStart;
  /** Most records to read from the brokers, matching or not. */
  maxScan: number;
  /** Most matching records to return. */
  limit: number;
  /** Keeps a record if it matches (applied while scanning, so non-matching ones cost no memory). */
  filter?: (r: RawRecord) => boolean;
}

export interface RawRecord {
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: [string, Buffer | null][];
}

export interface BrowseResult {
  records: RawRecord[];
  scanned: number;
  /** Per partition: the offsets scanned [from, to) and the partition's end. */
  ranges: { partition: number; from: bigint; to: bigint; earliest: bigint; latest: bigint }[];
  /** True if the scan bound stopped the read before the end of the range. */
  truncated: boolean;
}

function clientOptions(admin: KafkaAdmin) {
  const { bootstrap, username, password, ca } = admin.opts;
  return {
    bootstrapBrokers: bootstrap,
    sasl: { mechanism: "SCRAM-SHA-512" as const, username, password },
    // The message browser's consumer and producer trust the cluster CA as the Admin client does.
    ...(ca ? { tls: { ca } } : {}),
    connectTimeout: 5_000,
    requestTimeout: 15_000,
    retries: 1,
  };
}

export async function browseMessages(admin: KafkaAdmin, o: BrowseOptions): Promise<BrowseResult> {
  const topic = (await describeTopics(admin, [o.topic])).get(o.topic);
  if (!topic) throw new Error(`UNKNOWN_TOPIC:${o.topic}`);
  const parts = topic.partitions.filter((p) => o.partition === undefined || p.partition === o.partition);
  const bounds =
    (await partitionOffsets(admin, [{ name: o.topic, partitions: topic.partitions.length }])).get(o.topic) ?? [];
  const perPartition = Math.max(1, Math.ceil(o.maxScan / Math.max(1, parts.length)));

  let starts: Map<number, bigint>;
  if (o.start.from === "timestamp") {
    starts = await offsetsForTimestamp(
      admin,
      o.topic,
      parts.map((p) => p.partition),
      o.start.timestamp,
    );
  } else {
    starts = new Map();
    for (const p of parts) {
      const b = bounds[p.partition] ?? { earliest: 0n, latest: 0n };
      const want = o.start.from === "offset" ? o.start.offset : b.latest - BigInt(perPartition);
      starts.set(p.partition, want < b.earliest ? b.earliest : want > b.latest ? b.latest : want);
    }
  }

  const cursor = new Map(parts.map((p) => [p.partition, starts.get(p.partition) ?? 0n]));
  const budget = new Map(parts.map((p) => [p.partition, perPartition]));
  const records: RawRecord[] = [];
  let scanned = 0;
  const consumer = new Consumer({ clientId: "weir-browser", groupId: "weir-browser", ...clientOptions(admin) });
  try {
    const active = () =>
      parts.filter((p) => {
        const end = bounds[p.partition]?.latest ?? 0n;
        return (cursor.get(p.partition) ?? end) < end && (budget.get(p.partition) ?? 0) > 0;
      });
    // Forward reads stop once enough records matched; "newest" reads its whole window.
    const enough = () => o.start.from !== "newest" && records.length >= o.limit;
    let rounds = 0;
    while (!enough() && scanned < o.maxScan && rounds++ < 10_000) {
      const todo = active();
      if (todo.length === 0) break;
      const byLeader = new Map<number, typeof todo>();
      for (const p of todo) byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), p]);
      let progressed = false;
      for (const [leader, ps] of byLeader) {
        const res = await consumer.fetch({
          node: leader,
          minBytes: 1,
          maxBytes: 4 * 1024 * 1024,
          maxWaitTime: 100,
          isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED,
          topics: [
            {
              topicId: topic.id,
              partitions: ps.map((p) => ({
                partition: p.partition,
                fetchOffset: cursor.get(p.partition)!,
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
                partitionMaxBytes: 1024 * 1024,
              })),
            },
          ],
        });
        for (const t of res.responses) {
          for (const fp of t.partitions) {
            const from = cursor.get(fp.partitionIndex)!;
            const end = bounds[fp.partitionIndex]?.latest ?? 0n;
            let next = from;
            for (const batch of (fp.records ?? []) as RecordsBatch[]) {
              for (const r of batch.records) {
                const offset = batch.firstOffset + BigInt(r.offsetDelta);
                if (offset < from || offset >= end) continue;
                if ((budget.get(fp.partitionIndex) ?? 0) <= 0 || scanned >= o.maxScan) break;
                budget.set(fp.partitionIndex, budget.get(fp.partitionIndex)! - 1);
                scanned++;
                next = offset + 1n;
                const rec: RawRecord = {
                  partition: fp.partitionIndex,
                  offset,
                  timestamp: batch.firstTimestamp + r.timestampDelta,
                  key: r.key,
                  value: r.value,
                  headers: r.headers.map(([k, v]) => [k?.toString("utf8") ?? "", v]),
                };
                if (!o.filter || o.filter(rec)) records.push(rec);
              }
              // Control batches and compacted gaps advance the cursor past the batch.
              const last = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
              if ((budget.get(fp.partitionIndex) ?? 0) > 0 && scanned < o.maxScan && last > next) next = last;
            }
            if (next > from) progressed = true;
            cursor.set(fp.partitionIndex, next > end ? end : next);
          }
        }
      }
      if (!progressed) break;
    }
  } finally {
    await consumer.close().catch(() => undefined);
  }

  const ranges = parts.map((p) => ({
    partition: p.partition,
    from: starts.get(p.partition) ?? 0n,
    to: cursor.get(p.partition) ?? 0n,
    earliest: bounds[p.partition]?.earliest ?? 0n,
    latest: bounds[p.partition]?.latest ?? 0n,
  }));
  const truncated = ranges.some((r) => r.to < r.latest);
  const sorted =
    o.start.from === "newest"
      ? records.sort((a, b) => Number(b.timestamp - a.timestamp) || Number(b.offset - a.offset)).slice(0, o.limit)
      : records.sort((a, b) => Number(a.timestamp - b.timestamp) || Number(a.offset - b.offset)).slice(0, o.limit);
  return { records: sorted, scanned, ranges, truncated };
}

export interface ProduceInput {
  topic: string;
  partition?: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Produces one message (acks=all) and returns where it landed. */
export async function produceMessage(
  admin: KafkaAdmin,
  m: ProduceInput,
): Promise<{ partition: number; offset: bigint }> {
  const producer = new Producer({ clientId: "weir-console", ...clientOptions(admin), acks: -1, idempotent: false });
  try {
    const headers = new Map(Object.entries(m.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)]));
    const res = await producer.send({
      messages: [
        {
          topic: m.topic,
          ...(m.partition === undefined ? {} : { partition: m.partition }),
          ...(m.key === null ? {} : { key: m.key }),
          value: m.value ?? undefined,
          headers,
        },
      ],
    });
    const at = res.offsets?.[0];
    return { partition: at?.partition ?? m.partition ?? 0, offset: at?.offset ?? -1n };
  } finally {
    await producer.close().catch(() => undefined);
  }
}
