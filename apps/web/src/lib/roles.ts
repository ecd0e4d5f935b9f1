export const ROLES = ["OWNER", "ADMIN", "DEVELOPER", "VIEWER"] as const;
export type Role = (typeof ROLES)[number];

export const roleOptions = ROLES.map((r) => ({ value: r, label: r.charAt(0) + r.slice(1).toLowerCase() }));

const rank: Record<Role, number> = { VIEWER: 1, DEVELOPER: 2, ADMIN: 3, OWNER: 4 };

/** For hiding controls the API would refuse; the API still decides. */
export const canManage = (role: string | undefined) => role === "OWNER" || role === "ADMIN";
export const roleAtLeast = (role: string | undefined, needed: Role) => !!role && rank[role as Role] >= rank[needed];
