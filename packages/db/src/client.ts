import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "@weir/env";
import { PrismaClient } from "./generated/prisma/client.ts";

export type Db = PrismaClient;

export function createDb(connectionString: string, max = 10): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max }) });
}

const globalForDb = globalThis as unknown as { weirDb?: Db };

/** The process-wide client, on DATABASE_URL. Survives Next's module reloads in development. */
export function db(): Db {
  if (!globalForDb.weirDb) {
    const url = env().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start Weir with `pnpm start`.");
    globalForDb.weirDb = createDb(url);
  }
  return globalForDb.weirDb;
}
