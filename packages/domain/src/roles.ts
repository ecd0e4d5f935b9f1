import type { Role } from "@weir/db";
import { AppError } from "./errors.ts";

const rank: Record<Role, number> = { VIEWER: 1, DEVELOPER: 2, ADMIN: 3, OWNER: 4 };

export const roles: readonly Role[] = ["OWNER", "ADMIN", "DEVELOPER", "VIEWER"];

export function roleAtLeast(role: Role, needed: Role): boolean {
  return rank[role] >= rank[needed];
}

export function requireRole(role: Role, needed: Role, doing: string): void {
  if (!roleAtLeast(role, needed)) {
    throw new AppError(
      "FORBIDDEN",
      `Your role (${role.toLowerCase()}) cannot ${doing}; it needs ${needed.toLowerCase()} or above.`,
    );
  }
}
