import {
  addMemberInput,
  AppError,
  createOrgInput,
  ORG_COOKIE,
  removeMemberInput,
  updateMemberInput,
} from "@weir/domain";
import { z } from "zod";
import * as s from "../schemas.ts";
import { authedProcedure, orgProcedure, router } from "../trpc.ts";

const none = z.strictObject({}).optional();
const ORG_COOKIE_MAX_AGE = 365 * 86_400;

export const organizationsRouter = router({
  list: authedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/organizations",
        tags: ["organizations"],
        summary: "Organisations the caller belongs to",
      },
    })
    .input(none)
    .output(z.object({ items: z.array(s.organization) }))
    .query(async ({ ctx }) => ({ items: await ctx.domain.orgs.list(ctx.caller) })),

  create: authedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/organizations",
        tags: ["organizations"],
        summary: "Create an organisation; the caller becomes its owner",
      },
    })
    .input(createOrgInput)
    .output(s.organization)
    .mutation(({ ctx, input }) => ctx.domain.orgs.create(ctx.caller, input)),

  // The console's organisation switcher: remembers the organisation in the httpOnly cookie the
  // API reads. Not a REST operation: REST callers name the organisation per request (X-Weir-Org).
  switch: authedProcedure
    .input(
      z.strictObject({
        orgId: z.uuid().nullable().describe("The organisation to act in; null forgets the choice (the first one)"),
      }),
    )
    .output(z.object({ orgId: z.string().nullable(), role: s.role.nullable() }))
    .mutation(async ({ ctx, input }) => {
      if (ctx.caller.principal.kind !== "user") {
        throw new AppError("FORBIDDEN", "An API key acts in its own organisation; only a signed-in user switches.");
      }
      if (input.orgId === null) {
        ctx.setCookie(ORG_COOKIE, "", { maxAgeSeconds: 0 });
        return { orgId: null, role: null };
      }
      // Checks membership, so the cookie never names an organisation the user cannot see.
      const scope = await ctx.domain.accounts.resolveScope(ctx.caller, input.orgId);
      ctx.setCookie(ORG_COOKIE, scope.orgId, { maxAgeSeconds: ORG_COOKIE_MAX_AGE });
      return { orgId: scope.orgId, role: scope.role };
    }),

  current: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/organizations/current",
        tags: ["organizations"],
        summary: "The organisation this call acts in, with its status and events",
      },
    })
    .input(none)
    .output(s.organizationDetail)
    .query(({ ctx }) => ctx.domain.orgs.current(ctx.scope)),

  projects: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/projects",
        tags: ["organizations"],
        summary: "Projects of the organisation, with their quotas",
      },
    })
    .input(none)
    .output(z.object({ items: z.array(s.project) }))
    .query(async ({ ctx }) => ({ items: await ctx.domain.orgs.listProjects(ctx.scope) })),
});

export const membersRouter = router({
  list: orgProcedure
    .meta({ openapi: { method: "GET", path: "/members", tags: ["members"], summary: "Members and their roles" } })
    .input(none)
    .output(z.object({ items: z.array(s.member) }))
    .query(async ({ ctx }) => ({ items: await ctx.domain.orgs.listMembers(ctx.scope) })),

  add: orgProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/members",
        tags: ["members"],
        summary: "Add an existing Weir account as a member (owner or admin)",
      },
    })
    .input(addMemberInput)
    .output(s.member)
    .mutation(({ ctx, input }) => ctx.domain.orgs.addMember(ctx.scope, input)),

  updateRole: orgProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/members/{userId}",
        tags: ["members"],
        summary: "Change a member's role (owner or admin)",
      },
    })
    .input(updateMemberInput)
    .output(s.member)
    .mutation(({ ctx, input }) => ctx.domain.orgs.updateMemberRole(ctx.scope, input)),

  remove: orgProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/members/{userId}",
        tags: ["members"],
        summary: "Remove a member (owner or admin; anyone may leave)",
      },
    })
    .input(removeMemberInput)
    .output(z.object({ removed: z.boolean() }))
    .mutation(({ ctx, input }) => ctx.domain.orgs.removeMember(ctx.scope, input)),
});
