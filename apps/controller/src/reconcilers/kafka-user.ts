// KafkaUser: gives Kafka the user's salted SCRAM-SHA-512 credential. The password waits,
// encrypted, only until Kafka has the credential; then it is cleared, so Weir holds no way to
// recover it. A credential removed outside Weir cannot be restored without a new password:
// the user is marked DEGRADED and asked to rotate.
import { decryptSecret } from "@weir/domain";
import { deleteScramUser, describeScramUsers, upsertScramUser } from "@weir/runtime";
import type { Db } from "@weir/db";
import { kafkaChildReconciler, type ChildPass } from "../framework/kafka-child.ts";
import type { ReconcileOutcome } from "../framework/types.ts";

type Row = NonNullable<Awaited<ReturnType<typeof load>>>;

const load = (db: Db, id: string) => db.kafkaUser.findUnique({ where: { id }, include: { cluster: true } });

async function reconcileUser({ db, id, row: u, admin, event, secretKey }: ChildPass<Row>): Promise<ReconcileOutcome> {
  if (u.status === "DELETING") {
    await deleteScramUser(admin, u.name);
    await db.kafkaUser.delete({ where: { id } });
    return { status: "DELETING", statusReason: "Credential removed from Kafka" };
  }
  if (u.pendingPasswordEncrypted) {
    const password = decryptSecret(u.pendingPasswordEncrypted, secretKey);
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
      statusReason: "The credential is missing in Kafka (removed outside Weir); rotate the password to restore it.",
      conditions: [{ type: "Ready", status: "False", reason: "CredentialMissing", message: "No credential in Kafka" }],
    };
  }
  return {
    status: "READY",
    statusReason: "Kafka holds the user's SCRAM-SHA-512 credential.",
    conditions: [{ type: "Ready", status: "True", reason: "CredentialSet", message: "Credential in Kafka" }],
  };
}

export const kafkaUserReconciler = (deps: { secretKey: string }) =>
  kafkaChildReconciler(deps, {
    kind: "KafkaUser",
    listIds: async (db) => (await db.kafkaUser.findMany({ select: { id: true } })).map((r) => r.id),
    load,
    update: (db, where, data) => db.kafkaUser.updateMany({ where, data }),
    act: reconcileUser,
  });
