// What a Postgres CDC connector needs of the user's database, checked before the connector is
// written (Debezium would otherwise start, and fail later in its task): that Weir can reach it with
// the user and password given, wal_level=logical, a user allowed to stream changes (REPLICATION,
// rds_replication or superuser), and the tables it lists. Each refusal is a 422 naming the field,
// with the database's own sentence or what to change.
import { connectExternalPostgres, type ExternalClient } from "@weir/db/external";
import { AppError } from "../errors.ts";

const unprocessable = (field: string, message: string, cause?: unknown) =>
  new AppError("UNPROCESSABLE", message, { fields: { [field]: message }, cause });

/** A SQLSTATE from pg's DatabaseError, or a socket error's code (ECONNREFUSED, ENOTFOUND, …). */
const codeOf = (e: unknown) => (typeof e === "object" && e !== null ? (e as { code?: unknown }).code : undefined);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Plain schema.table names; Debezium's list also takes regular expressions, which are left to it. */
const PLAIN_TABLE = /^[A-Za-z_][A-Za-z0-9_$]*\.[A-Za-z_][A-Za-z0-9_$]*$/;

function connectRefusal(e: unknown, where: string, user: string, database: string): AppError {
  const code = codeOf(e);
  const said = messageOf(e);
  // 28P01 invalid_password; 28000 invalid_authorization_specification (no such role, pg_hba refuses).
  if (code === "28P01")
    return unprocessable("secrets.database.password", `PostgreSQL refused the password: ${said}`, e);
  if (code === "28000") return unprocessable("config.database.user", `PostgreSQL refused the user ${user}: ${said}`, e);
  if (code === "3D000")
    return unprocessable("config.database.dbname", `No database ${database} at ${where}: ${said}`, e);
  return unprocessable("config.database.hostname", `Could not reach PostgreSQL at ${where}: ${said}`, e);
}

async function query<T>(client: ExternalClient, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await client.query(sql, params)).rows as T[];
}

/**
 * Checks a Debezium Postgres source's database before anything is written. Skipped when the config
 * does not name a host, user and database (Connect's own validation names what is missing).
 */
export async function checkCdcSource(config: Record<string, string>, secrets: Record<string, string>): Promise<void> {
  const host = config["database.hostname"];
  const user = config["database.user"];
  const database = config["database.dbname"];
  if (!host || !user || !database) return;
  const port = Number(config["database.port"] || "5432");
  const where = `${host}:${port}`;
  let client: ExternalClient;
  try {
    client = await connectExternalPostgres({ host, port, user, database, password: secrets["database.password"] });
  } catch (e) {
    throw connectRefusal(e, where, user, database);
  }
  try {
    const [wal] = await query<{ wal_level: string }>(client, "SHOW wal_level");
    if (wal?.wal_level !== "logical") {
      throw unprocessable(
        "config.database.hostname",
        `PostgreSQL at ${where} has wal_level=${wal?.wal_level ?? "unknown"}; change data capture needs logical: run ALTER SYSTEM SET wal_level = logical and restart PostgreSQL`,
      );
    }
    const [role] = await query<{ may: boolean }>(
      client,
      `SELECT r.rolsuper OR r.rolreplication OR EXISTS (
         SELECT 1 FROM pg_roles g WHERE g.rolname = 'rds_replication' AND pg_has_role(current_user, g.oid, 'member')
       ) AS may
       FROM pg_roles r WHERE r.rolname = current_user`,
    );
    if (!role?.may) {
      const quoted = `"${user.replaceAll('"', '""')}"`;
      throw unprocessable(
        "config.database.user",
        `The user ${user} may not stream changes: run ALTER ROLE ${quoted} REPLICATION (on Amazon RDS: GRANT rds_replication TO ${quoted})`,
      );
    }
    const listed = (config["table.include.list"] ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter((t) => PLAIN_TABLE.test(t));
    if (listed.length > 0) {
      const found = await query<{ name: string }>(
        client,
        `SELECT lower(n.nspname || '.' || c.relname) AS name FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND lower(n.nspname || '.' || c.relname) = ANY($1)`,
        [listed.map((t) => t.toLowerCase())],
      );
      const missing = listed.filter((t) => !found.some((f) => f.name === t.toLowerCase()));
      if (missing.length > 0) {
        throw unprocessable(
          "config.table.include.list",
          `No such table in ${database}: ${missing.join(", ")} (create ${missing.length === 1 ? "it" : "them"} first, or fix the name)`,
        );
      }
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw unprocessable("config.database.hostname", `PostgreSQL at ${where} failed the checks: ${messageOf(e)}`, e);
  } finally {
    await client.end().catch(() => {});
  }
}
