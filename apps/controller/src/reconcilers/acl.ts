// Acl: makes Kafka hold the binding Postgres describes (creating one that exists is a no-op in
// Kafka, so the step is safe to repeat). A binding removed outside Weir is recreated and the
// change announced; a deleted one is removed from Kafka, then from Postgres.
import { rowToBinding } from "@weir/domain";
import { bindingKey, createAclBindings, deleteAclBindings, type DeclarativeBrokerRuntime } from "@weir/runtime";
import type { Db } from "@weir/db";
import {
  kafkaChildReconciler,
  waitingForOperator,
  type ChildPass,
  type DeclarativeChildPass,
} from "../framework/kafka-child.ts";
import { ReconcileError, type ReconcileOutcome } from "../framework/types.ts";
import { strimziAclsOf } from "./kafka-user.ts";
import { aclSnapshots } from "./kafka-snapshot.ts";

type Row = NonNullable<Awaited<ReturnType<typeof load>>>;

const load = (db: Db, id: string) => db.acl.findUnique({ where: { id }, include: { cluster: true } });

async function reconcileAcl({ db, id, row: a, admin, event }: ChildPass<Row>): Promise<ReconcileOutcome> {
  const cluster = a.cluster;
  const binding = rowToBinding(a);
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
}

// On Kubernetes a binding is part of its user's KafkaUser (Strimzi has no standalone ACLs): the
// user's resource is applied again with every binding naming it.
async function reconcileAclResource({ db, id, row: a, driver }: DeclarativeChildPass<Row>): Promise<ReconcileOutcome> {
  const { cluster } = a;
  const username = a.principal.startsWith("User:") ? a.principal.slice(5) : null;
  const user = username
    ? await db.kafkaUser.findFirst({ where: { clusterId: cluster.id, name: username, status: { not: "DELETING" } } })
    : null;
  if (!user) {
    if (a.status === "DELETING") {
      await db.acl.delete({ where: { id } });
      return { status: "DELETING", statusReason: "Removed" };
    }
    throw new ReconcileError(
      "NoKafkaUser",
      `On Kubernetes, Strimzi keeps ACLs in a KafkaUser: ${a.principal} must be a Kafka user of this cluster.`,
      "user",
    );
  }
  const deleting = a.status === "DELETING";
  await driver.applyUser({
    clusterId: cluster.id,
    kafkaVersion: cluster.kafkaVersion,
    name: user.name,
    password: null,
    acls: await strimziAclsOf(db, cluster.id, user.name, deleting ? id : undefined),
  });
  if (deleting) {
    await db.acl.delete({ where: { id } });
    return { status: "DELETING", statusReason: "Removed from the KafkaUser" };
  }
  const seen = await driver.observeChild(cluster.id, cluster.kafkaVersion, "user", user.name);
  if (!seen.ready) return waitingForOperator(seen.message);
  return {
    status: "READY",
    statusReason: `Strimzi's User Operator enforces it through the KafkaUser ${user.name}.`,
    conditions: [{ type: "Ready", status: "True", reason: "InKafkaUser", message: "Binding in the KafkaUser" }],
  };
}

export const aclReconciler = (deps: { secretKey: string; kubernetes?: DeclarativeBrokerRuntime }) =>
  kafkaChildReconciler(deps, {
    kind: "Acl",
    listIds: async (db) => (await db.acl.findMany({ select: { id: true } })).map((r) => r.id),
    load,
    update: (db, where, data) => db.acl.updateMany({ where, data }),
    act: reconcileAcl,
    actDeclarative: reconcileAclResource,
  });
