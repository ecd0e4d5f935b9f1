import type { Db, Prisma } from "@weir/db";
import { z } from "zod";
import type { OrgScope } from "../context.ts";

export const listAuditInput = z.strictObject({
  actor: z.string().max(254).optional().describe("Actor id or label (an email, or key:NAME)"),
  action: z.string().max(64).optional().describe("Exact action, or a prefix ending in '.', e.g. 'api_key.'"),
  resourceType: z.string().max(64).optional(),
  resourceId: z.string().max(64).optional(),
  cursor: z
    .string()
    .regex(/^\d{1,19}$/, "Must be the nextCursor of a previous page")
    .refine((c) => BigInt(c) <= 9_223_372_036_854_775_807n, "Must be the nextCursor of a previous page")
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function auditService(db: Db) {
  return {
    /** Newest first, keyset-paged on the event id so deep pages stay fast. */
    async list(scope: OrgScope, input: z.infer<typeof listAuditInput>) {
      const where: Prisma.AuditEventWhereInput = { orgId: scope.orgId };
      if (input.actor) where.OR = [{ actorId: input.actor }, { actorLabel: input.actor }];
      if (input.action) {
        where.action = input.action.endsWith(".") ? { startsWith: input.action } : input.action;
      }
      if (input.resourceType) where.resourceType = input.resourceType;
      if (input.resourceId) where.resourceId = input.resourceId;
      if (input.cursor) where.id = { lt: BigInt(input.cursor) };
      const rows = await db.auditEvent.findMany({ where, orderBy: { id: "desc" }, take: input.limit + 1 });
      const page = rows.slice(0, input.limit);
      return {
        items: page.map((e) => ({
          id: e.id.toString(),
          actorType: e.actorType,
          actorId: e.actorId,
          actorLabel: e.actorLabel,
          action: e.action,
          resourceType: e.resourceType,
          resourceId: e.resourceId,
          resourceName: e.resourceName,
          details: e.details as Record<string, unknown>,
          ip: e.ip,
          userAgent: e.userAgent,
          createdAt: e.createdAt,
        })),
        nextCursor: rows.length > input.limit ? page.at(-1)!.id.toString() : null,
      };
    },
  };
}
