import { ORG_COOKIE, SESSION_COOKIE, signInInput, signUpInput } from "@weir/domain";
import { z } from "zod";
import * as s from "../schemas.ts";
import { authedProcedure, publicProcedure, router, type Context } from "../trpc.ts";

/**
 * Starts a session in the cookie. The organisation cookie names the new account's organisation,
 * or is cleared: a previous session's choice may not be this user's.
 */
function setSession(ctx: Context, token: string, expiresAt: Date, orgId?: string) {
  const maxAgeSeconds = Math.floor((expiresAt.getTime() - Date.now()) / 1000);
  ctx.setCookie(SESSION_COOKIE, token, { maxAgeSeconds });
  ctx.setCookie(ORG_COOKIE, orgId ?? "", { maxAgeSeconds: orgId ? maxAgeSeconds : 0 });
}

const tags = ["auth"];

export const authRouter = router({
  signUp: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/sign-up",
        tags,
        summary: "Create an account and its first organisation; sets the session cookie",
      },
      alsoAnswers: [409, 429],
    })
    .input(signUpInput)
    .output(z.object({ user: s.user, organization: s.organization.omit({ role: true }), sessionExpiresAt: z.date() }))
    .mutation(async ({ ctx, input }) => {
      const r = await ctx.domain.accounts.signUp(input, ctx.meta);
      setSession(ctx, r.session.token, r.session.expiresAt, r.organization.id);
      const { id, name, slug, status, statusReason, generation, observedGeneration, createdAt } = r.organization;
      return {
        user: r.user,
        organization: { id, name, slug, status, statusReason, generation, observedGeneration, createdAt },
        sessionExpiresAt: r.session.expiresAt,
      };
    }),

  signIn: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/sign-in",
        tags,
        summary: "Sign in with email and password; sets the session cookie",
      },
      alsoAnswers: [401, 429],
    })
    .input(signInInput)
    .output(z.object({ user: s.user, sessionExpiresAt: z.date() }))
    .mutation(async ({ ctx, input }) => {
      const r = await ctx.domain.accounts.signIn(input, ctx.meta, ctx.sessionToken);
      setSession(ctx, r.session.token, r.session.expiresAt);
      return { user: r.user, sessionExpiresAt: r.session.expiresAt };
    }),

  signOut: authedProcedure
    .meta({ openapi: { method: "POST", path: "/auth/sign-out", tags, summary: "End the current session" } })
    .input(z.strictObject({}).optional())
    .output(z.object({ signedOut: z.boolean() }))
    .mutation(async ({ ctx }) => {
      await ctx.domain.accounts.signOut(ctx.caller.principal);
      ctx.setCookie(SESSION_COOKIE, "", { maxAgeSeconds: 0 });
      ctx.setCookie(ORG_COOKIE, "", { maxAgeSeconds: 0 });
      return { signedOut: true };
    }),

  signOutEverywhere: authedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/sign-out-everywhere",
        tags,
        summary: "End every session of the signed-in user, on every device (audited)",
      },
    })
    .input(z.strictObject({}).optional())
    .output(z.object({ sessionsEnded: z.number().int() }))
    .mutation(async ({ ctx }) => {
      const r = await ctx.domain.accounts.signOutEverywhere(ctx.caller);
      ctx.setCookie(SESSION_COOKIE, "", { maxAgeSeconds: 0 });
      ctx.setCookie(ORG_COOKIE, "", { maxAgeSeconds: 0 });
      return r;
    }),

  me: authedProcedure
    .meta({ openapi: { method: "GET", path: "/auth/me", tags, summary: "Who the caller is (a user or an API key)" } })
    .input(z.strictObject({}).optional())
    .output(
      z.object({
        kind: z.enum(["user", "apiKey"]),
        user: s.user.nullable(),
        apiKey: z.object({ id: z.string(), name: z.string(), role: s.role, orgId: z.string() }).nullable(),
      }),
    )
    .query(({ ctx }) => ctx.domain.accounts.me(ctx.caller)),
});
