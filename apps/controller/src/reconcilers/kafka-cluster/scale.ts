// Scaling a running cluster: scale-out spreads partitions onto the new brokers once per
// generation; scale-in moves partitions (internal topics too) off the leaving brokers, then
// stops, unregisters and removes them. Each call takes the next step and says so, or returns
// nothing when there is nothing to do.
import { asConditions } from "@weir/domain";
import { balancedAssignment, isBroker, zoneOf, type KafkaAdmin } from "@weir/runtime";
import { closeRunIntervals } from "../../framework/instances.ts";
import { releasePorts } from "../../framework/ports.ts";
import type { ReconcileOutcome } from "../../framework/types.ts";
import { plural } from "./status.ts";
import type { ClusterPass } from "./types.ts";

export async function scaleStep(pass: ClusterPass, admin: KafkaAdmin): Promise<ReconcileOutcome | void> {
  const inFlight = await admin.reassignmentsInProgress();
  if (inFlight > 0) {
    return {
      status: "UPDATING",
      statusReason: `Moving partitions: ${plural(inFlight, "partition")} still copying`,
      requeueAfterMs: 1000,
    };
  }
  return pass.leaving.size > 0 ? scaleIn(pass, admin) : spreadAfterScaleOut(pass, admin);
}

/** Each broker's zone, so moved replicas land in distinct zones. */
const zones = (pass: ClusterPass) => (broker: number) => zoneOf(broker, pass.cluster.zoneCount);

const keptBrokers = (pass: ClusterPass) =>
  pass.cluster.brokers.filter((b) => isBroker(b) && !pass.leaving.has(b.nodeId)).map((b) => b.nodeId);

async function scaleIn(pass: ClusterPass, admin: KafkaAdmin): Promise<ReconcileOutcome> {
  const { leaving, event, db } = pass;
  const keep = keptBrokers(pass);
  const onLeaving = pass.kafka.topics.filter((t) => t.partitions.some((p) => p.replicas.some((r) => leaving.has(r))));
  if (onLeaving.length > 0) {
    let moves;
    try {
      moves = balancedAssignment(onLeaving, keep, zones(pass));
    } catch (err) {
      const message = `Cannot scale in to ${plural(keep.length, "broker")}: ${err instanceof Error ? err.message : String(err)}. Lower that topic's replication factor or keep more brokers.`;
      return {
        status: "RUNNING",
        statusReason: message,
        conditions: [{ type: "Scaled", status: "False", reason: "ScaleInRefused", message }],
        requeueAfterMs: 10_000,
      };
    }
    await admin.reassign(moves);
    await event({
      type: "NORMAL",
      reason: "PartitionsMoving",
      message: `Moving ${plural(moves.length, "partition")} off ${[...leaving].map((n) => `broker ${n}`).join(", ")}.`,
    });
    return {
      status: "UPDATING",
      statusReason: `Moving ${plural(moves.length, "partition")} off the leaving brokers`,
      requeueAfterMs: 1000,
    };
  }
  for (const b of pass.cluster.brokers.filter((x) => leaving.has(x.nodeId))) {
    await closeRunIntervals(db, [b.id]);
    await pass.runtime.removeNode(pass.cluster.id, b.nodeId);
    // KRaft keeps a stopped broker as a fenced id until it is unregistered.
    await admin.unregisterBroker(b.nodeId).catch((err: unknown) =>
      event({
        type: "WARNING",
        reason: "UnregisterFailed",
        message: `Broker ${b.nodeId} stays fenced in the cluster metadata: ${String(err)}`,
      }),
    );
    await db.broker.deleteMany({ where: { id: b.id } });
    await releasePorts(db, [b.id]);
    await event({
      type: "NORMAL",
      reason: "BrokerRemoved",
      message: `Broker ${b.nodeId} held no partitions any more; stopped and removed it.`,
    });
  }
  return { status: "UPDATING", statusReason: "Brokers removed", requeueAfterMs: 500 };
}

async function spreadAfterScaleOut(pass: ClusterPass, admin: KafkaAdmin): Promise<ReconcileOutcome | void> {
  const { cluster } = pass;
  const balanced = asConditions(cluster.conditions).find((c) => c.type === "Balanced");
  // A new cluster has nothing to spread; its RUNNING outcome records Balanced.
  if (cluster.generation === 1 || balanced?.observedGeneration === cluster.generation) return;
  const keep = keptBrokers(pass);
  const topics = pass.kafka.topics.filter((t) => !t.internal);
  // A new generation that added no broker (a storage or protection change) moves nothing: only a
  // broker that holds no replica yet calls for spreading.
  const holding = new Set(topics.flatMap((t) => t.partitions.flatMap((p) => p.replicas)));
  if (topics.length === 0 || keep.every((b) => holding.has(b))) return;
  const moves = balancedAssignment(topics, keep, zones(pass));
  if (moves.length > 0) {
    await admin.reassign(moves);
    await pass.event({
      type: "NORMAL",
      reason: "PartitionsMoving",
      message: `Spreading ${plural(moves.length, "partition")} over ${plural(keep.length, "broker")}.`,
    });
  }
  return {
    status: "UPDATING",
    statusReason: "Spreading partitions over the brokers",
    conditions: [
      {
        type: "Balanced",
        status: "True",
        reason: "Balanced",
        message: `Partitions spread over ${plural(keep.length, "broker")}`,
      },
    ],
    requeueAfterMs: 500,
  };
}
