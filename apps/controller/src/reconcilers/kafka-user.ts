// KafkaUser: gives Kafka the user's salted SCRAM-SHA-512 credential. The password waits,
// encrypted, only until Kafka has the credential; then it is cleared, so Weir holds no way to
// recover it. A credential removed outside Weir cannot be restored without a new password:
// the user is marked DEGRADED and asked to rotate.
import { adminForCluster, asConditions, decryptSecret } from "@weir/domain";
import { deleteScramUser, describeScramUsers, upsertScramUser } from "@weir/runtime";
import { ReconcileError, type Reconciler, statusUpdate, statusWhere } from "../framework/types.ts";
import { asReconcileError, type KafkaReconcilerDeps } from "./topic.ts";

const SERVING = new Set(["RUNNING", "UPDATING", "DEGRADED"]);

export function kafkaUserReconciler(deps: KafkaReconcilerDeps): Reconciler {
  return {
    kind: "KafkaUser",

    async listIds(db) {
      const rows = await db.kafkaUser.findMany({ select: { id: true } });
      return rows.map((r) => r.id);
    },

    async readStatus(db, id) {
      const u = await db.kafkaUser.findUnique({ where: { id }, include: { cluster: true } });
      if (!u) return null;
      return { ...u, orgId: u.cluster.orgId, conditions: asConditions(u.conditions) };
    },

    async writeStatus(db, id, patch) {
      await db.kafkaUser.updateMany({
        where: statusWhere(id, patch),
        data: statusUpdate(patch),
      });
    },

    async reconcile({ db, id, event }) {
      const u = await db.kafkaUser.findUnique({ where: { id }, include: { cluster: true } });
      if (!u) return { status: "DELETING", statusReason: "Deleted" };
      const cluster = u.cluster;
      const admin = SERVING.has(cluster.status) ? adminForCluster(cluster, deps.secretKey) : null;
      if (!admin) {
        return {
          status: u.status === "DELETING" ? "DELETING" : "PROVISIONING",
          statusReason: `Waiting for the cluster "${cluster.name}" to run`,
          requeueAfterMs: 10_000,
        };
      }
      try {
        if (u.status === "DELETING") {
          await deleteScramUser(admin, u.name);
          await db.kafkaUser.delete({ where: { id } });
          return { status: "DELETING", statusReason: "Credential removed from Kafka" };
        }
        if (u.pendingPasswordEncrypted) {
          const password = decryptSecret(u.pendingPasswordEncrypted, deps.secretKey);
          await upsertScramUser(admin, u.name, password, u.iterations);
          // Clear only the password we applied: a rotation meanwhile keeps its own.
          await db.kafkaUser.updateMany({
            where: { id, pendingPasswordEncrypted: u.pendingPasswordEncrypted },
            data: { pendingPasswordEncrypted: null, passwordSetAt: new Date() },
          });
          await event({
            type: "NORMAL",
            reason: "CredentialSet",
            message: `Kafka holds the SCRAM-SHA-512 credential (${u.iterations} iterations).`,
          });
          return {
            status: "READY",
            statusReason: "Kafka holds the user's SCRAM-SHA-512 credential.",
            conditions: [{ type: "Ready", status: "True", reason: "CredentialSet", message: "Credential in Kafka" }],
          };
        }
        const present = await describeScramUsers(admin, [u.name]);
        if (!present.has(u.name)) {
          if (u.status !== "DEGRADED") {
            await event({
              type: "WARNING",
              reason: "CredentialMissing",
              message: "The SCRAM credential was removed outside Weir; rotate the password to restore it.",
            });
          }
          return {
            status: "DEGRADED",
            statusReason:
              "The credential is missing in Kafka (removed outside Weir); rotate the password to restore it.",
            conditions: [
              { type: "Ready", status: "False", reason: "CredentialMissing", message: "No credential in Kafka" },
            ],
          };
        }
        return {
          status: "READY",
          statusReason: "Kafka holds the user's SCRAM-SHA-512 credential.",
          conditions: [{ type: "Ready", status: "True", reason: "CredentialSet", message: "Credential in Kafka" }],
        };
      } catch (e) {
        if (e instanceof ReconcileError) throw e;
        throw asReconcileError(e, cluster.name);
      }
    },
  };
}
