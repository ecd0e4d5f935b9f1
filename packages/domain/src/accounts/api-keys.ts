import type { Db } from "@weir/db";
import { z } from "zod";
import { recordAudit } from "../audit/record.ts";
import type { OrgScope } from "../context.ts";
import { newToken } from "../crypto.ts";
import { AppError, notFound } from "../errors.ts";
import { displayName } from "../names.ts";
import { roleSchema } from "../orgs/service.ts";
import { requireRole, roleAtLeast } from "../roles.ts";
import { forgetAuth } from "./auth-cache.ts";
import { consumeLimit, LIMITS } from "./rate-limits.ts";
import { API_KEY_PREFIX } from "./service.ts";

export const createApiKeyInput = z.strictObject({ name: displayName, role: roleSchema });
export const revokeApiKeyInput = z.strictObject({ id: z.uuid() });

type KeyRow = {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};
const view = (k: KeyRow) => ({
  id: k.id,
  name: k.name,
  role: k.role,
  prefix: k.prefix,
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
  revokedAt: k.revokedAt,
});

export function apiKeysService(db: Db) {
  return {
    async list(scope: OrgScope) {
      const keys = await db.apiKey.findMany({ where: { orgId: scope.orgId }, orderBy: { createdAt: "desc" } });
      return keys.map(view);
    },

    /** The key itself is returned here once and never again; only its hash is stored. */
    async create(scope: OrgScope, input: z.infer<typeof createApiKeyInput>) {
      requireRole(scope.role, "ADMIN", "create API keys");
      if (!roleAtLeast(scope.role, input.role)) {
        throw new AppError("FORBIDDEN", "A key cannot have a higher role than the person creating it.", {
          fields: { role: "Higher than your own role" },
        });
      }
      const p = scope.principal;
      await consumeLimit(db, LIMITS.apiKeyCreatePerIp, scope.meta.ip ?? "unknown");
      await consumeLimit(db, LIMITS.apiKeyCreatePerAccount, p.kind === "user" ? p.userId : `key:${p.keyId}`);
      const { token, hash } = newToken(API_KEY_PREFIX);
      const key = await db.$transaction(async (tx) => {
        const key = await tx.apiKey.create({
          data: {
            orgId: scope.orgId,
            name: input.name,
            role: input.role,
            prefix: token.slice(0, API_KEY_PREFIX.length + 6),
            keyHash: hash,
            createdById: scope.principal.kind === "user" ? scope.principal.userId : null,
          },
        });
        await recordAudit(tx, scope, {
          action: "api_key.create",
          resourceType: "api_key",
          resourceId: key.id,
          resourceName: key.name,
          details: { role: key.role },
        });
        return key;
      });
      return { ...view(key), key: token };
    },

    async revoke(scope: OrgScope, input: z.infer<typeof revokeApiKeyInput>) {
      requireRole(scope.role, "ADMIN", "revoke API keys");
      return db.$transaction(async (tx) => {
        const key = await tx.apiKey.findFirst({ where: { id: input.id, orgId: scope.orgId } });
        if (!key) throw notFound("API key");
        if (key.revokedAt) return view(key);
        const revoked = await tx.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
        // This process stops accepting it now; other console processes within AUTH_CACHE_MS.
        forgetAuth();
        await recordAudit(tx, scope, {
          action: "api_key.revoke",
          resourceType: "api_key",
          resourceId: key.id,
          resourceName: key.name,
        });
        return view(revoked);
      });
    },
  };
}
