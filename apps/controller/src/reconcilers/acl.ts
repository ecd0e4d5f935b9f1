// Acl: makes Kafka hold the binding Postgres describes (creating one that exists is a no-op in
// Kafka, so the step is safe to repeat). A binding removed outside Weir is recreated and the
// change announced; a deleted one is removed from Kafka, then from Postgres.
import { adminForCluster, asConditions, rowToBinding } from "@weir/domain";
import { bindingKey, createAclBindings, deleteAclBindings } from "@weir/runtime";
import { ReconcileError, type Reconciler, statusUpdate, statusWhere } from "../framework/types.ts";
import { aclSnapshots } from "./kafka-snapshot.ts";
import { asReconcileError, type KafkaReconcilerDeps } from "./topic.ts";

const SERVING = new Set(["RUNNING", "UPDATING", "DEGRADED"]);

export function aclReconciler(deps: KafkaReconcilerDeps): Reconciler {
  return {
    kind: "Acl",

    async listIds(db) {
      const rows = await db.acl.findMany({ select: { id: true } });
      return rows.map((r) => r.id);
    },

    async readStatus(db, id) {
      const a = await db.acl.findUnique({ where: { id }, include: { cluster: true } });
      if (!a) return null;
      return { ...a, orgId: a.cluster.orgId, conditions: asConditions(a.conditions) };
    },

    async writeStatus(db, id, patch) {
      await db.acl.updateMany({
        where: statusWhere(id, patch),
        data: statusUpdate(patch),
      });
    },

    async reconcile({ db, id, event }) {
      const a = await db.acl.findUnique({ where: { id }, include: { cluster: true } });
      if (!a) return { status: "DELETING", statusReason: "Deleted" };
      const cluster = a.cluster;
      const admin = SERVING.has(cluster.status) ? adminForCluster(cluster, deps.secretKey) : null;
      if (!admin) {
        return {
          status: a.status === "DELETING" ? "DELETING" : "PROVISIONING",
          statusReason: `Waiting for the cluster "${cluster.name}" to run`,
          requeueAfterMs: 10_000,
        };
      }
      const binding = rowToBinding(a);
      try {
        if (a.status === "DELETING") {
          await deleteAclBindings(admin, [binding]);
          aclSnapshots.invalidate(cluster.id);
          await db.acl.delete({ where: { id } });
          return { status: "DELETING", statusReason: "Removed from Kafka" };
        }
        const settled = a.generation === a.observedGeneration && a.status === "READY";
        const present = (await aclSnapshots.get(cluster.id, admin)).some((b) => bindingKey(b) === bindingKey(binding));
        if (!present || !settled) {
          await createAclBindings(admin, [binding]);
          aclSnapshots.invalidate(cluster.id);
          if (settled) {
            await event({
              type: "WARNING",
              reason: "DriftCorrected",
              message: "The binding was removed outside Weir; recreated it.",
            });
          } else if (!present) {
            await event({ type: "NORMAL", reason: "Created", message: "Kafka holds the binding." });
          }
        }
        return {
          status: "READY",
          statusReason: `Kafka enforces it: ${binding.permission} ${binding.principal} ${binding.operation} on ${binding.resourceType.toLowerCase()} ${binding.patternType === "PREFIXED" ? "prefix " : ""}${binding.resourceName}.`,
          conditions: [{ type: "Ready", status: "True", reason: "InKafka", message: "Binding present in Kafka" }],
        };
      } catch (e) {
        if (e instanceof ReconcileError) throw e;
        throw asReconcileError(e, cluster.name);
      }
    },
  };
}
