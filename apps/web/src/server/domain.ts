import { db } from "@weir/db";
import { createDomain, type Domain } from "@weir/domain";

const globalForDomain = globalThis as unknown as { weirDomain?: Domain };

/** The process-wide domain services, on DATABASE_URL. Survives Next's module reloads in development. */
export function domain(): Domain {
  globalForDomain.weirDomain ??= createDomain(db());
  return globalForDomain.weirDomain;
}
