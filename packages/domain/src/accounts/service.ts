import { randomBytes } from "node:crypto";
import type { Db, Role } from "@weir/db";
import { env } from "@weir/env";
import { z } from "zod";
import { notifyReconcile, recordAudit } from "../audit/record.ts";
import type { Caller, OrgScope, Principal, RequestMeta } from "../context.ts";
import { hashPassword, hashToken, newToken, verifyPassword } from "../crypto.ts";
import { AppError, conflict, isUniqueViolation } from "../errors.ts";
import { displayName, email, password, slugify } from "../names.ts";

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

  return {
    async signUp(input: z.infer<typeof signUpInput>, meta: RequestMeta) {
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

    async signIn(input: z.infer<typeof signInInput>, meta: RequestMeta) {
      const user = await db.user.findUnique({ where: { email: input.email } });
      // Verify against a dummy hash when the user is unknown, so timing does not reveal accounts.
      const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !ok) throw new AppError("UNAUTHENTICATED", "Email or password is incorrect.");
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
    },

    /** Who is calling: a session token (cookie) or an API key (Bearer). Null when neither is valid. */
    async authenticate(creds: { sessionToken?: string | null; bearer?: string | null }): Promise<Principal | null> {
      if (creds.bearer) {
        const key = await db.apiKey.findUnique({ where: { keyHash: hashToken(creds.bearer) } });
        if (!key || key.revokedAt) return null;
        // Writing last-used on every call would turn reads into writes; a minute is precise enough.
        if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > 60_000) {
          await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } });
        }
        return { kind: "apiKey", keyId: key.id, orgId: key.orgId, role: key.role, name: key.name };
      }
      if (creds.sessionToken) {
        const session = await db.session.findUnique({
          where: { tokenHash: hashToken(creds.sessionToken) },
          include: { user: true },
        });
        if (!session || session.expiresAt < new Date()) return null;
        return {
          kind: "user",
          userId: session.userId,
          email: session.user.email,
          name: session.user.name,
          sessionId: session.id,
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
      const membership = valid
        ? await db.membership.findUnique({ where: { orgId_userId: { orgId: requestedOrgId, userId: p.userId } } })
        : await db.membership.findFirst({ where: { userId: p.userId }, orderBy: { createdAt: "asc" } });
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
