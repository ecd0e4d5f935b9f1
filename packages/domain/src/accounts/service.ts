import { randomBytes } from "node:crypto";
import type { Db, Role } from "@weir/db";
import { env } from "@weir/env";
import { z } from "zod";
import { notifyReconcile, recordAudit } from "../audit/record.ts";
import type { Caller, OrgScope, Principal, RequestMeta } from "../context.ts";
import { hashPassword, hashToken, newToken, verifyPassword } from "../crypto.ts";
import { AppError, conflict, isUniqueViolation } from "../errors.ts";
import { displayName, email, password, slugify } from "../names.ts";
import { cachedAuth, forgetAuth } from "./auth-cache.ts";
import { consumeLimit, LimitExceededError, LIMITS, resetLimit } from "./rate-limits.ts";

export const SESSION_COOKIE = "weir_session";
export const ORG_COOKIE = "weir_org";
export const API_KEY_PREFIX = "weir_";

export const signUpInput = z.strictObject({
  email,
  password,
  name: displayName,
  organizationName: displayName.optional(),
});
export const signInInput = z.strictObject({ email, password: z.string().min(1).max(200) });

const uniqueSlug = (name: string) => `${slugify(name)}-${randomBytes(3).toString("hex")}`;

export function accountsService(db: Db) {
  async function newSession(userId: string, meta: RequestMeta) {
    const { token, hash } = newToken("");
    const expiresAt = new Date(Date.now() + env().WEIR_SESSION_DAYS * 86_400_000);
    const session = await db.session.create({
      data: { tokenHash: hash, userId, expiresAt, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 512) },
    });
    return { token, expiresAt, sessionId: session.id };
  }

  /**
   * A refused sign-in, in the audit log: under the account's first organisation when the email
   * is a user's (its admins see attempts on their members), else with no organisation.
   */
  async function recordFailedSignIn(emailAddress: string, meta: RequestMeta, reason: "password" | "rate_limited") {
    const user = await db.user.findUnique({ where: { email: emailAddress }, select: { id: true } });
    const first = user
      ? await db.membership.findFirst({ where: { userId: user.id }, orderBy: { createdAt: "asc" } })
      : null;
    await db.auditEvent.create({
      data: {
        orgId: first?.orgId ?? null,
        actorType: "USER",
        actorId: user?.id ?? null,
        actorLabel: emailAddress,
        action: "user.sign_in_failed",
        resourceType: "user",
        resourceId: user?.id ?? null,
        resourceName: emailAddress,
        details: { reason },
        ip: meta.ip,
        userAgent: meta.userAgent?.slice(0, 512) ?? null,
      },
    });
  }

  /** Counts an attempt against the per-address and per-account limits of one door. */
  async function limitAttempt(
    rules: { ip: (typeof LIMITS)[keyof typeof LIMITS]; account: (typeof LIMITS)[keyof typeof LIMITS] },
    account: string,
    meta: RequestMeta,
  ) {
    // Without a peer address (a caller inside the process) every such caller shares one count.
    await consumeLimit(db, rules.ip, meta.ip ?? "unknown");
    await consumeLimit(db, rules.account, account);
  }

  return {
    async signUp(input: z.infer<typeof signUpInput>, meta: RequestMeta) {
      await limitAttempt({ ip: LIMITS.signUpPerIp, account: LIMITS.signUpPerAccount }, input.email, meta);
      const passwordHash = await hashPassword(input.password);
      const orgName = input.organizationName ?? `${input.name}'s organisation`;
      try {
        const { user, org } = await db.$transaction(async (tx) => {
          const user = await tx.user.create({
            data: { email: input.email, name: input.name, passwordHash },
          });
          const org = await tx.organization.create({
            data: { name: orgName, slug: uniqueSlug(orgName) },
          });
          await tx.membership.create({ data: { orgId: org.id, userId: user.id, role: "OWNER" } });
          const who: Caller = {
            principal: { kind: "user", userId: user.id, email: user.email, name: user.name, sessionId: "" },
            meta,
          };
          await recordAudit(tx, who, {
            orgId: org.id,
            action: "user.sign_up",
            resourceType: "user",
            resourceId: user.id,
            resourceName: user.email,
          });
          await recordAudit(tx, who, {
            orgId: org.id,
            action: "organization.create",
            resourceType: "organization",
            resourceId: org.id,
            resourceName: org.name,
          });
          await notifyReconcile(tx, "Organization", org.id);
          return { user, org };
        });
        const session = await newSession(user.id, meta);
        return { user: publicUser(user), organization: org, session };
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict("An account with this email already exists.", "email");
        throw e;
      }
    },

    /**
     * Signs in, counted against the per-address and per-account limits before any password work.
     * A wrong password is audited each time; a refusal by a limit once per window (the first, which
     * the counters single out across console processes), as a burst past the limit would otherwise
     * write an audit event per attempt. The session the caller presented, if any, is ended: a new
     * sign-in always gets a new token.
     */
    async signIn(input: z.infer<typeof signInInput>, meta: RequestMeta, previousSessionToken?: string | null) {
      try {
        await limitAttempt({ ip: LIMITS.signInPerIp, account: LIMITS.signInPerAccount }, input.email, meta);
      } catch (e) {
        if (e instanceof LimitExceededError && e.firstInWindow)
          await recordFailedSignIn(input.email, meta, "rate_limited");
        throw e;
      }
      const user = await db.user.findUnique({ where: { email: input.email } });
      // Verify against a dummy hash when the user is unknown, so timing does not reveal accounts.
      const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !ok) {
        await recordFailedSignIn(input.email, meta, "password");
        throw new AppError("UNAUTHENTICATED", "Email or password is incorrect.");
      }
      await resetLimit(db, LIMITS.signInPerAccount, input.email);
      if (previousSessionToken) {
        await db.session.deleteMany({ where: { tokenHash: hashToken(previousSessionToken) } });
        forgetAuth();
      }
      const session = await newSession(user.id, meta);
      const who: Caller = {
        principal: { kind: "user", userId: user.id, email: user.email, name: user.name, sessionId: session.sessionId },
        meta,
      };
      const first = await db.membership.findFirst({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });
      await recordAudit(db, who, {
        orgId: first?.orgId ?? null,
        action: "user.sign_in",
        resourceType: "user",
        resourceId: user.id,
        resourceName: user.email,
      });
      return { user: publicUser(user), session };
    },

    async signOut(principal: Principal) {
      if (principal.kind === "user") await db.session.deleteMany({ where: { id: principal.sessionId } });
      forgetAuth();
    },

    /** Ends every session of the calling user, on every device; audited. */
    async signOutEverywhere(caller: Caller) {
      const p = caller.principal;
      if (p.kind !== "user")
        throw new AppError("FORBIDDEN", "Only a signed-in user can sign out; an API key is revoked.");
      const { count } = await db.session.deleteMany({ where: { userId: p.userId } });
      forgetAuth();
      const first = await db.membership.findFirst({ where: { userId: p.userId }, orderBy: { createdAt: "asc" } });
      await recordAudit(db, caller, {
        orgId: first?.orgId ?? null,
        action: "user.sign_out_everywhere",
        resourceType: "user",
        resourceId: p.userId,
        resourceName: p.email,
        details: { sessions: count },
      });
      return { sessionsEnded: count };
    },

    /**
     * Who is calling: a session token (cookie) or an API key (Bearer). Null when neither is valid.
     * A session marked for rotation (its user's role changed) gets a new token, handed to
     * `renewSession` to be set as the cookie; the old one works for another minute.
     */
    async authenticate(
      creds: { sessionToken?: string | null; bearer?: string | null },
      renewSession?: (token: string, expiresAt: Date) => void,
    ): Promise<Principal | null> {
      if (creds.bearer) {
        const keyHash = hashToken(creds.bearer);
        return cachedAuth<Principal>(`key:${keyHash}`, async () => {
          const key = await db.apiKey.findUnique({
            where: { keyHash },
            include: { organization: { select: { apiKeyRequestsPerMinute: true } } },
          });
          if (!key || key.revokedAt) return null;
          // Writing last-used on every call would turn reads into writes; a minute is precise enough.
          if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > 60_000) {
            await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } });
          }
          return {
            kind: "apiKey",
            keyId: key.id,
            orgId: key.orgId,
            role: key.role,
            name: key.name,
            requestsPerMinute: key.organization.apiKeyRequestsPerMinute,
          };
        });
      }
      if (creds.sessionToken) {
        const tokenHash = hashToken(creds.sessionToken);
        const cached = await cachedAuth(`session:${tokenHash}`, () =>
          db.session.findFirst({
            where: { OR: [{ tokenHash }, { previousTokenHash: tokenHash, previousValidUntil: { gt: new Date() } }] },
            include: { user: true },
          }),
        );
        if (!cached || cached.expiresAt < new Date()) return null;
        if (cached.mustRotate && cached.tokenHash === tokenHash && renewSession) {
          const { token, hash } = newToken("");
          const { count } = await db.session.updateMany({
            where: { id: cached.id, tokenHash },
            data: {
              tokenHash: hash,
              previousTokenHash: tokenHash,
              previousValidUntil: new Date(Date.now() + 60_000),
              mustRotate: false,
            },
          });
          forgetAuth();
          if (count === 1) renewSession(token, cached.expiresAt);
        }
        return {
          kind: "user",
          userId: cached.userId,
          email: cached.user.email,
          name: cached.user.name,
          sessionId: cached.id,
        };
      }
      return null;
    },

    /**
     * The organisation a call acts in. An API key is bound to its organisation; a user picks one
     * of theirs (header or cookie) or gets their first. An organisation the caller does not
     * belong to answers 404, exactly like a missing one.
     */
    async resolveScope(caller: Caller, requestedOrgId: string | null | undefined): Promise<OrgScope> {
      const p = caller.principal;
      if (p.kind === "apiKey") {
        if (requestedOrgId && requestedOrgId !== p.orgId)
          throw new AppError("NOT_FOUND", "Organisation was not found.");
        return { ...caller, orgId: p.orgId, role: p.role };
      }
      const valid = requestedOrgId && z.uuid().safeParse(requestedOrgId).success;
      const membership = await cachedAuth(`member:${p.userId}:${valid ? requestedOrgId : ""}`, () =>
        valid
          ? db.membership.findUnique({ where: { orgId_userId: { orgId: requestedOrgId, userId: p.userId } } })
          : db.membership.findFirst({ where: { userId: p.userId }, orderBy: { createdAt: "asc" } }),
      );
      if (!membership) {
        throw requestedOrgId
          ? new AppError("NOT_FOUND", "Organisation was not found.")
          : new AppError("NOT_FOUND", "You do not belong to any organisation yet; create one first.");
      }
      return { ...caller, orgId: membership.orgId, role: membership.role as Role };
    },

    async me(caller: Caller) {
      const p = caller.principal;
      if (p.kind === "apiKey") {
        return {
          kind: "apiKey" as const,
          user: null,
          apiKey: { id: p.keyId, name: p.name, role: p.role, orgId: p.orgId },
        };
      }
      const user = await db.user.findUniqueOrThrow({ where: { id: p.userId } });
      return { kind: "user" as const, user: publicUser(user), apiKey: null };
    },
  };
}

function publicUser(u: { id: string; email: string; name: string; createdAt: Date }) {
  return { id: u.id, email: u.email, name: u.name, createdAt: u.createdAt };
}

// A valid scrypt hash of a random password, used to spend the same time on unknown emails.
const DUMMY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
