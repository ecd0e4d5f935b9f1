import { randomBytes } from "node:crypto";
import type { Db, ResourceStatus, Role } from "@weir/db";
import { z } from "zod";
import { notifyReconcile, recordAudit } from "../audit/record.ts";
import type { Caller, OrgScope } from "../context.ts";
import { forgetAuth } from "../accounts/auth-cache.ts";
import { AppError, conflict, isUniqueViolation, notFound } from "../errors.ts";
import { displayName, email, slugify } from "../names.ts";
import { requireRole, ROLES } from "../roles.ts";

export const roleSchema = z.enum(ROLES);
export const createOrgInput = z.strictObject({ name: displayName });
export const addMemberInput = z.strictObject({ email, role: roleSchema });
export const updateMemberInput = z.strictObject({ userId: z.uuid(), role: roleSchema });
export const removeMemberInput = z.strictObject({ userId: z.uuid() });

function orgView(o: {
  id: string;
  name: string;
  slug: string;
  status: ResourceStatus;
  statusReason: string;
  generation: number;
  observedGeneration: number;
  createdAt: Date;
}) {
  return {
    id: o.id,
    name: o.name,
    slug: o.slug,
    status: o.status,
    statusReason: o.statusReason,
    generation: o.generation,
    observedGeneration: o.observedGeneration,
    createdAt: o.createdAt,
  };
}

export function orgsService(db: Db) {
  return {
    async list(caller: Caller) {
      const p = caller.principal;
      if (p.kind === "apiKey") {
        const org = await db.organization.findUniqueOrThrow({ where: { id: p.orgId } });
        return [{ ...orgView(org), role: p.role }];
      }
      const ms = await db.membership.findMany({
        where: { userId: p.userId },
        include: { organization: true },
        orderBy: { createdAt: "asc" },
      });
      return ms.map((m) => ({ ...orgView(m.organization), role: m.role }));
    },

    async create(caller: Caller, input: z.infer<typeof createOrgInput>) {
      const p = caller.principal;
      if (p.kind !== "user") {
        throw new AppError("FORBIDDEN", "API keys belong to one organisation and cannot create another.");
      }
      const org = await db.$transaction(async (tx) => {
        const org = await tx.organization.create({
          data: { name: input.name, slug: `${slugify(input.name)}-${randomBytes(3).toString("hex")}` },
        });
        await tx.membership.create({ data: { orgId: org.id, userId: p.userId, role: "OWNER" } });
        await recordAudit(tx, caller, {
          orgId: org.id,
          action: "organization.create",
          resourceType: "organization",
          resourceId: org.id,
          resourceName: org.name,
        });
        await notifyReconcile(tx, "Organization", org.id);
        return org;
      });
      return { ...orgView(org), role: "OWNER" as Role };
    },

    async current(scope: OrgScope) {
      const org = await db.organization.findUnique({ where: { id: scope.orgId } });
      if (!org) throw notFound("Organisation");
      const events = await db.resourceEvent.findMany({
        where: { kind: "Organization", resourceId: org.id },
        orderBy: { id: "desc" },
        take: 20,
      });
      return {
        ...orgView(org),
        role: scope.role,
        conditions: org.conditions as unknown[],
        events: events.map((e) => ({
          id: e.id.toString(),
          type: e.type,
          reason: e.reason,
          message: e.message,
          createdAt: e.createdAt,
        })),
      };
    },

    async listProjects(scope: OrgScope) {
      return db.project.findMany({ where: { orgId: scope.orgId }, orderBy: { createdAt: "asc" } });
    },

    async listMembers(scope: OrgScope) {
      const ms = await db.membership.findMany({
        where: { orgId: scope.orgId },
        include: { user: true },
        orderBy: { createdAt: "asc" },
      });
      return ms.map((m) => ({
        userId: m.userId,
        email: m.user.email,
        name: m.user.name,
        role: m.role,
        joinedAt: m.createdAt,
      }));
    },

    async addMember(scope: OrgScope, input: z.infer<typeof addMemberInput>) {
      requireRole(scope.role, "ADMIN", "add members");
      if (input.role === "OWNER") requireRole(scope.role, "OWNER", "make someone an owner");
      const user = await db.user.findUnique({ where: { email: input.email } });
      if (!user) {
        throw new AppError("NOT_FOUND", "No Weir account uses this email; ask them to sign up first.", {
          fields: { email: "No Weir account uses this email" },
        });
      }
      const existing = await db.membership.findUnique({
        where: { orgId_userId: { orgId: scope.orgId, userId: user.id } },
      });
      if (existing) throw conflict("This person is already a member.", "email");
      const m = await db
        .$transaction(async (tx) => {
          const m = await tx.membership.create({ data: { orgId: scope.orgId, userId: user.id, role: input.role } });
          await recordAudit(tx, scope, {
            action: "member.add",
            resourceType: "member",
            resourceId: user.id,
            resourceName: user.email,
            details: { role: input.role },
          });
          return m;
        })
        .catch((e: unknown) => {
          // Added by a concurrent request between the check above and this insert.
          if (isUniqueViolation(e)) throw conflict("This person is already a member.", "email");
          throw e;
        });
      return { userId: user.id, email: user.email, name: user.name, role: m.role, joinedAt: m.createdAt };
    },

    async updateMemberRole(scope: OrgScope, input: z.infer<typeof updateMemberInput>) {
      requireRole(scope.role, "ADMIN", "change roles");
      return db.$transaction(async (tx) => {
        const m = await tx.membership.findUnique({
          where: { orgId_userId: { orgId: scope.orgId, userId: input.userId } },
          include: { user: true },
        });
        if (!m) throw notFound("Member");
        if (m.role === "OWNER" || input.role === "OWNER") {
          requireRole(scope.role, "OWNER", "change an owner's role or make someone an owner");
        }
        if (m.role === "OWNER" && input.role !== "OWNER") await assertAnotherOwner(tx, scope.orgId, m.userId);
        const updated = await tx.membership.update({
          where: { orgId_userId: { orgId: scope.orgId, userId: input.userId } },
          data: { role: input.role },
        });
        await recordAudit(tx, scope, {
          action: "member.update_role",
          resourceType: "member",
          resourceId: m.userId,
          resourceName: m.user.email,
          details: { from: m.role, to: input.role },
        });
        // The member's session tokens are replaced on their next request, and their cached role forgotten.
        await tx.session.updateMany({ where: { userId: m.userId }, data: { mustRotate: true } });
        forgetAuth();
        return { userId: m.userId, email: m.user.email, name: m.user.name, role: updated.role, joinedAt: m.createdAt };
      });
    },

    async removeMember(scope: OrgScope, input: z.infer<typeof removeMemberInput>) {
      const self = scope.principal.kind === "user" && scope.principal.userId === input.userId;
      if (!self) requireRole(scope.role, "ADMIN", "remove members");
      await db.$transaction(async (tx) => {
        const m = await tx.membership.findUnique({
          where: { orgId_userId: { orgId: scope.orgId, userId: input.userId } },
          include: { user: true },
        });
        if (!m) throw notFound("Member");
        if (m.role === "OWNER") {
          if (!self) requireRole(scope.role, "OWNER", "remove an owner");
          await assertAnotherOwner(tx, scope.orgId, m.userId);
        }
        await tx.membership.delete({ where: { orgId_userId: { orgId: scope.orgId, userId: input.userId } } });
        forgetAuth();
        await recordAudit(tx, scope, {
          action: "member.remove",
          resourceType: "member",
          resourceId: m.userId,
          resourceName: m.user.email,
        });
      });
      return { removed: true };
    },
  };
}

async function assertAnotherOwner(tx: Pick<Db, "membership">, orgId: string, userId: string) {
  const owners = await tx.membership.count({ where: { orgId, role: "OWNER", userId: { not: userId } } });
  if (owners === 0) {
    throw new AppError("CONFLICT", "An organisation needs at least one owner; make someone else owner first.", {
      fields: { role: "The last owner cannot be demoted or removed" },
    });
  }
}
