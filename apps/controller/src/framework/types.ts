import type { Db, Prisma, ResourceStatus } from "@weir/db";
import { asConditions, type Condition } from "@weir/domain";

export type Fault = "user" | "system";

/** A failure whose cause is known: the user's (bad spec, fix it and retry) or ours. */
export class ReconcileError extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly fault: Fault = "system",
    opts: { cause?: unknown } = {},
  ) {
    super(message, opts);
  }
}

/** The status fields every reconciled resource carries. */
export interface StatusRecord {
  orgId: string | null;
  generation: number;
  observedGeneration: number;
  status: string;
  statusReason: string;
  conditions: Condition[];
}

export interface StatusPatch {
  status?: string;
  statusReason?: string;
  conditions?: Condition[];
  observedGeneration?: number;
}

export interface EventInput {
  type: "NORMAL" | "WARNING";
  reason: string;
  message: string;
}

export interface ReconcileContext {
  db: Db;
  id: string;
  /** The resource's status as read just before this reconcile. */
  current: StatusRecord;
  event(e: EventInput): Promise<void>;
  signal: AbortSignal;
}

export interface ReconcileOutcome {
  status: string;
  statusReason: string;
  /** Conditions to set; the framework merges them and stamps observedGeneration. */
  conditions?: Omit<Condition, "lastTransitionTime" | "observedGeneration">[];
  /** Ask to be reconciled again after this long (e.g. while waiting for a process). */
  requeueAfterMs?: number;
}

/** One per kind. Every method may be called any number of times; each step must be idempotent. */
export interface Reconciler {
  kind: string;
  /**
   * Reconciles of this kind that may run at once in slots of their own, apart from the shared
   * limit: for cheap kinds whose calls to the same cluster are coalesced into one Admin request
   * (topics), so more of them in flight means fewer, larger requests. Absent: the shared limit.
   */
  concurrency?: number;
  /** Ids of every resource of this kind, for the periodic full resync. */
  listIds(db: Db): Promise<string[]>;
  readStatus(db: Db, id: string): Promise<StatusRecord | null>;
  writeStatus(db: Db, id: string, patch: StatusPatch): Promise<void>;
  reconcile(ctx: ReconcileContext): Promise<ReconcileOutcome>;
}

/** The Prisma `data` for writing a status patch (the same for every kind). */
export function statusUpdate(patch: StatusPatch): {
  status?: ResourceStatus;
  statusReason?: string;
  conditions?: Prisma.InputJsonValue;
  observedGeneration?: number;
} {
  return {
    ...patch,
    status: patch.status as ResourceStatus | undefined,
    conditions: patch.conditions as unknown as Prisma.InputJsonValue | undefined,
  };
}

/**
 * Where a status write applies: the row, still at the generation this pass read. A spec change
 * made meanwhile (a delete, a scale) bumps the generation and wins; its NOTIFY makes the
 * controller run the resource again, so nothing is lost by skipping the stale write.
 */
export function statusWhere(id: string, patch: StatusPatch): { id: string; generation?: number } {
  return patch.observedGeneration === undefined ? { id } : { id, generation: patch.observedGeneration };
}

/** What a kind's table must offer for its status to be read and written generically. */
interface StatusTable {
  findMany(args: { select: { id: true } }): Promise<{ id: string }[]>;
  findUnique(args: {
    where: { id: string };
  }): Promise<(Omit<StatusRecord, "conditions" | "status"> & { status: string; conditions: unknown }) | null>;
  updateMany(args: {
    where: { id: string; generation?: number };
    data: ReturnType<typeof statusUpdate>;
  }): Promise<unknown>;
}

/** listIds, readStatus and writeStatus for a kind whose rows carry the status fields and orgId. */
export function statusStore(
  table: (db: Db) => StatusTable,
): Pick<Reconciler, "listIds" | "readStatus" | "writeStatus"> {
  return {
    async listIds(db) {
      return (await table(db).findMany({ select: { id: true } })).map((r) => r.id);
    },
    async readStatus(db, id) {
      const row = await table(db).findUnique({ where: { id } });
      return row && { ...row, conditions: asConditions(row.conditions) };
    },
    async writeStatus(db, id, patch) {
      await table(db).updateMany({ where: statusWhere(id, patch), data: statusUpdate(patch) });
    },
  };
}
