// Samples every serving Kafka cluster (run by a PeriodicTask, so one controller at a time) into cluster_metric_samples: one row per broker and one for
// the cluster (nodeId null) per interval.
//
// Sources, and why:
// - Bytes and messages in/out come from each broker's own JMX counters
//   (kafka.server:BrokerTopicMetrics BytesInPerSec/BytesOutPerSec/MessagesInPerSec), served by
//   the Prometheus JMX exporter agent the local driver attaches to every broker. These are
//   exactly the client traffic Kafka counts (replication excluded), which is what users want to
//   see and what billing charges for; the Admin API has no throughput figures at all, and
//   deriving them from offsets would miss bytes and fetches.
// - Partitions and under-replicated partitions come from the Admin API (Metadata), the same
//   view the reconciler uses for DEGRADED, so the chart and the status agree.
// - Disk used comes from the driver (bytes allocated in each broker's log dir), compared in the
//   console against the provisioned storage.
// Rates are counter deltas over the elapsed time; a counter that went down means the broker
// restarted, and its new value is the delta. The cluster row also keeps running totals
// (bytesInTotal/bytesOutTotal) that only ever grow, which metering turns into GB transferred.
import type { Db } from "@weir/db";
import { decryptSecret, isServing, RESOURCE_STATUSES } from "@weir/domain";
import { kafkaAdmins, type BrokerRuntime, type KafkaAdmin } from "@weir/runtime";

export interface SamplerOptions {
  db: Db;
  runtime: BrokerRuntime;
  secretKey: string;
  retentionHours: number;
  log?: (level: "debug" | "info" | "warn" | "error", msg: string) => void;
}

interface Counters {
  bytesIn: number;
  bytesOut: number;
  messagesIn: number;
  at: number;
}

/** Reads the counters this sampler needs from a Prometheus text exposition. */
export function parseBrokerCounters(text: string): Omit<Counters, "at"> | null {
  const pick = (name: string) => {
    const m = new RegExp(`^kafka_server_brokertopicmetrics_count\\{name="${name}",?\\}\\s+(\\S+)`, "m").exec(text);
    return m ? Number(m[1]) : null;
  };
  const bytesIn = pick("BytesInPerSec");
  const bytesOut = pick("BytesOutPerSec");
  const messagesIn = pick("MessagesInPerSec");
  if (bytesIn === null || bytesOut === null || messagesIn === null) return null;
  return { bytesIn, bytesOut, messagesIn };
}

const KAFKA_SERVING = RESOURCE_STATUSES.filter((s) => isServing("KafkaCluster", s));

const delta = (now: number, before: number | undefined) =>
  before === undefined ? 0 : now >= before ? now - before : now;

export class MetricsSampler {
  private readonly last = new Map<string, Counters>();
  private lastPrune = 0;

  constructor(private readonly opts: SamplerOptions) {}

  async sampleAll(): Promise<void> {
    const { db } = this.opts;
    // Local clusters only: a Strimzi cluster's brokers export their metrics in the cluster (its
    // pods' JMX exporter), which this sampler does not read yet.
    const clusters = await db.kafkaCluster.findMany({
      where: { status: { in: KAFKA_SERVING }, runtime: "local" },
      include: { brokers: true },
    });
    for (const c of clusters) {
      try {
        await this.sampleCluster(c);
      } catch (e) {
        this.opts.log?.("warn", `metrics for cluster ${c.id}: ${String(e)}`);
      }
    }
    if (Date.now() - this.lastPrune > 10 * 60_000) {
      this.lastPrune = Date.now();
      await db.clusterMetricSample.deleteMany({
        where: { sampledAt: { lt: new Date(Date.now() - this.opts.retentionHours * 3600_000) } },
      });
    }
  }

  private async sampleCluster(c: SampledCluster): Promise<void> {
    const { db } = this.opts;
    const now = new Date();
    const brokers = c.brokers.filter((b) => b.roles.includes("broker"));
    const disk = new Map(
      (
        await this.opts.runtime.observe(
          c.id,
          brokers.map((b) => String(b.nodeId)),
        )
      ).map((o) => [Number(o.name), o.diskUsedBytes]),
    );
    // The pooled per-cluster Admin client: no SCRAM handshake per sample.
    const health = await partitionHealth(
      kafkaAdmins.forCluster(c, (encrypted) => decryptSecret(encrypted, this.opts.secretKey)),
    );
    const prevCluster = await db.clusterMetricSample.findFirst({
      where: { clusterId: c.id, nodeId: null },
      orderBy: { sampledAt: "desc" },
    });
    const perBroker = await Promise.all(
      brokers.map(async (b) => ({ b, ...this.rates(`${c.id}:${b.nodeId}`, await readCounters(b), now) })),
    );
    const sum = (f: (x: (typeof perBroker)[number]) => number) => perBroker.reduce((acc, x) => acc + f(x), 0);
    const rows = perBroker.map(({ b, counters, rateIn, rateOut, rateMsgs }) => ({
      clusterId: c.id,
      nodeId: b.nodeId,
      sampledAt: now,
      bytesInPerSec: rateIn,
      bytesOutPerSec: rateOut,
      messagesInPerSec: rateMsgs,
      partitions: health.partitions.get(b.nodeId) ?? 0,
      underReplicated: health.urp.get(b.nodeId) ?? 0,
      diskUsedBytes: BigInt(disk.get(b.nodeId) ?? 0),
      bytesInTotal: BigInt(Math.round(counters?.bytesIn ?? 0)),
      bytesOutTotal: BigInt(Math.round(counters?.bytesOut ?? 0)),
    }));
    await db.clusterMetricSample.createMany({
      data: [
        ...rows,
        {
          clusterId: c.id,
          nodeId: null,
          sampledAt: now,
          bytesInPerSec: sum((x) => x.rateIn),
          bytesOutPerSec: sum((x) => x.rateOut),
          messagesInPerSec: sum((x) => x.rateMsgs),
          partitions: health.total,
          underReplicated: health.totalUrp,
          diskUsedBytes: BigInt([...disk.values()].reduce((x, y) => x + y, 0)),
          bytesInTotal: (prevCluster?.bytesInTotal ?? 0n) + BigInt(Math.round(sum((x) => x.dIn))),
          bytesOutTotal: (prevCluster?.bytesOutTotal ?? 0n) + BigInt(Math.round(sum((x) => x.dOut))),
        },
      ],
    });
  }

  /** Rates since this sampler's last sample of the broker; the first sample only sets the baseline. */
  private rates(key: string, counters: Omit<Counters, "at"> | null, now: Date) {
    const before = this.last.get(key);
    const out = { counters, rateIn: 0, rateOut: 0, rateMsgs: 0, dIn: 0, dOut: 0 };
    if (!counters) {
      this.last.delete(key);
      return out;
    }
    const dt = before ? (now.getTime() - before.at) / 1000 : 0;
    if (before && dt > 0) {
      out.dIn = delta(counters.bytesIn, before.bytesIn);
      out.dOut = delta(counters.bytesOut, before.bytesOut);
      out.rateIn = out.dIn / dt;
      out.rateOut = out.dOut / dt;
      out.rateMsgs = delta(counters.messagesIn, before.messagesIn) / dt;
    }
    this.last.set(key, { ...counters, at: now.getTime() });
    return out;
  }
}

type SampledCluster = Awaited<ReturnType<Db["kafkaCluster"]["findMany"]>>[number] & {
  brokers: { id: string; nodeId: number; roles: string; host: string; metricsPort: number | null }[];
};

/** A broker's counters from its JMX exporter, or null while it is down. */
async function readCounters(b: { host: string; metricsPort: number | null }) {
  if (!b.metricsPort) return null;
  try {
    const res = await fetch(`http://${b.host}:${b.metricsPort}/metrics`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? parseBrokerCounters(await res.text()) : null;
  } catch {
    return null;
  }
}

/** Partitions per broker (as leader or follower) and under-replicated ones, via Metadata. */
async function partitionHealth(admin: KafkaAdmin | null) {
  const health = { partitions: new Map<number, number>(), urp: new Map<number, number>(), total: 0, totalUrp: 0 };
  try {
    for (const t of admin ? await admin.topics() : []) {
      for (const p of t.partitions) {
        health.total++;
        const under = p.isr.length < p.replicas.length;
        if (under) health.totalUrp++;
        for (const r of p.replicas) health.partitions.set(r, (health.partitions.get(r) ?? 0) + 1);
        if (under && p.leader >= 0) health.urp.set(p.leader, (health.urp.get(p.leader) ?? 0) + 1);
      }
    }
  } catch {
    // The cluster is degraded; throughput and disk still get sampled.
  }
  return health;
}
