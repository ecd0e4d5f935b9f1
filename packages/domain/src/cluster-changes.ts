// The changes every kind of cluster takes the same way: a change checked against the generation
// the caller saw and the status, a delete confirmed by the typed name, a worker count scaled,
// and the DELETING mark. Each is one transaction with its audit event and the controller's
// wake-up; a kind only says how it is named and how its row is written.
import type { Db, Prisma } from "@weir/db";
import { notifyReconcile, recordAudit } from "./audit/record.ts";
import type { OrgScope } from "./context.ts";
import { AppError, conflict, invalid } from "./errors.ts";
import { acceptsChanges, type Kind } from "./status.ts";

type Tx = Prisma.TransactionClient;

/** What the shared steps read of a cluster's row. */
export interface ClusterRow {
  id: string;
  name: string;
  status: string;
  generation: number;
}

/** The fields the shared steps write; every cluster model has them. */
export interface ClusterWrite {
  generation: { increment: 1 };
  status?: "UPDATING" | "DELETING";
  statusReason: string;
  workerCount?: number;
}

export interface ClusterKind<R extends ClusterRow> {
  /** The reconciler's kind: whose status rules apply and whom a change wakes. */
  kind: Kind;
  /** How a sentence names one: "compute cluster", "Connect cluster". */
  label: string;
  /** The audit resource type, and the prefix of its actions: "compute_cluster". */
  auditType: string;
  /** Why a cluster in a status that takes no change refuses one. */
  refusal(status: string): string;
  /** Writes the row in the transaction and reads it back as the kind's view needs it. */
  write(tx: Tx, id: string, data: ClusterWrite): Promise<R>;
}

/** The project a new cluster goes into: the one named (in this organisation), else the default one. */
export async function projectForNewCluster(db: Db, scope: OrgScope, projectId: string | undefined) {
  const project = projectId
    ? await db.project.findFirst({ where: { id: projectId, orgId: scope.orgId } })
    : await db.project.findFirst({ where: { orgId: scope.orgId, isDefault: true } });
  if (!project) {
    if (projectId) throw invalid("projectId", "No such project in this organisation");
    throw new AppError("CONFLICT", "The organisation is still being set up; try again in a moment.");
  }
  return project;
}

/** A worker count within the project's limit. */
export function checkWorkerLimit(project: { maxWorkersPerCluster: number }, workerCount: number) {
  if (workerCount > project.maxWorkersPerCluster) {
    throw invalid("workerCount", `Must be at most ${project.maxWorkersPerCluster} (the project's limit)`);
  }
}

/** A change made on a stale generation, or to a cluster whose status takes none, is a conflict. */
export function checkChangeable(k: ClusterKind<ClusterRow>, c: ClusterRow, generation: number | undefined) {
  if (generation !== undefined && generation !== c.generation) {
    throw conflict(`The ${k.label} changed since you loaded it; reload and try again.`, "generation");
  }
  if (!acceptsChanges(k.kind, c.status)) throw conflict(k.refusal(c.status));
}

/** The console asks for the cluster's name before a delete; a name given must be the cluster's. */
export function confirmTypedName(k: ClusterKind<ClusterRow>, c: ClusterRow, confirmName: string | undefined) {
  if (confirmName !== undefined && confirmName !== c.name) {
    throw invalid("confirmName", `Type the ${k.label}'s name, "${c.name}", to confirm`);
  }
}

/**
 * Writes the change, its audit event (action `<auditType>.<action>`) and the controller's wake-up
 * in one transaction; `beforeAudit` writes what else belongs to the change in that transaction.
 */
export function changeCluster<R extends ClusterRow>(
  db: Db,
  scope: OrgScope,
  k: ClusterKind<R>,
  c: ClusterRow,
  action: string,
  data: ClusterWrite,
  details?: Prisma.InputJsonValue,
  beforeAudit?: (tx: Tx) => Promise<void>,
): Promise<R> {
  return db.$transaction(async (tx) => {
    const u = await k.write(tx, c.id, data);
    await beforeAudit?.(tx);
    await recordAudit(tx, scope, {
      action: `${k.auditType}.${action}`,
      resourceType: k.auditType,
      resourceId: c.id,
      resourceName: c.name,
      ...(details === undefined ? {} : { details }),
    });
    await notifyReconcile(tx, k.kind, c.id);
    return u;
  });
}

/**
 * Scales a worker cluster within the project's limit; the controller starts workers or retires the
 * highest ones. A FAILED cluster keeps its status (the controller says when it recovers).
 */
export async function scaleWorkers<R extends ClusterRow & { workerCount: number }>(
  db: Db,
  scope: OrgScope,
  k: ClusterKind<R>,
  c: R & { projectId: string },
  input: { workerCount: number; generation?: number | undefined },
): Promise<R> {
  checkChangeable(k, c, input.generation);
  checkWorkerLimit(await db.project.findFirstOrThrow({ where: { id: c.projectId } }), input.workerCount);
  if (input.workerCount === c.workerCount) return c;
  return changeCluster(
    db,
    scope,
    k,
    c,
    "update",
    {
      workerCount: input.workerCount,
      generation: { increment: 1 },
      ...(c.status === "FAILED" ? {} : { status: "UPDATING" as const }),
      statusReason: `Scaling from ${c.workerCount} to ${input.workerCount} workers`,
    },
    { workerCount: { from: c.workerCount, to: input.workerCount } },
  );
}

/**
 * Marks a cluster DELETING; `cascade` marks what it holds in the same transaction, so the
 * controller removes those first.
 */
export function markDeleting<R extends ClusterRow>(
  db: Db,
  scope: OrgScope,
  k: ClusterKind<R>,
  c: ClusterRow,
  statusReason: string,
  cascade?: (tx: Tx) => Promise<void>,
): Promise<R> {
  return changeCluster(
    db,
    scope,
    k,
    c,
    "delete",
    { status: "DELETING", statusReason, generation: { increment: 1 } },
    undefined,
    cascade,
  );
}
