import type { Db, Prisma } from "@weir/db";
import { actorOf, type Caller, type OrgScope } from "../context.ts";
import { NOTIFY_CHANNEL, notifyPayload, type Kind } from "../status.ts";

type Tx = Prisma.TransactionClient | Db;

export interface AuditEntry {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  resourceName?: string | null;
  details?: Prisma.InputJsonValue;
  orgId?: string | null;
}

/** Weir itself (e.g. metering noticing a budget crossed), named by the part that acted. */
export interface SystemActor {
  system: string;
}

/** Records a change; call it inside the transaction that makes the change. */
export async function recordAudit(tx: Tx, who: Caller | OrgScope | SystemActor, entry: AuditEntry): Promise<void> {
  if ("system" in who) {
    await tx.auditEvent.create({
      data: {
        orgId: entry.orgId ?? null,
        actorType: "SYSTEM",
        actorId: null,
        actorLabel: who.system,
        action: entry.action,
        resourceType: entry.resourceType,
        resourceId: entry.resourceId ?? null,
        resourceName: entry.resourceName ?? null,
        details: entry.details ?? {},
      },
    });
    return;
  }
  await tx.auditEvent.create({
    data: {
      orgId: entry.orgId ?? ("orgId" in who ? who.orgId : null),
      ...actorOf(who.principal),
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId ?? null,
      resourceName: entry.resourceName ?? null,
      details: entry.details ?? {},
      ip: who.meta.ip,
      userAgent: who.meta.userAgent?.slice(0, 512) ?? null,
    },
  });
}

/** Wakes the controller for one resource once the surrounding transaction commits. */
export async function notifyReconcile(tx: Tx, kind: Kind, id: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${NOTIFY_CHANNEL}, ${notifyPayload(kind, id)})`;
}
