import { queryRows, type ActorType, type Db } from "@weir/db";
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

interface AuditRow {
  id: string;
  actorType: ActorType;
  actorId: string | null;
  actorLabel: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  resourceName: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
}

export function auditService(db: Db) {
  return {
    /**
     * Newest first, keyset-paged on the event id so deep pages stay fast. One statement through
     * pg (queryRows): the log is read by scripts polling it, and Prisma's work per call cost more
     * than the query (bench/api).
     */
    async list(scope: OrgScope, input: z.infer<typeof listAuditInput>) {
      const params: unknown[] = [scope.orgId];
      const where = ["org_id = $1::uuid"];
      const param = (v: unknown) => `$${params.push(v)}`;
      if (input.actor) {
        const p = param(input.actor);
        where.push(`(actor_id = ${p} OR actor_label = ${p})`);
      }
      if (input.action) {
        where.push(
          input.action.endsWith(".")
            ? `action LIKE ${param(input.action.replace(/[\\%_]/g, "\\$&") + "%")}`
            : `action = ${param(input.action)}`,
        );
      }
      if (input.resourceType) where.push(`resource_type = ${param(input.resourceType)}`);
      if (input.resourceId) where.push(`resource_id = ${param(input.resourceId)}`);
      if (input.cursor) where.push(`id < ${param(input.cursor)}::bigint`);
      const rows = await queryRows<AuditRow>(
        db,
        `SELECT id::text, actor_type AS "actorType", actor_id AS "actorId", actor_label AS "actorLabel", action,
                resource_type AS "resourceType", resource_id AS "resourceId", resource_name AS "resourceName",
                details, ip, user_agent AS "userAgent", created_at AS "createdAt"
         FROM audit_events WHERE ${where.join(" AND ")} -- ordered by the bigint, not the text alias
         ORDER BY audit_events.id DESC LIMIT ${param(input.limit + 1)}`,
        params,
      );
      const page = rows.slice(0, input.limit);
      return { items: page, nextCursor: rows.length > input.limit ? page.at(-1)!.id : null };
    },
  };
}
