// Rolling restarts of a Kafka cluster's nodes (local driver), one node at a time.
//
// The interface, for whoever needs the brokers restarted (a restart-only broker config, a
// certificate rotation, a Kafka version upgrade):
// - every node has a desired config revision, nodeRevision(spec, nodeId) in
//   packages/runtime/src/kafka/node-revision.ts: a hash of its server.properties plus the `extra`
//   inputs listed there. Add your input there (a key in server.properties counts by itself);
//   nothing else is needed: a node whose Broker.appliedRevision differs gets restarted;
// - Broker.appliedRevision is the revision the running process started with. The record-revisions
//   step sets it for every node this controller starts (first start, crash restart) and, once, for a
//   node found running without one (a node started before revisions existed is taken as current);
// - the roll step restarts pending nodes one at a time, in this order: broker-only nodes, then
//   dedicated controllers, then combined nodes (lowest id first). Before stopping one it waits until
//   the cluster is ready (every node running, every broker registered, no under-replicated
//   partition) and checks that no partition in whose ISR the node is would fall below its
//   min.insync.replicas without it. Stop is Kafka's controlled shutdown; then the node starts with
//   its new server.properties. It counts as back once it is running, registered, every partition is
//   fully in sync again and at least a broker session has passed (a killed process's registration
//   can linger that long). Then the next one;
// - progress: cluster statusReason "Restarting broker 2 of 3 (node 2): …", progressDone/Total,
//   the RollingRestart condition, events RollingRestart / RollingRestartDone / RollingRestartStopped;
// - a node that exits after the restart, fails to start, or is not back within ROLL_NODE_TIMEOUT_MS
//   stops the roll: the cluster is DEGRADED with the reason (condition RollingRestart False,
//   RollStopped) until its spec changes again (a new generation starts a new roll);
// - the roll state is KafkaCluster.roll (RollState below); `pendingRoll(pass)` tells another step
//   whether nodes still wait for a restart (e.g. to bump the metadata version after an upgrade).
// A cluster run by a declarative driver (Strimzi) is rolled by its operator, not here.
import type { Prisma } from "@weir/db";
import { isBroker, isController, nodeRevision, upgradingTo, BROKER_SESSION_TIMEOUT_MS } from "@weir/runtime";
import { failureExcerpt, lastMeaningfulLine } from "../../framework/instances.ts";
import { step } from "../../framework/pipeline.ts";
import type { ReconcileOutcome } from "../../framework/types.ts";
import type { ClusterPass } from "./types.ts";

/** How long a restarted node may take to be back in every ISR before the roll stops. */
export const ROLL_NODE_TIMEOUT_MS = 180_000;
export const ROLL_CONDITION = "RollingRestart";

export interface RollState {
  /** The node restarted and not back yet, when, and its crash count then. */
  current: { nodeId: number; startedAt: string; restartCount: number } | null;
  /** Nodes restarted so far in this roll, of how many. */
  done: number;
  total: number;
  /** Set when a node did not come back: the roll waits for a new generation. */
  stopped: { generation: number; reason: string } | null;
}

export function asRollState(json: unknown): RollState | null {
  if (!json || typeof json !== "object") return null;
  const r = json as Partial<RollState>;
  return { current: r.current ?? null, done: r.done ?? 0, total: r.total ?? 0, stopped: r.stopped ?? null };
}

interface RollNode {
  nodeId: number;
  roles: string;
  appliedRevision: string | null;
}

/** The nodes to restart, in the order they go: broker-only, dedicated controllers, combined. */
export function rollOrder<N extends RollNode>(nodes: N[], desired: Map<number, string>): N[] {
  const rank = (n: RollNode) => (!isController(n) ? 0 : !isBroker(n) ? 1 : 2);
  return nodes
    .filter((n) => desired.has(n.nodeId) && n.appliedRevision !== desired.get(n.nodeId))
    .sort((a, b) => rank(a) - rank(b) || a.nodeId - b.nodeId);
}

/**
 * Partitions ("topic-0") that would fall below min.insync.replicas if `nodeId` stopped now.
 * As Strimzi does, a topic whose min.insync.replicas is not below its replica count can never
 * lose a replica without refusing acks=all writes, so it does not hold the roll back.
 */
export function partitionsBlockingRestart(
  nodeId: number,
  topics: { name: string; partitions: { partition: number; replicas: number[]; isr: number[] }[] }[],
  minIsrOf: (topic: string) => number,
): string[] {
  const blocked: string[] = [];
  for (const t of topics) {
    const minIsr = minIsrOf(t.name);
    for (const p of t.partitions) {
      if (!p.isr.includes(nodeId) || minIsr >= p.replicas.length) continue;
      if (p.isr.length - 1 < minIsr) blocked.push(`${t.name}-${p.partition}`);
    }
  }
  return blocked;
}

const what = (n: RollNode) => (isBroker(n) ? "broker" : "controller");
// During a Kafka upgrade (upgrade.ts) the same roll moves each node to the new binaries.
const progressText = (n: RollNode, i: number, total: number, upgrade: string | null) =>
  upgrade
    ? `Upgrading: ${what(n)} ${i} of ${total} (node ${n.nodeId}) to Kafka ${upgrade}`
    : `Restarting ${what(n)} ${i} of ${total} (node ${n.nodeId})`;

/** The desired revision of every node that stays (nodes being scaled in are not rolled). */
function desiredRevisions(pass: ClusterPass): Map<number, string> {
  const out = new Map<number, string>();
  if (!pass.spec) return out;
  for (const b of pass.cluster.brokers) {
    if (!pass.leaving.has(b.nodeId)) out.set(b.nodeId, nodeRevision(pass.spec, b.nodeId));
  }
  return out;
}

/** Nodes whose running process does not have the desired revision yet. */
export function pendingRoll(pass: ClusterPass): number[] {
  return rollOrder(pass.cluster.brokers, desiredRevisions(pass)).map((b) => b.nodeId);
}

// What a node runs once this controller started it is its desired revision; a node found running
// without a recorded revision (started before revisions existed) is taken as current.
export const recordRevisions = step<ClusterPass>("record-revisions", async (pass) => {
  const desired = desiredRevisions(pass);
  const updates = pass.cluster.brokers.filter((b) => {
    const want = desired.get(b.nodeId);
    if (!want || b.appliedRevision === want) return false;
    if (pass.startedNow.has(String(b.nodeId))) return true;
    return b.appliedRevision === null && !!pass.observed.get(String(b.nodeId))?.running;
  });
  for (const b of updates) {
    const appliedRevision = desired.get(b.nodeId)!;
    await pass.db.broker.updateMany({ where: { id: b.id }, data: { appliedRevision } });
    b.appliedRevision = appliedRevision;
  }
});

async function saveRoll(pass: ClusterPass, roll: RollState | null, progress?: { done: number; total: number }) {
  await pass.db.kafkaCluster.updateMany({
    where: { id: pass.id },
    data: {
      roll: (roll ?? null) as unknown as Prisma.InputJsonValue,
      ...(progress ? { progressDone: progress.done, progressTotal: progress.total } : {}),
    },
  });
  pass.cluster.roll = roll as unknown as Prisma.JsonValue;
}

const rolling = (statusReason: string, message = statusReason): ReconcileOutcome => ({
  status: "UPDATING",
  statusReason,
  conditions: [{ type: ROLL_CONDITION, status: "True", reason: "Rolling", message }],
  requeueAfterMs: 1000,
});

const stoppedOutcome = (reason: string): ReconcileOutcome => ({
  status: "DEGRADED",
  statusReason: `Rolling restart stopped: ${reason}`,
  conditions: [
    { type: ROLL_CONDITION, status: "False", reason: "RollStopped", message: reason },
    { type: "Ready", status: "False", reason: "RollStopped", message: reason },
  ],
  requeueAfterMs: 5000,
});

/** Every node running and registered, the Admin API answering, no partition under-replicated. */
function healthy(pass: ClusterPass): boolean {
  if (pass.kafka.error) return false;
  for (const b of pass.cluster.brokers) {
    if (pass.leaving.has(b.nodeId)) continue;
    if (!pass.observed.get(String(b.nodeId))?.running) return false;
    if (isBroker(b) && !pass.kafka.registered.has(b.nodeId)) return false;
  }
  return pass.kafka.topics.every((t) => t.partitions.every((p) => p.isr.length >= p.replicas.length));
}

const underReplicated = (pass: ClusterPass) =>
  pass.kafka.topics.flatMap((t) => t.partitions).filter((p) => p.isr.length < p.replicas.length).length;

async function stopRoll(pass: ClusterPass, roll: RollState, reason: string): Promise<ReconcileOutcome> {
  await saveRoll(pass, { ...roll, current: null, stopped: { generation: pass.cluster.generation, reason } });
  await pass.event({ type: "WARNING", reason: "RollingRestartStopped", message: `Rolling restart stopped: ${reason}` });
  return stoppedOutcome(reason);
}

/** min.insync.replicas per topic: its own config, else the cluster's, else Kafka's default (1). */
async function minIsrLookup(pass: ClusterPass): Promise<(topic: string) => number> {
  const rows = await pass.db.topic.findMany({ where: { clusterId: pass.id }, select: { name: true, configs: true } });
  const own = new Map(
    rows.map((r) => [r.name, Number((r.configs as Record<string, unknown> | null)?.["min.insync.replicas"] ?? NaN)]),
  );
  const clusterMin = Number(pass.spec?.brokerConfig?.["min.insync.replicas"] ?? 1);
  return (topic) => {
    const n = own.get(topic);
    if (n !== undefined && Number.isFinite(n)) return n;
    if (topic === "__transaction_state") return Math.min(2, pass.spec?.defaultReplication ?? 1);
    return clusterMin;
  };
}

export const roll = step<ClusterPass>("roll", async (pass) => {
  const { cluster, runtime, spec } = pass;
  if (!spec || pass.firstRun) return;
  let state = asRollState(cluster.roll);
  if (state?.stopped) {
    if (state.stopped.generation === cluster.generation) return stoppedOutcome(state.stopped.reason);
    state = null;
  }
  const desired = desiredRevisions(pass);

  if (state?.current) {
    const cur = state.current;
    const b = cluster.brokers.find((x) => x.nodeId === cur.nodeId);
    const label = b
      ? progressText(b, state.done + 1, state.total, upgradingTo(cluster))
      : `Restarting node ${cur.nodeId}`;
    if (!b) {
      state = { ...state, current: null, done: state.done + 1 };
    } else {
      const since = Date.now() - Date.parse(cur.startedAt);
      if (b.restartCount > cur.restartCount) {
        const tail = runtime.logTail(cluster.id, String(b.nodeId), 300);
        return stopRoll(
          pass,
          state,
          `${what(b)} ${b.nodeId} exited after its restart: ${lastMeaningfulLine(failureExcerpt(tail))}`,
        );
      }
      if (!healthy(pass) || since < BROKER_SESSION_TIMEOUT_MS) {
        if (since > ROLL_NODE_TIMEOUT_MS) {
          const why = pass.kafka.registered.has(b.nodeId) || !isBroker(b) ? "not back in sync" : "not registered";
          return stopRoll(
            pass,
            state,
            `${what(b)} ${b.nodeId} was ${why} ${Math.round(since / 1000)} s after its restart (${underReplicated(pass)} partitions under-replicated)`,
          );
        }
        const waiting = !pass.observed.get(String(b.nodeId))?.running
          ? "starting"
          : isBroker(b) && !pass.kafka.registered.has(b.nodeId)
            ? "waiting for it to register"
            : underReplicated(pass) > 0
              ? `waiting until ${underReplicated(pass)} under-replicated partitions are in sync`
              : "waiting for it to settle";
        // record-nodes wrote the start-up progress of this pass; the roll's is what counts now.
        await saveRoll(pass, state, { done: state.done, total: state.total });
        return rolling(`${label}: ${waiting}`, label);
      }
      await pass.event({
        type: "NORMAL",
        reason: "RollingRestart",
        message: `${label.replace("Restarting", "Restarted")}: back, every partition in sync.`,
      });
      state = { ...state, current: null, done: state.done + 1 };
    }
    await saveRoll(pass, state, { done: state.done, total: state.total });
  }

  const pending = rollOrder(cluster.brokers, desired);
  if (pending.length === 0) {
    if (!state) return;
    await saveRoll(pass, null);
    const message = `Restarted ${state.done} of ${state.total} nodes; every node runs its current configuration.`;
    await pass.event({ type: "NORMAL", reason: "RollingRestartDone", message });
    return {
      status: "UPDATING",
      statusReason: "Rolling restart done",
      conditions: [{ type: ROLL_CONDITION, status: "False", reason: "Done", message }],
      requeueAfterMs: 0,
    };
  }

  const total = state ? Math.max(state.total, state.done + pending.length) : pending.length;
  const done = state?.done ?? 0;
  const next = pending[0]!;
  const label = progressText(next, done + 1, total, upgradingTo(cluster));
  // Scaling, a crash or a slow follower: the roll goes on once the cluster is whole again.
  if (!healthy(pass)) {
    if (!state) return;
    await saveRoll(pass, state, { done, total });
    return rolling(`${label}: waiting for the cluster to be healthy`, label);
  }
  const blocked = partitionsBlockingRestart(next.nodeId, pass.kafka.topics, await minIsrLookup(pass));
  if (blocked.length > 0) {
    return rolling(
      `${label}: waiting, stopping it now would take ${blocked.slice(0, 5).join(", ")} below min.insync.replicas`,
      label,
    );
  }

  const startedAt = new Date();
  await saveRoll(
    pass,
    {
      current: { nodeId: next.nodeId, startedAt: startedAt.toISOString(), restartCount: next.restartCount },
      done,
      total,
      stopped: null,
    },
    { done, total },
  );
  await pass.event({
    type: "NORMAL",
    reason: "RollingRestart",
    message: `${label}: its configuration changed (revision ${next.appliedRevision ?? "none"} → ${desired.get(next.nodeId)}).`,
  });
  try {
    await runtime.stopNode(cluster.id, next.nodeId);
    const res = await runtime.ensureNode(spec, next.nodeId);
    await pass.db.broker.updateMany({
      where: { id: next.id },
      data: {
        appliedRevision: desired.get(next.nodeId)!,
        pid: res.pid,
        startedAt,
        status: "UPDATING",
        statusReason: "Restarting",
      },
    });
  } catch (err) {
    const state2 = asRollState(pass.cluster.roll)!;
    return stopRoll(
      pass,
      state2,
      `${what(next)} ${next.nodeId} did not start again: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return rolling(`${label}: starting`, label);
});
