// Real Postgres for tests: one embedded server per test run, a template database with every
// migration applied, and a fresh database per test file cloned from it.
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "./embedded.ts";
import { applyMigrations } from "./migrate.ts";

export const TEMPLATE_DB = "weir_template";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs one statement on its own connection; returns its rows (if any). */
export async function adminQuery(serverUrl: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const res = await client.query(sql);
    return Array.isArray(res) ? [] : (res.rows as Record<string, unknown>[]);
  } finally {
    await client.end();
  }
}

/**
 * Starts a throwaway server; `url(db)` builds a connection string for one of its databases.
 * `settings` are extra server settings, e.g. { wal_level: "logical" } for a CDC source.
 */
export async function startTestPostgres(opts: { settings?: Record<string, string> } = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "weir-pg-"));
  const server = await startEmbeddedPostgres({
    dataDir: path.join(dir, "data"),
    port: await freePort(),
    settings: opts.settings,
  });
  return {
    url: server.url,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Creates the template database with all migrations applied. */
export async function prepareTemplate(serverUrl: (db?: string) => string): Promise<void> {
  await adminQuery(serverUrl(), `DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
  await adminQuery(serverUrl(), `CREATE DATABASE ${TEMPLATE_DB}`);
  await applyMigrations(serverUrl(TEMPLATE_DB));
  // The schema engine's pool lingers; a template must have no connections to be cloned.
  await adminQuery(
    serverUrl(),
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${TEMPLATE_DB}' AND pid <> pg_backend_pid()`,
  );
}

/** A new, migrated, empty database cloned from the template; returns its URL. */
export async function createTestDatabase(templateUrl: string, prefix = "t"): Promise<string> {
  const name = `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
  const server = new URL(templateUrl);
  server.pathname = "/postgres";
  await adminQuery(server.toString(), `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
  const url = new URL(templateUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
