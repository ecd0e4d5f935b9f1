// Topic: makes Kafka hold the topic Postgres describes. Each pass: delete if asked; else create
// if missing, add partitions if fewer, then compare the configs set on the topic with the spec.
// A difference on a spec Kafka already matched is drift (someone changed it outside Weir): it
// is recorded on the topic, announced as an event, and corrected.
import type { Db, Prisma } from "@weir/db";
import { adminForCluster, asConditions, kafkaError, type TopicDrift } from "@weir/domain";
import {
  alterTopicConfigs,
  createTopic,
  deleteTopic,
  describeTopics,
  dynamicConfigs,
  increasePartitions,
  kafkaRefusal,
  topicConfigs,
} from "@weir/runtime";
import { ReconcileError, type Reconciler, statusUpdate, statusWhere } from "../framework/types.ts";
import { topicSnapshots } from "./kafka-snapshot.ts";

const SERVING = new Set(["RUNNING", "UPDATING", "DEGRADED"]);

export interface KafkaReconcilerDeps {
  secretKey: string;
}

function asConfigs(json: Prisma.JsonValue): Record<string, string> {
  return json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, string>) : {};
}

function configDiff(desired: Record<string, string>, actual: Record<string, string>) {
  const keys = [...new Set([...Object.keys(desired), ...Object.keys(actual)])].sort();
  return keys
    .filter((k) => desired[k] !== actual[k])
    .map((k) => ({ key: k, desired: desired[k] ?? null, actual: actual[k] ?? null }));
}

/** Kafka's refusal of our spec is the user's to fix; anything else we retry. */
export function asReconcileError(e: unknown, clusterName: string): ReconcileError {
  const refusal = kafkaRefusal(e);
  const err = kafkaError(e, clusterName);
  const userFault = refusal !== null && refusal.class !== "unavailable" && refusal.class !== "forbidden";
  return new ReconcileError(refusal?.id ?? "KafkaUnavailable", err.message, userFault ? "user" : "system", {
    cause: e,
  });
}

export function topicReconciler(deps: KafkaReconcilerDeps): Reconciler {
  async function load(db: Db, id: string) {
    return db.topic.findUnique({ where: { id }, include: { cluster: true } });
  }

  return {
    kind: "Topic",

    async listIds(db) {
      const rows = await db.topic.findMany({ select: { id: true } });
      return rows.map((r) => r.id);
    },

    async readStatus(db, id) {
      const t = await load(db, id);
      if (!t) return null;
      return { ...t, orgId: t.cluster.orgId, conditions: asConditions(t.conditions) };
    },

    async writeStatus(db, id, patch) {
      // updateMany: a topic deleted in this pass has no row left to update.
      await db.topic.updateMany({
        where: statusWhere(id, patch),
        data: statusUpdate(patch),
      });
    },

    async reconcile({ db, id, event }) {
      const t = await load(db, id);
      if (!t) return { status: "DELETING", statusReason: "Deleted" };
      const cluster = t.cluster;
      const admin = SERVING.has(cluster.status) ? adminForCluster(cluster, deps.secretKey) : null;
      if (!admin) {
        return {
          status: t.status === "DELETING" ? "DELETING" : "PROVISIONING",
          statusReason: `Waiting for the cluster "${cluster.name}" to run`,
          requeueAfterMs: 10_000,
        };
      }
      const desired = asConfigs(t.configs);
      try {
        if (t.status === "DELETING") {
          await deleteTopic(admin, t.name).catch((e: unknown) => {
            if (kafkaRefusal(e)?.id !== "UNKNOWN_TOPIC_OR_PARTITION") throw e;
          });
          topicSnapshots.invalidate(cluster.id);
          await db.topic.delete({ where: { id } });
          return { status: "DELETING", statusReason: "Deleted from Kafka" };
        }

        const settled = t.generation === t.observedGeneration && t.status === "READY";
        if (settled) {
          // Steady state: the shared view answers without calls of our own.
          const view = await topicSnapshots.get(cluster.id, admin);
          const count = view.partitions.get(t.name);
          const actual = view.configs.get(t.name);
          if (count !== undefined && count >= t.partitions && actual && configDiff(desired, actual).length === 0) {
            return ready(t.partitions, t.replicationFactor, count);
          }
        }

        if (t.observedGeneration === 0) {
          // Never reconciled: most likely new, so try the create first (one call, no listing).
          const created = await createTopic(admin, {
            name: t.name,
            partitions: t.partitions,
            replicationFactor: t.replicationFactor,
            configs: desired,
          }).then(
            () => true,
            (e: unknown) => {
              if (kafkaRefusal(e)?.id === "TOPIC_ALREADY_EXISTS") return false;
              throw e;
            },
          );
          if (created) {
            topicSnapshots.invalidate(cluster.id);
            await event({
              type: "NORMAL",
              reason: "CreatedTopic",
              message: `Created with ${t.partitions} partitions × ${t.replicationFactor} replicas.`,
            });
            return ready(t.partitions, t.replicationFactor, t.partitions);
          }
        }

        const info = (await describeTopics(admin, [t.name])).get(t.name);
        if (!info) {
          await createTopic(admin, {
            name: t.name,
            partitions: t.partitions,
            replicationFactor: t.replicationFactor,
            configs: desired,
          });
          topicSnapshots.invalidate(cluster.id);
          await event(
            settled
              ? {
                  type: "WARNING",
                  reason: "RecreatedTopic",
                  message: `The topic was deleted outside Weir; recreated it empty with ${t.partitions} partitions.`,
                }
              : {
                  type: "NORMAL",
                  reason: "CreatedTopic",
                  message: `Created with ${t.partitions} partitions × ${t.replicationFactor} replicas.`,
                },
          );
          return ready(t.partitions, t.replicationFactor, t.partitions);
        }

        if (info.partitions.length < t.partitions) {
          await increasePartitions(admin, t.name, t.partitions);
          await event({
            type: "NORMAL",
            reason: "AddedPartitions",
            message: `Partitions ${info.partitions.length} → ${t.partitions}.`,
          });
        }

        const actual = dynamicConfigs((await topicConfigs(admin, [t.name])).get(t.name) ?? []);
        const diff = configDiff(desired, actual);
        if (diff.length > 0) {
          const remove = diff.filter((d) => d.desired === null).map((d) => d.key);
          const set = Object.fromEntries(diff.filter((d) => d.desired !== null).map((d) => [d.key, d.desired!]));
          const described = diff.map((d) => `${d.key}: ${d.actual ?? "(default)"} → ${d.desired ?? "(default)"}`);
          if (settled) {
            const drift: TopicDrift = { detectedAt: new Date().toISOString(), correctedAt: null, changes: diff };
            await db.topic.update({ where: { id }, data: { drift: drift as unknown as Prisma.InputJsonValue } });
            await event({
              type: "WARNING",
              reason: "DriftDetected",
              message: `Configs changed outside Weir: ${diff.map((d) => `${d.key} is ${d.actual ?? "(default)"}, spec says ${d.desired ?? "(default)"}`).join("; ")}.`,
            });
            await alterTopicConfigs(admin, t.name, { set, remove });
            await db.topic.update({
              where: { id },
              data: { drift: { ...drift, correctedAt: new Date().toISOString() } as unknown as Prisma.InputJsonValue },
            });
            await event({ type: "NORMAL", reason: "DriftCorrected", message: `Restored ${described.join(", ")}.` });
          } else {
            await alterTopicConfigs(admin, t.name, { set, remove });
            await event({ type: "NORMAL", reason: "ConfigsApplied", message: described.join(", ") });
          }
        }
        topicSnapshots.invalidate(cluster.id);
        return ready(t.partitions, t.replicationFactor, Math.max(info.partitions.length, t.partitions));
      } catch (e) {
        if (e instanceof ReconcileError) throw e;
        throw asReconcileError(e, cluster.name);
      }
    },
  };
}

function ready(partitions: number, rf: number, actualPartitions: number) {
  const extra =
    actualPartitions > partitions
      ? ` Kafka has ${actualPartitions} partitions (added outside Weir; partitions cannot be removed).`
      : "";
  return {
    status: "READY",
    statusReason: `In sync with Kafka: ${partitions} partitions × ${rf} replicas.${extra}`,
    conditions: [{ type: "Ready", status: "True" as const, reason: "InSync", message: "Kafka matches the spec" }],
  };
}
