// The interactive SQL workspace: SQL over Kafka topics, answered by the compute cluster's own
// Spark Connect server (the controller runs it as the cluster's "connect" node). The console is
// a long-lived process, so it keeps one Spark Connect client (one Spark session) per
// (organisation, compute cluster) and reuses the views it registered.
//
// Each requested topic becomes two temporary views of that session:
//   __weir_kafka_<view>  a batch Kafka read (earliest → latest at each query), registered as a
//                        plan whose options carry the Kafka credentials: never SQL text, so the
//                        password is not in anything a user typed or sees;
//   <view>               the user's view over it: `from_json(CAST(value AS STRING), schema)`
//                        expanded to columns plus key/topic/partition/offset/timestamp, or, with no
//                        schema, the raw columns with key and value as strings.
// Spark's errors are the user's: 400 with Spark's error class and message. A cluster or connect
// server that is not running yet is a 409 with a sentence; another tenant's cluster is a 404.
import type { Db } from "@weir/db";
import { env } from "@weir/env";
import { clientSecurityProps } from "@weir/runtime";
import { SparkConnectClient, SparkSqlError, type Relation, type SqlColumn } from "@weir/spark-connect";
import { z } from "zod";
import type { OrgScope } from "../context.ts";
import { decryptSecret } from "../crypto.ts";
import { AppError, conflict, invalid, notFound } from "../errors.ts";
import { clusterInScope } from "../kafka/admin-client.ts";
import { requireRole } from "../roles.ts";
import { isServing } from "../status.ts";
import type { workspaceQueryInput } from "./job-input.ts";

/** A workspace query is cancelled in Spark after this long. */
const QUERY_TIMEOUT_MS = 60_000;
/** Registering a view or analysing a plan takes well under a second; this is a hang. */
const ANALYZE_TIMEOUT_MS = 30_000;
const RAW_VIEW_PREFIX = "__weir_kafka_";
/** What Spark says is kept to this length (a message, not a stack trace). */
const MAX_MESSAGE = 4000;
/** The Kafka record's own columns, added to a view with a schema unless the schema names them. */
const RECORD_COLUMNS = ["key", "topic", "partition", "offset", "timestamp"] as const;

export interface WorkspaceResult {
  columns: SqlColumn[];
  rows: Record<string, unknown>[];
  /** The query had more rows than `limit`. */
  truncated: boolean;
  /** From the request arriving to the rows decoded, view registration included. */
  elapsedMs: number;
}

export interface ValidateJobSqlInput {
  computeClusterId: string;
  /** The view the job's sources are registered as. */
  view: string;
  /** The Spark DDL schema of the JSON values, e.g. "product STRING, amount DOUBLE, ts TIMESTAMP". */
  schema: string;
  sql: string;
  watermark?: { column: string; delay: string };
}

/** Spark's analysis of a job's SQL: the result columns, or Spark's error and which input it is about. */
export type JobSqlValidation =
  | { ok: true; columns: SqlColumn[] }
  | { ok: false; field: "sql" | "schema" | "watermark"; errorClass: string; message: string };

// ---------------------------------------------------------------- sessions

interface Session {
  client: SparkConnectClient;
  /** Which server process the session lives in: a restarted server has lost it. */
  server: string;
  /** view name → what it was registered from; an unchanged view is not registered again. */
  views: Map<string, string>;
  /** Queries of one session run one at a time: two would fight over a view's definition. */
  tail: Promise<unknown>;
}

const sessions = new Map<string, Session>();

interface ConnectTarget {
  host: string;
  port: number;
  /** host:port:pid of the connect server process. */
  server: string;
}

function sessionFor(key: string, target: ConnectTarget): Session {
  const current = sessions.get(key);
  if (current && current.server === target.server) return current;
  if (current) void current.client.close().catch(() => {});
  const session: Session = {
    client: new SparkConnectClient({ host: target.host, port: target.port, userId: "weir-workspace" }),
    server: target.server,
    views: new Map(),
    tail: Promise.resolve(),
  };
  sessions.set(key, session);
  return session;
}

function dropSession(key: string, session: Session): void {
  if (sessions.get(key) === session) sessions.delete(key);
  void session.client.close().catch(() => {});
}

/** Runs `fn` after the session's earlier calls. */
function serially<T>(session: Session, fn: () => Promise<T>): Promise<T> {
  const run = session.tail.then(fn, fn);
  session.tail = run.catch(() => {});
  return run;
}

/** Closes every pooled session (tests, shutdown). */
export async function closeWorkspaceSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  await Promise.all(all.map((s) => s.client.close().catch(() => {})));
}

/** The session is gone on the server (restarted, or expired after idling). */
const sessionLost = (e: unknown) =>
  e instanceof SparkSqlError && (e.errorClass.startsWith("INVALID_HANDLE.SESSION") || e.errorClass === "UNAVAILABLE");

// ---------------------------------------------------------------- building views

/** A Spark SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** The top-level field names of a Spark DDL schema ("a INT, `b c` STRUCT<x: INT>" → ["a", "b c"]). */
export function ddlFieldNames(schema: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = "";
  for (const ch of schema) {
    if (ch === "`") quoted = !quoted;
    else if (!quoted && (ch === "<" || ch === "(")) depth++;
    else if (!quoted && (ch === ">" || ch === ")")) depth--;
    if (ch === "," && depth === 0 && !quoted) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => (p.startsWith("`") ? p.slice(1, p.indexOf("`", 1)) : p.split(/[\s:]/)[0]!));
}

interface KafkaAccess {
  bootstrap: string;
  username: string;
  password: string;
  protocol: "SASL_SSL" | "SASL_PLAINTEXT";
  caPem: string | null;
}

/** A batch read of a whole topic, the credentials in the plan's options. */
function kafkaRead(topic: string, kafka: KafkaAccess): Relation {
  return {
    read: {
      data_source: {
        format: "kafka",
        options: {
          "kafka.bootstrap.servers": kafka.bootstrap,
          ...clientSecurityProps(kafka, "kafka."),
          subscribe: topic,
          startingOffsets: "earliest",
          endingOffsets: "latest",
        },
      },
    },
  };
}

/** The user's view over a raw Kafka view: JSON values expanded by the schema, or the raw columns. */
export function topicViewQuery(rawView: string, schema: string | undefined): string {
  if (!schema) {
    return `SELECT CAST(key AS STRING) AS key, CAST(value AS STRING) AS value, topic, partition, offset, timestamp FROM ${rawView}`;
  }
  const named = new Set(ddlFieldNames(schema).map((n) => n.toLowerCase()));
  const record = RECORD_COLUMNS.filter((c) => !named.has(c));
  const inner = [
    `from_json(CAST(value AS STRING), ${sqlString(schema)}) AS __value`,
    ...record.map((c) => (c === "key" ? "CAST(key AS STRING) AS key" : c)),
  ];
  return `SELECT __value.*${record.map((c) => `, ${c}`).join("")} FROM (SELECT ${inner.join(", ")} FROM ${rawView})`;
}

// ---------------------------------------------------------------- errors

/** Spark's words, never a secret: the password is replaced wherever it appears. */
function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join("***");
  return out;
}

function sparkMessage(e: SparkSqlError, secrets: string[]): string {
  const message = scrub(e.message.startsWith("[") ? e.message : `[${e.errorClass}] ${e.message}`, secrets);
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}

function toAppError(e: unknown, clusterName: string, secrets: string[]): unknown {
  if (!(e instanceof SparkSqlError)) return e;
  if (e.errorClass === "UNAVAILABLE" || e.errorClass === "CANCELLED") {
    return new AppError(
      "CONFLICT",
      `The SQL workspace server of "${clusterName}" is not answering (it may be restarting); try again in a moment.`,
      { cause: e },
    );
  }
  const message = sparkMessage(e, secrets);
  return new AppError("VALIDATION_FAILED", message, { fields: { sql: message }, cause: e });
}

// ---------------------------------------------------------------- the service

async function connectTarget(db: Db, scope: OrgScope, computeClusterId: string) {
  const cluster = await db.computeCluster.findFirst({
    where: { id: computeClusterId, orgId: scope.orgId },
    include: { nodes: { where: { role: "connect" } } },
  });
  if (!cluster) throw notFound("Compute cluster");
  if (!isServing("ComputeCluster", cluster.status)) {
    throw conflict(
      `The compute cluster "${cluster.name}" is not running (status ${cluster.status.toLowerCase()}); the SQL workspace opens once it runs.`,
    );
  }
  const node = cluster.nodes[0];
  if (!node || node.status !== "RUNNING") {
    throw conflict(
      `The SQL workspace server of "${cluster.name}" is not running yet${node?.statusReason ? ` (${node.statusReason.toLowerCase()})` : ""}; try again in a moment.`,
    );
  }
  const target: ConnectTarget = {
    host: node.host,
    port: node.port,
    server: `${node.host}:${node.port}:${node.pid}`,
  };
  return { cluster, target };
}

async function kafkaAccess(db: Db, scope: OrgScope, kafkaClusterId: string): Promise<KafkaAccess & { id: string }> {
  const k = await clusterInScope(db, scope, kafkaClusterId);
  if (!isServing("KafkaCluster", k.status) || !k.bootstrapServers || !k.adminUsername || !k.adminPasswordEncrypted) {
    throw conflict(
      `The Kafka cluster "${k.name}" is not serving yet (status ${k.status.toLowerCase()}); try again once it runs.`,
      "kafkaClusterId",
    );
  }
  const key = env().WEIR_SECRET_KEY;
  if (!key) throw new AppError("UNAVAILABLE", "WEIR_SECRET_KEY is not set: start Weir with `pnpm start`.");
  return {
    id: k.id,
    bootstrap: k.bootstrapServers,
    username: k.adminUsername,
    password: decryptSecret(k.adminPasswordEncrypted, key),
    protocol: k.securityProtocol === "SASL_SSL" ? ("SASL_SSL" as const) : ("SASL_PLAINTEXT" as const),
    caPem: k.caCertPem,
  };
}

/**
 * Analyses (never runs) a job's SQL over its view as the job will see it: an empty DataFrame with
 * the declared schema (and watermark), registered as `view` in a throwaway session of the compute
 * cluster's connect server. Throws AppError NOT_FOUND for another tenant's cluster and CONFLICT
 * when the cluster or its connect server is not running (callers may then skip the check).
 */
export async function validateJobSql(db: Db, scope: OrgScope, input: ValidateJobSqlInput): Promise<JobSqlValidation> {
  const { cluster, target } = await connectTarget(db, scope, input.computeClusterId);
  const client = new SparkConnectClient({ host: target.host, port: target.port, userId: "weir-validate" });
  const failed = (field: "sql" | "schema" | "watermark", e: unknown): JobSqlValidation => {
    const mapped = toAppError(e, cluster.name, []);
    if (!(mapped instanceof AppError) || mapped.code !== "VALIDATION_FAILED") throw mapped;
    return { ok: false, field, errorClass: (e as SparkSqlError).errorClass, message: mapped.message };
  };
  try {
    const empty: Relation = { local_relation: { schema: input.schema } };
    try {
      await client.schema(empty, { timeoutMs: ANALYZE_TIMEOUT_MS });
    } catch (e) {
      return failed("schema", e);
    }
    const source: Relation = input.watermark
      ? {
          with_watermark: {
            input: empty,
            event_time: input.watermark.column,
            delay_threshold: input.watermark.delay,
          },
        }
      : empty;
    try {
      await client.createTempView(input.view, source, { timeoutMs: ANALYZE_TIMEOUT_MS });
    } catch (e) {
      return failed(input.watermark ? "watermark" : "schema", e);
    }
    // Spark drops a watermark from a batch plan before resolving it: its column is checked here.
    if (input.watermark) {
      const column = input.watermark.column;
      let type: string | undefined;
      try {
        const quoted = `\`${column.replace(/`/g, "``")}\``;
        const columns = await client.schema(
          { sql: { query: `SELECT ${quoted} FROM ${input.view}` } },
          { timeoutMs: ANALYZE_TIMEOUT_MS },
        );
        type = columns[0]?.type;
      } catch (e) {
        return failed("watermark", e);
      }
      if (type !== "timestamp" && type !== "timestamp_ntz") {
        return {
          ok: false,
          field: "watermark",
          errorClass: "EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE",
          message: `[EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE] The event time \`${column}\` has the invalid type ${type}, but expected "TIMESTAMP".`,
        };
      }
    }
    try {
      const columns = await client.schema({ sql: { query: input.sql } }, { timeoutMs: ANALYZE_TIMEOUT_MS });
      return { ok: true, columns };
    } catch (e) {
      return failed("sql", e);
    }
  } finally {
    await client.close().catch(() => {});
  }
}

export function workspaceService(db: Db) {
  /** Registers the requested topics as views of the session (only those new or changed). */
  async function registerViews(
    session: Session,
    input: z.infer<typeof workspaceQueryInput>,
    kafka: KafkaAccess & { id: string },
  ) {
    for (const v of input.views) {
      const raw = `${RAW_VIEW_PREFIX}${v.view}`;
      const signature = JSON.stringify([
        kafka.id,
        kafka.bootstrap,
        kafka.username,
        kafka.password,
        v.topic,
        v.schema ?? "",
      ]);
      if (session.views.get(v.view) === signature) continue;
      session.views.delete(v.view);
      await session.client.createTempView(raw, kafkaRead(v.topic, kafka), { timeoutMs: ANALYZE_TIMEOUT_MS });
      await session.client.createTempView(
        v.view,
        { sql: { query: topicViewQuery(raw, v.schema) } },
        { timeoutMs: ANALYZE_TIMEOUT_MS },
      );
      session.views.set(v.view, signature);
    }
  }

  return {
    /** Runs SQL over topics registered as views; see the file's header. */
    async query(scope: OrgScope, input: z.infer<typeof workspaceQueryInput>): Promise<WorkspaceResult> {
      const started = performance.now();
      requireRole(scope.role, "DEVELOPER", "query topics in the SQL workspace");
      const { cluster, target } = await connectTarget(db, scope, input.id);
      const kafkaClusterId = input.kafkaClusterId ?? cluster.kafkaClusterId;
      if (input.views.length > 0 && !kafkaClusterId) {
        throw invalid("kafkaClusterId", "Choose the Kafka cluster the topics are on");
      }
      const kafka = input.views.length > 0 ? await kafkaAccess(db, scope, kafkaClusterId!) : null;
      const secrets = kafka ? [kafka.password] : [];
      const key = `${scope.orgId}:${cluster.id}`;
      for (let attempt = 1; ; attempt++) {
        const session = sessionFor(key, target);
        try {
          const result = await serially(session, async () => {
            if (kafka) await registerViews(session, input, kafka);
            return session.client.sql(input.sql, { maxRows: input.limit, timeoutMs: QUERY_TIMEOUT_MS });
          });
          // A topic's messages could hold the password as data; it is never handed back.
          const rows =
            kafka && JSON.stringify(result.rows).includes(kafka.password)
              ? (JSON.parse(scrub(JSON.stringify(result.rows), secrets)) as Record<string, unknown>[])
              : result.rows;
          return { ...result, rows, elapsedMs: Math.round(performance.now() - started) };
        } catch (e) {
          // A session the server lost (restart, idle expiry) is opened again, once.
          if (sessionLost(e)) {
            dropSession(key, session);
            if (attempt === 1) continue;
          }
          throw toAppError(e, cluster.name, secrets);
        }
      }
    },

    validateJobSql: (scope: OrgScope, input: ValidateJobSqlInput) => validateJobSql(db, scope, input),
  };
}
