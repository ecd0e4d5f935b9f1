// A Kafka cluster's status as a pure function of what one pass observed: the processes (from
// the driver) and Kafka's own view (registered brokers, partition health). No I/O, so every
// case is unit-tested without a JVM (test/kafka-cluster-status.test.ts).
import type { ResourceStatus } from "@weir/db";
import type { StorageLevel } from "@weir/domain";
import type { ReconcileOutcome } from "../../framework/types.ts";

export interface NodeObservation {
  nodeId: number;
  /** Has the broker role (combined nodes too); controller-only nodes never register. */
  broker: boolean;
  running: boolean;
  /** Listed by DescribeCluster, and not (re)started in this pass. */
  registered: boolean;
  /**
   * Restarted after a crash less than a broker session ago: Kafka may still list the dead
   * process's registration, so "registered" cannot be trusted yet.
   */
  rejoining: boolean;
  /** Being scaled in: not restarted, not counted as down. */
  leaving: boolean;
  lastExit: string | null;
}

export interface StorageObservation {
  level: StorageLevel;
  /** Why, naming the fullest broker and (above the warning) its largest topics. */
  message: string;
}

export const STORAGE_CONDITION = "StorageWithinQuota";

export const storageReason = (level: StorageLevel) =>
  level === "full" ? "StorageFull" : level === "warn" ? "StorageHigh" : "WithinQuota";

function storageCondition(s: StorageObservation) {
  return {
    type: STORAGE_CONDITION,
    status: s.level === "ok" ? ("True" as const) : ("False" as const),
    reason: storageReason(s.level),
    message: s.message,
  };
}

export interface ClusterObservation {
  /** The cluster has never been RUNNING (status PROVISIONING). */
  firstRun: boolean;
  /** Desired broker count. */
  brokerCount: number;
  nodes: NodeObservation[];
  /** The Admin API did not answer: why. */
  kafkaError: string | null;
  underReplicated: number;
  /** Brokers are being added or removed, or partitions spread, for a new generation. */
  scaling: boolean;
  /** The fullest broker's log dirs against the storage per broker; unknown while not observed. */
  storage?: StorageObservation;
  /** Zones the brokers are spread over, and the partitions ("topic-0") whose replicas share one. */
  zoneCount?: number;
  sharingZones?: string[];
}

export const ZONES_CONDITION = "ReplicasInDistinctZones";

/** Only for a cluster spread over zones: which partitions, if any, keep replicas in one zone. */
function zonesCondition(o: ClusterObservation) {
  if ((o.zoneCount ?? 1) <= 1 || !o.sharingZones) return [];
  const shared = o.sharingZones;
  return [
    {
      type: ZONES_CONDITION,
      status: shared.length === 0 ? ("True" as const) : ("False" as const),
      reason: shared.length === 0 ? "Spread" : "SharedZone",
      message:
        shared.length === 0
          ? `Every partition's replicas are in distinct zones (${o.zoneCount} zones)`
          : `${plural(shared.length, "partition")} with replicas sharing a zone: ${shared.slice(0, 10).join(", ")}${shared.length > 10 ? " …" : ""}`,
    },
  ];
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

const isUp = (n: NodeObservation) => n.running && !n.rejoining && (!n.broker || n.registered);

/** Every node runs, every broker is registered, and the Admin API answers. */
export function isReady(o: ClusterObservation): boolean {
  return !o.kafkaError && o.nodes.every((n) => n.leaving || isUp(n));
}

export function nodeStatus(n: NodeObservation, firstRun: boolean): { status: ResourceStatus; statusReason: string } {
  if (isUp(n)) {
    return { status: "RUNNING", statusReason: n.broker ? "Registered with the cluster" : "Controller running" };
  }
  if (n.running) {
    return {
      status: n.rejoining ? "DEGRADED" : "PROVISIONING",
      statusReason: n.rejoining
        ? "Restarted after a crash; rejoining the cluster"
        : "Process running, not registered with the cluster yet",
    };
  }
  return {
    status: firstRun ? "PROVISIONING" : "DEGRADED",
    statusReason: `Not running${n.lastExit ? ` (last exit ${n.lastExit})` : ""}; restart pending`,
  };
}

/** Steps done of all: each node started, each broker registered, then the cluster ready. */
export function clusterProgress(o: ClusterObservation): { done: number; total: number } {
  const total = o.nodes.length * 2 + 1;
  const running = o.nodes.filter((n) => n.running).length;
  const registeredOrController = o.nodes.filter((n) => !n.broker || (n.registered && n.running)).length;
  const ready = isReady(o);
  return { done: Math.min(total - 1, running + registeredOrController) + (ready ? 1 : 0), total };
}

function counts(o: ClusterObservation): string {
  const brokers = o.nodes.filter((n) => n.broker);
  const running = o.nodes.filter((n) => n.running).length;
  const registered = brokers.filter((n) => n.running && n.registered && !n.rejoining).length;
  return `${running} of ${o.nodes.length} nodes running, ${registered} of ${brokers.length} brokers registered`;
}

/** How soon a starting cluster is looked at again: a pass costs a DescribeCluster and a few queries. */
const PROVISIONING_LOOK_AGAIN_MS = 250;

/** The cluster's status for this pass (scaling steps and failures end a pass before this). */
export function clusterStatus(o: ClusterObservation): ReconcileOutcome {
  const ready = isReady(o);
  const brokers = o.nodes.filter((n) => n.broker && !n.leaving);
  if (o.firstRun && !ready) {
    return {
      status: "PROVISIONING",
      statusReason: `Starting brokers: ${counts(o)}`,
      conditions: [{ type: "Ready", status: "False", reason: "Provisioning", message: "Brokers are starting" }],
      // A new cluster is RUNNING the moment its last broker registers, not up to a second later.
      requeueAfterMs: PROVISIONING_LOOK_AGAIN_MS,
    };
  }
  if (!ready && o.scaling) {
    return {
      status: "UPDATING",
      statusReason: `Scaling to ${plural(o.brokerCount, "broker")}: ${counts(o)}`,
      requeueAfterMs: 1000,
    };
  }
  const storage = [...(o.storage ? [storageCondition(o.storage)] : []), ...zonesCondition(o)];
  const full = o.storage?.level === "full";
  if (!ready || o.underReplicated > 0 || full) {
    const parts: string[] = [];
    const down = o.nodes.filter((n) => !n.leaving && !n.running);
    const rejoining = o.nodes.filter((n) => !n.leaving && n.running && n.rejoining);
    const unregistered = o.nodes.filter((n) => n.broker && n.running && !n.rejoining && !n.registered);
    const names = (ns: NodeObservation[], what: string) => ns.map((n) => `${what} ${n.nodeId}`).join(", ");
    if (down.length > 0) parts.push(`${names(down, "node")} down (restarting)`);
    if (rejoining.length > 0) parts.push(`${names(rejoining, "node")} restarted after a crash, rejoining`);
    if (unregistered.length > 0) parts.push(`${names(unregistered, "broker")} not registered yet`);
    if (o.kafkaError) parts.push(`the Admin API did not answer (${o.kafkaError})`);
    if (o.underReplicated > 0) parts.push(`${plural(o.underReplicated, "partition")} under-replicated`);
    if (full) parts.push(`storage almost full: ${o.storage!.message}`);
    return {
      status: "DEGRADED",
      statusReason: `Degraded: ${parts.join("; ")}`,
      conditions: [{ type: "Ready", status: "False", reason: "Degraded", message: parts.join("; ") }, ...storage],
      requeueAfterMs: 1000,
    };
  }
  return {
    status: "RUNNING",
    statusReason:
      o.storage?.level === "warn"
        ? `${plural(brokers.length, "broker")} running; storage high: ${o.storage.message}`
        : `${plural(brokers.length, "broker")} running`,
    conditions: [
      {
        type: "Ready",
        status: "True",
        reason: "Running",
        message: "Every broker is registered and every partition in sync",
      },
      { type: "Scaled", status: "True", reason: "Scaled", message: plural(brokers.length, "broker") },
      { type: "Balanced", status: "True", reason: "Balanced", message: "Partitions spread over the brokers" },
      ...storage,
    ],
    requeueAfterMs: 5000,
  };
}
