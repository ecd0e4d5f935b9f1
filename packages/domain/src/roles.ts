// Who may do what: the ranks of an organisation's roles. Pure, so the console hides exactly the
// controls the API would refuse (`@weir/domain/rules`); the API still decides.
import type { Role } from "@weir/db";
import { AppError } from "./errors.ts";

export type { Role };

/** Most powerful first, the order the console lists them in. */
export const ROLES = ["OWNER", "ADMIN", "DEVELOPER", "VIEWER"] as const satisfies readonly Role[];

const rank: Record<Role, number> = { VIEWER: 1, DEVELOPER: 2, ADMIN: 3, OWNER: 4 };

/** False for no role (not signed in, or still loading). */
export function roleAtLeast(role: Role | null | undefined, needed: Role): boolean {
  return !!role && rank[role] >= rank[needed];
}

export function requireRole(role: Role, needed: Role, doing: string): void {
  if (!roleAtLeast(role, needed)) {
    throw new AppError(
      "FORBIDDEN",
      `Your role (${role.toLowerCase()}) cannot ${doing}; it needs ${needed.toLowerCase()} or above.`,
    );
  }
}
