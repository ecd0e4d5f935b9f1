import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "@weir/env";
import pg from "pg";
import { PrismaClient, type Prisma } from "./generated/prisma/client.ts";

export type Db = PrismaClient;

const pools = new WeakMap<Db, pg.Pool>();

/** A client on its own pg pool (Prisma's driver adapter runs every query through it and ends it on $disconnect). */
export function createDb(connectionString: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString, max });
  // An idle connection the server closed (a restart, an administrator) is dropped by the pool and
  // the next query opens another; without a listener the pool's error event would end the process.
  pool.on("error", () => {});
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(client, pool);
  return client;
}

/**
 * Rows of one SQL statement ($1, $2 … parameters), through the pg pool under the client when it
 * has one (a client from createDb), else through Prisma's raw query (a transaction's client). For
 * the few hot read paths that are one statement (the cluster list, the audit log, the price book
 * in force): a query through pg costs a fraction of the same statement through Prisma's raw
 * queries on a busy host (bench/api/layers.ts). Through pg, int8 and numeric come back as
 * strings, timestamps as Dates and json parsed; cast in SQL where the two would differ.
 */
export async function queryRows<T>(
  client: Db | Prisma.TransactionClient,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const pool = pools.get(client as Db);
  if (pool) return (await pool.query(sql, params)).rows as T[];
  return client.$queryRawUnsafe<T[]>(sql, ...params);
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
