// A plain connection to someone else's PostgreSQL (a user's database that a connector reads or
// writes), not Weir's own store: for checks made before a connector is created. The caller ends it.
import pg from "pg";

export interface ExternalPostgres {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
}

export type ExternalClient = pg.Client;

/** Connects within `timeoutMs` (the error is pg's: a DatabaseError with a SQLSTATE `code`, or a socket error). */
export async function connectExternalPostgres(target: ExternalPostgres, timeoutMs = 5000): Promise<pg.Client> {
  const client = new pg.Client({
    ...target,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    application_name: "weir-precheck",
  });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw e;
  }
  return client;
}
