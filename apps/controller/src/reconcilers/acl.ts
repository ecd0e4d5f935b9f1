// Acl: makes Kafka hold the binding Postgres describes (creating one that exists is a no-op in
// Kafka, so the step is safe to repeat). A binding removed outside Weir is recreated and the
// change announced; a deleted one is removed from Kafka, then from Postgres.
import { rowToBinding } from "@weir/domain";
import { bindingKey, createAclBindings, deleteAclBindings } from "@weir/runtime";
import type { Db } from "@weir/db";
import { kafkaChildReconciler, type ChildPass } from "../framework/kafka-child.ts";
import type { ReconcileOutcome } from "../framework/types.ts";
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

export const aclReconciler = (deps: { secretKey: string }) =>
  kafkaChildReconciler(deps, {
    kind: "Acl",
    listIds: async (db) => (await db.acl.findMany({ select: { id: true } })).map((r) => r.id),
    load,
    update: (db, where, data) => db.acl.updateMany({ where, data }),
    act: reconcileAcl,
  });
