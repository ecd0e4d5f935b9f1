import type { Role } from "@weir/db";

export type Principal =
  | { kind: "user"; userId: string; email: string; name: string; sessionId: string }
  | {
      kind: "apiKey";
      keyId: string;
      orgId: string;
      role: Role;
      name: string;
      /** Its organisation's per-key request limit. */
      requestsPerMinute: number;
    };

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

/** Someone signed in, calling from somewhere. */
export interface Caller {
  principal: Principal;
  meta: RequestMeta;
}

/** A caller acting inside one organisation with one role. Every tenant query is scoped by it. */
export interface OrgScope extends Caller {
  orgId: string;
  role: Role;
}

export function actorOf(principal: Principal) {
  return principal.kind === "user"
    ? { actorType: "USER" as const, actorId: principal.userId, actorLabel: principal.email }
    : { actorType: "API_KEY" as const, actorId: principal.keyId, actorLabel: `key:${principal.name}` };
}
