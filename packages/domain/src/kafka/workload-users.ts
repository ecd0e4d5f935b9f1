// A workload's own Kafka user (a Connect cluster's workers, a connector, a job) with ACLs limited
// to what it uses, written in the workload's transaction: the controller gives Kafka the
// credential and the ACLs, as it does for users made on the cluster's own page.
import type { Prisma } from "@weir/db";
import { notifyReconcile } from "../audit/record.ts";

type Tx = Prisma.TransactionClient;

export type AclBindingRow = Pick<
  Prisma.AclUncheckedCreateInput,
  "principal" | "host" | "resourceType" | "resourceName" | "patternType" | "operation" | "permission"
>;

export interface WorkloadUser {
  userId: string;
  aclIds: string[];
}

/** Writes the user, its password pending until the controller sets it, and its ACLs. */
export async function createWorkloadUser(
  tx: Tx,
  kafkaClusterId: string,
  username: string,
  passwordEncrypted: string,
  acls: Iterable<AclBindingRow>,
): Promise<WorkloadUser> {
  const user = await tx.kafkaUser.create({
    data: {
      clusterId: kafkaClusterId,
      name: username,
      pendingPasswordEncrypted: passwordEncrypted,
      statusReason: "Waiting for the controller to give Kafka the credential",
    },
  });
  const aclIds: string[] = [];
  for (const b of acls) {
    const a = await tx.acl.create({
      data: { clusterId: kafkaClusterId, ...b, statusReason: "Waiting for the controller" },
    });
    aclIds.push(a.id);
  }
  return { userId: user.id, aclIds };
}

/** Wakes the controller for the user and each of its ACLs. */
export async function notifyWorkloadUser(tx: Tx, w: WorkloadUser): Promise<void> {
  await notifyReconcile(tx, "KafkaUser", w.userId);
  for (const id of w.aclIds) await notifyReconcile(tx, "Acl", id);
}
