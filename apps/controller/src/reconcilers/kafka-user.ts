// KafkaUser: gives Kafka the user's salted SCRAM-SHA-512 credential. The password waits,
// encrypted, only until Kafka has the credential; then it is cleared, so Weir holds no way to
// recover it. A credential removed outside Weir cannot be restored without a new password:
// the user is marked DEGRADED and asked to rotate.
import { decryptSecret } from "@weir/domain";
import { deleteScramUser, describeScramUsers, upsertScramUser, type DeclarativeBrokerRuntime } from "@weir/runtime";
import type { StrimziAcl } from "@weir/runtime/k8s";
import type { Db } from "@weir/db";
import {
  kafkaChildReconciler,
  waitingForOperator,
  type ChildPass,
  type DeclarativeChildPass,
} from "../framework/kafka-child.ts";
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

/** On Strimzi a user's ACLs live in its KafkaUser: every binding of the cluster naming it. */
export async function strimziAclsOf(
  db: Db,
  clusterId: string,
  username: string,
  without?: string,
): Promise<StrimziAcl[]> {
  const rows = await db.acl.findMany({
    where: {
      clusterId,
      principal: `User:${username}`,
      status: { not: "DELETING" },
      ...(without ? { id: { not: without } } : {}),
    },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((a) => ({
    resourceType: a.resourceType,
    resourceName: a.resourceName,
    patternType: a.patternType,
    operation: a.operation,
    permission: a.permission,
    host: a.host,
  }));
}

// On Kubernetes the user is a KafkaUser whose password Weir writes to a Secret; Strimzi's User
// Operator gives Kafka the SCRAM credential and the ACLs.
async function reconcileUserResource({ db, id, row: u, driver, event, secretKey }: DeclarativeChildPass<Row>) {
  const { cluster } = u;
  if (u.status === "DELETING") {
    await driver.deleteUser(cluster.id, cluster.kafkaVersion, u.name);
    await db.kafkaUser.delete({ where: { id } });
    return { status: "DELETING", statusReason: "KafkaUser deleted" };
  }
  const password = u.pendingPasswordEncrypted ? decryptSecret(u.pendingPasswordEncrypted, secretKey) : null;
  await driver.applyUser({
    clusterId: cluster.id,
    kafkaVersion: cluster.kafkaVersion,
    name: u.name,
    password,
    acls: await strimziAclsOf(db, cluster.id, u.name),
  });
  if (u.pendingPasswordEncrypted) {
    await db.kafkaUser.updateMany({
      where: { id, pendingPasswordEncrypted: u.pendingPasswordEncrypted },
      data: { pendingPasswordEncrypted: null, passwordSetAt: new Date() },
    });
    await event({
      type: "NORMAL",
      reason: "CredentialSet",
      message: "The KafkaUser's password Secret holds the credential.",
    });
  }
  const seen = await driver.observeChild(cluster.id, cluster.kafkaVersion, "user", u.name);
  if (!seen.ready) return waitingForOperator(seen.message);
  return {
    status: "READY",
    statusReason: "Strimzi's User Operator gave Kafka the user's SCRAM-SHA-512 credential.",
    conditions: [{ type: "Ready", status: "True" as const, reason: "CredentialSet", message: "KafkaUser ready" }],
  };
}

export const kafkaUserReconciler = (deps: { secretKey: string; kubernetes?: DeclarativeBrokerRuntime }) =>
  kafkaChildReconciler(deps, {
    kind: "KafkaUser",
    listIds: async (db) => (await db.kafkaUser.findMany({ select: { id: true } })).map((r) => r.id),
    load,
    update: (db, where, data) => db.kafkaUser.updateMany({ where, data }),
    act: reconcileUser,
    actDeclarative: reconcileUserResource,
  });
