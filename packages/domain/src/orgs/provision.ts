import type { Db } from "@weir/db";

/** What every new organisation gets: one default project with these quotas. */
export const defaultProjectQuotas = {
  maxKafkaClusters: 5,
  maxBrokersPerCluster: 9,
  maxStorageGbPerBroker: 1000,
  maxComputeClusters: 5,
  maxWorkersPerCluster: 8,
} as const;

export const DEFAULT_PROJECT_NAME = "default";

/** Idempotent: creates the default project if it is missing. Reports what it did. */
export async function ensureDefaultProject(db: Db, orgId: string): Promise<"CREATED" | "NOOP"> {
  const existing = await db.project.findFirst({ where: { orgId, isDefault: true } });
  if (existing) return "NOOP";
  const created = await db.project.createMany({
    data: [{ orgId, name: DEFAULT_PROJECT_NAME, isDefault: true, ...defaultProjectQuotas }],
    skipDuplicates: true,
  });
  return created.count > 0 ? "CREATED" : "NOOP";
}
