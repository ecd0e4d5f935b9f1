// Sizes a Kafka cluster for a workload and prices it with the engine. Pure: the same inputs and
// price book always give the same recommendation.
//
// Model (stated in each recommendation's reasoning):
// - Broker traffic = writes × (2 × replication factor − 1 + read fan-out): producers and
//   followers write into brokers (RF copies), consumers and followers read out of them.
//   Each broker must carry its share within the type's sustained throughput below.
// - Partition replicas per broker (partitions × RF / brokers) stay within the type's guidance.
// - Storage per broker = retained bytes × RF / brokers plus 30% headroom, rounded up to 10 GB,
//   at most 16,384 GB per broker.
// - At least RF brokers, at most 30 per cluster.
// - Within the project quota when one is given (the domain passes the quota every new project
//   gets): storage per broker and brokers per cluster are capped by it, so what is recommended
//   can be created; when only the quota stands in the way, the option says which field.
import { Decimal } from "decimal.js";
import { Dec, estimate, type Plan, type PriceBook, type Priced } from "./engine.ts";

/** Sustained broker traffic (MB/s in + out) and partition-replica guidance per broker type. */
export const brokerCapacity: Record<string, { throughputMBps: number; maxPartitionsPerBroker: number }> = {
  "kafka.t3.small": { throughputMBps: 10, maxPartitionsPerBroker: 300 },
  "kafka.m5.large": { throughputMBps: 60, maxPartitionsPerBroker: 1000 },
  "kafka.m5.xlarge": { throughputMBps: 120, maxPartitionsPerBroker: 1000 },
  "kafka.m5.2xlarge": { throughputMBps: 240, maxPartitionsPerBroker: 2000 },
  "kafka.m5.4xlarge": { throughputMBps: 480, maxPartitionsPerBroker: 4000 },
  "kafka.m5.8xlarge": { throughputMBps: 960, maxPartitionsPerBroker: 4000 },
  "kafka.m5.12xlarge": { throughputMBps: 1440, maxPartitionsPerBroker: 4000 },
  "kafka.m5.16xlarge": { throughputMBps: 1920, maxPartitionsPerBroker: 4000 },
  "kafka.m5.24xlarge": { throughputMBps: 2880, maxPartitionsPerBroker: 4000 },
};

export const MAX_BROKERS_PER_CLUSTER = 30;
export const MAX_STORAGE_GB_PER_BROKER = 16_384;
export const STORAGE_HEADROOM = 0.3;

/** The project limits a created cluster must respect (packages/domain's project quotas). */
export interface SizingQuota {
  maxBrokersPerCluster: number;
  maxStorageGbPerBroker: number;
}

export interface Workload {
  writeMBps: number;
  readFanout: number;
  retentionHours: number;
  replicationFactor: number;
  partitions: number;
  /** A broker type, or "auto" to pick the cheapest type that fits. */
  brokerInstanceType: string;
  /** A fixed broker count; sized for the workload when absent. */
  brokers?: number;
  compute?: { workers: number; instanceType: string; hoursPerDay: number };
  /** Kafka Connect workers (always on: Connect clusters run around the clock). */
  connect?: { workers: number; instanceType: string };
  /** Days in the month priced; 30 (720 hours) unless said otherwise. */
  days?: number;
}

export interface ClusterOption {
  brokers: number;
  instanceType: string;
  storageGbPerBroker: number;
  fits: boolean;
  reasoning: string;
  perBroker: { throughputMBps: number; partitions: number; storageGb: number };
  limits: { throughputMBps: number; partitions: number; storageGb: number; brokers: number };
  /** Quota fields that stand in the way of creating this option (empty when none do). */
  quotaBlocks: (keyof SizingQuota)[];
  estimate: Priced;
}

export interface Recommendation {
  fits: boolean;
  summary: string;
  hoursInMonth: number;
  traffic: { ingressMBps: number; egressMBps: number; brokerTrafficMBps: number; retainedGb: number };
  dataInGb: string;
  dataOutGb: string;
  recommended: ClusterOption | null;
  /** Two or three configurations side by side, recommended first. */
  options: ClusterOption[];
  /** The quota the recommendation respects, when one was given. */
  quota: SizingQuota | null;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 1 });

/** Broker types of the price book that the sizing model knows, smallest first. */
export function sizableTypes(book: PriceBook): string[] {
  const priced = new Set(book.prices.filter((p) => p.dimension === "BROKER_HOURS").map((p) => p.sku));
  return Object.keys(brokerCapacity).filter((t) => priced.has(t));
}

export function recommend(w: Workload, book: PriceBook, quota?: SizingQuota): Recommendation {
  const days = w.days ?? 30;
  const hoursInMonth = days * 24;
  const rf = w.replicationFactor;
  const ingress = w.writeMBps * rf;
  const egress = w.writeMBps * (rf - 1 + w.readFanout);
  const brokerTraffic = ingress + egress;
  const retainedGb = (w.writeMBps * w.retentionHours * 3600 * rf) / 1000;
  const seconds = new Dec(hoursInMonth).times(3600);
  const maxStorageGb = Math.min(MAX_STORAGE_GB_PER_BROKER, quota?.maxStorageGbPerBroker ?? Infinity);
  const maxBrokers = Math.min(MAX_BROKERS_PER_CLUSTER, quota?.maxBrokersPerCluster ?? Infinity);
  const dataInGb = new Dec(w.writeMBps).times(seconds).div(1000).toDecimalPlaces(6, Decimal.ROUND_HALF_UP);
  const dataOutGb = new Dec(w.writeMBps)
    .times(w.readFanout)
    .times(seconds)
    .div(1000)
    .toDecimalPlaces(6, Decimal.ROUND_HALF_UP);

  // Options whose every problem is a quota (they would fit a larger quota).
  const quotaOnlyOptions = new Set<ClusterOption>();
  const quotaOnly = (o: ClusterOption) => quotaOnlyOptions.has(o);

  const option = (instanceType: string, fixedBrokers?: number): ClusterOption => {
    const cap = brokerCapacity[instanceType];
    const needed = cap
      ? Math.max(
          rf,
          Math.ceil(brokerTraffic / cap.throughputMBps),
          Math.ceil((w.partitions * rf) / cap.maxPartitionsPerBroker),
          Math.ceil((retainedGb * (1 + STORAGE_HEADROOM)) / maxStorageGb),
        )
      : rf;
    const brokers = fixedBrokers ?? needed;
    const storageGbPerBroker = Math.max(10, Math.ceil((retainedGb * (1 + STORAGE_HEADROOM)) / brokers / 10) * 10);
    const perBroker = {
      throughputMBps: round1(brokerTraffic / brokers),
      partitions: Math.ceil((w.partitions * rf) / brokers),
      storageGb: storageGbPerBroker,
    };
    const limits = {
      throughputMBps: cap?.throughputMBps ?? Infinity,
      partitions: cap?.maxPartitionsPerBroker ?? Infinity,
      storageGb: maxStorageGb,
      brokers: maxBrokers,
    };
    const problems: string[] = [];
    const quotaBlocks: (keyof SizingQuota)[] = [];
    if (brokers < rf) problems.push(`replication factor ${rf} needs at least ${rf} brokers`);
    if (brokers > MAX_BROKERS_PER_CLUSTER)
      problems.push(`it would take ${brokers} brokers, more than the ${MAX_BROKERS_PER_CLUSTER} a cluster may have`);
    else if (quota && brokers > quota.maxBrokersPerCluster) {
      quotaBlocks.push("maxBrokersPerCluster");
      problems.push(
        `it would take ${brokers} brokers, more than the ${fmt(quota.maxBrokersPerCluster)} the project quota allows (maxBrokersPerCluster)`,
      );
    }
    if (perBroker.throughputMBps > limits.throughputMBps)
      problems.push(`${fmt(perBroker.throughputMBps)} MB/s per broker exceeds its ${fmt(limits.throughputMBps)} MB/s`);
    if (perBroker.partitions > limits.partitions)
      problems.push(`${fmt(perBroker.partitions)} partition replicas per broker exceed its ${fmt(limits.partitions)}`);
    if (storageGbPerBroker > MAX_STORAGE_GB_PER_BROKER)
      problems.push(`${fmt(storageGbPerBroker)} GB per broker exceeds ${fmt(MAX_STORAGE_GB_PER_BROKER)} GB`);
    else if (quota && storageGbPerBroker > quota.maxStorageGbPerBroker) {
      quotaBlocks.push("maxStorageGbPerBroker");
      problems.push(
        `${fmt(storageGbPerBroker)} GB per broker exceeds the project quota of ${fmt(quota.maxStorageGbPerBroker)} GB (maxStorageGbPerBroker)`,
      );
    }
    const fits = problems.length === 0;
    const head = `${brokers} × ${instanceType}`;
    const reasoning = fits
      ? `${head}: each broker carries ${fmt(perBroker.throughputMBps)} MB/s of ${fmt(brokerTraffic)} MB/s broker traffic ` +
        `(it sustains ${fmt(limits.throughputMBps)} MB/s), holds ${fmt(perBroker.partitions)} partition replicas ` +
        `(guidance ${fmt(limits.partitions)}) and gets ${fmt(storageGbPerBroker)} GB of storage ` +
        `(${fmt(round1(retainedGb / brokers))} GB retained plus ${STORAGE_HEADROOM * 100}% headroom).`
      : `${head} does not fit: ${problems.join("; ")}.`;
    const plan: Plan = {
      hoursInMonth,
      kafka: { brokers, instanceType, storageGbPerBroker, dataInGb, dataOutGb },
      ...(w.compute
        ? {
            compute: {
              workers: w.compute.workers,
              instanceType: w.compute.instanceType,
              hours: w.compute.hoursPerDay * days,
            },
          }
        : {}),
      ...(w.connect
        ? { connect: { workers: w.connect.workers, instanceType: w.connect.instanceType, hours: hoursInMonth } }
        : {}),
    };
    const result: ClusterOption = {
      brokers,
      instanceType,
      storageGbPerBroker,
      fits,
      reasoning,
      perBroker,
      limits,
      quotaBlocks,
      estimate: estimate(plan, book),
    };
    if (!fits && quotaBlocks.length === problems.length) quotaOnlyOptions.add(result);
    return result;
  };

  const types = sizableTypes(book);
  const cost = (o: ClusterOption) => new Dec(o.estimate.total);
  let recommended: ClusterOption | null = null;
  let anchor: string;
  if (w.brokerInstanceType === "auto") {
    const all = types.map((t) => option(t, w.brokers));
    const fitting = all.filter((o) => o.fits);
    recommended = fitting.reduce<ClusterOption | null>((best, o) => (!best || cost(o).lt(cost(best)) ? o : best), null);
    // Nothing fits: show the cheapest type that only the quota keeps out, else the largest.
    const onlyQuota = all.filter(quotaOnly);
    const closest = onlyQuota.reduce<ClusterOption | null>((b, o) => (!b || cost(o).lt(cost(b)) ? o : b), null);
    anchor = recommended?.instanceType ?? closest?.instanceType ?? types[types.length - 1]!;
  } else {
    anchor = w.brokerInstanceType;
    const o = option(anchor, w.brokers);
    recommended = o.fits ? o : null;
  }

  const i = types.indexOf(anchor);
  const neighbours = [types[i - 1], types[i + 1], types[i + 2]].filter((t): t is string => !!t && t !== anchor);
  const options: ClusterOption[] = [recommended ?? option(anchor, w.brokers)];
  for (const t of neighbours) {
    if (options.length >= 3) break;
    const o = option(t, w.brokers);
    if (o.fits || !recommended) options.push(o);
  }

  const first = options[0]!;
  const summary = recommended
    ? recommended.reasoning
    : w.brokerInstanceType === "auto"
      ? quotaOnly(first)
        ? `No offered size fits this workload within the project quota: ${first.reasoning.replace(/ does not fit:/, ":").replace(/\.$/, "")}. Ask for a larger quota, or plan less retention or throughput.`
        : `No offered size fits this workload: even ${first.reasoning.replace(/ does not fit:/, " falls short:")}`
      : `${first.reasoning} Try “size it for me” or a larger type.`;

  return {
    fits: recommended !== null,
    summary,
    hoursInMonth,
    traffic: {
      ingressMBps: round1(ingress),
      egressMBps: round1(egress),
      brokerTrafficMBps: round1(brokerTraffic),
      retainedGb: round1(retainedGb),
    },
    dataInGb: dataInGb.toString(),
    dataOutGb: dataOutGb.toString(),
    recommended,
    options,
    quota: quota ?? null,
  };
}
