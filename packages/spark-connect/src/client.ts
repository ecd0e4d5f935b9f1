// A small Spark Connect client: runs SQL over gRPC (ExecutePlan with a SQL relation) and decodes
// the Arrow IPC batches that come back. One client is one Spark session: every call carries the
// same session id, so temporary views registered by one call are seen by the next.
import { randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import { env } from "@weir/env";
import { DataType as ArrowType, tableFromIPC, type Field } from "apache-arrow";
import { currentProtos, extractProtos, loadProtos, type SparkConnectProtos } from "./protos.ts";

export interface SparkConnectClientOptions {
  host: string;
  port: number;
  /** Spark's user id for the session (its UI and logs show it). Default "weir". */
  userId?: string;
  /** A UUID; a new one by default. Spark requires the UUID format. */
  sessionId?: string;
  /** The spark-connect jar whose protos to use; default: those setup extracted from the pinned one (currentProtos). */
  connectJar?: string;
  /** Where extracted protos are cached; default WEIR_CACHE_DIR. */
  cacheDir?: string;
  /** Row limit of sql() when the call gives none. Default 1000. */
  maxRows?: number;
}

export interface SqlOptions {
  /** The call fails with SparkSqlError (errorClass "TIMEOUT") after this long; the Spark operation is interrupted. */
  timeoutMs?: number;
  /** At most this many rows are returned (`truncated` says when there were more). */
  maxRows?: number;
}

export interface SqlColumn {
  name: string;
  /** Spark's type name: int, bigint, double, string, timestamp, decimal(10,2), array<int>, … */
  type: string;
}

export interface SqlResult {
  columns: SqlColumn[];
  rows: Record<string, unknown>[];
  /** True when the query had more rows than the limit. */
  truncated: boolean;
}

/**
 * An error Spark reported for a statement: `errorClass` is Spark's error class
 * (TABLE_OR_VIEW_NOT_FOUND, PARSE_SYNTAX_ERROR, UNRESOLVED_COLUMN.WITH_SUGGESTION, …), or
 * UNAVAILABLE (no server), TIMEOUT, CANCELLED, INTERNAL when Spark gave none.
 */
export class SparkSqlError extends Error {
  override name = "SparkSqlError";
  constructor(
    readonly errorClass: string,
    message: string,
    readonly sqlState?: string,
    /** The gRPC status code. */
    readonly code?: number,
  ) {
    super(message);
  }
}

export const DEFAULT_MAX_ROWS = 1000;
const CLIENT_TYPE = "weir";

interface SparkDataType {
  kind?: string;
  [k: string]: unknown;
}

const SIMPLE_TYPES: Record<string, string> = {
  null: "void",
  binary: "binary",
  boolean: "boolean",
  byte: "tinyint",
  short: "smallint",
  integer: "int",
  long: "bigint",
  float: "float",
  double: "double",
  string: "string",
  date: "date",
  timestamp: "timestamp",
  timestamp_ntz: "timestamp_ntz",
  calendar_interval: "interval",
  variant: "variant",
  time: "time",
};

/** Spark's name of a spark.connect.DataType (as decoded by proto-loader with oneofs). */
export function sparkTypeName(t: SparkDataType | undefined): string {
  const kind = t?.kind;
  if (!t || !kind) return "unknown";
  const v = (t[kind] ?? {}) as Record<string, unknown>;
  if (SIMPLE_TYPES[kind]) return SIMPLE_TYPES[kind];
  switch (kind) {
    case "decimal":
      return `decimal(${v.precision ?? 10},${v.scale ?? 0})`;
    case "char":
      return `char(${v.length})`;
    case "var_char":
      return `varchar(${v.length})`;
    case "array":
      return `array<${sparkTypeName(v.element_type as SparkDataType)}>`;
    case "map":
      return `map<${sparkTypeName(v.key_type as SparkDataType)},${sparkTypeName(v.value_type as SparkDataType)}>`;
    case "struct":
      return `struct<${((v.fields ?? []) as { name: string; data_type: SparkDataType }[])
        .map((f) => `${f.name}:${sparkTypeName(f.data_type)}`)
        .join(",")}>`;
    case "year_month_interval":
      return "interval year to month";
    case "day_time_interval":
      return "interval day to second";
    default:
      return kind;
  }
}

/** An Arrow field's type as a Spark-ish name, for when Spark sent no schema message. */
function arrowTypeName(f: Field): string {
  const t = f.type;
  if (ArrowType.isInt(t)) return ({ 8: "tinyint", 16: "smallint", 32: "int", 64: "bigint" } as const)[t.bitWidth];
  if (ArrowType.isFloat(t)) return t.precision === 1 ? "float" : "double";
  if (ArrowType.isUtf8(t) || ArrowType.isLargeUtf8(t)) return "string";
  if (ArrowType.isBool(t)) return "boolean";
  if (ArrowType.isTimestamp(t)) return t.timezone ? "timestamp" : "timestamp_ntz";
  if (ArrowType.isDate(t)) return "date";
  if (ArrowType.isDecimal(t)) return `decimal(${t.precision},${t.scale})`;
  if (ArrowType.isBinary(t)) return "binary";
  if (ArrowType.isNull(t)) return "void";
  return String(t).toLowerCase();
}

/** A value from Arrow made plain for JSON: bigints as numbers (strings beyond 2^53), timestamps as Dates. */
function plain(value: unknown, type: ArrowType): unknown {
  if (value === null || value === undefined) return null;
  if (ArrowType.isTimestamp(type)) {
    // apache-arrow gives epoch milliseconds as a number (bigint for some units).
    return new Date(Number(value));
  }
  if (ArrowType.isDate(type)) {
    const d = value instanceof Date ? value : new Date(Number(value));
    return d.toISOString().slice(0, 10);
  }
  if (ArrowType.isDecimal(type)) {
    return decimalString(value, type.scale);
  }
  if (typeof value === "bigint") {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (ArrowType.isList(type) || ArrowType.isFixedSizeList(type)) {
    const child = type.children[0]!.type;
    return Array.from(value as Iterable<unknown>, (v) => plain(v, child));
  }
  if (ArrowType.isStruct(type)) {
    const row = value as Record<string, unknown>;
    return Object.fromEntries(type.children.map((c) => [c.name, plain(row[c.name], c.type)]));
  }
  if (ArrowType.isMap(type)) {
    const m = value as { toJSON(): Record<string, unknown> };
    return m.toJSON();
  }
  return value;
}

/** An Arrow decimal (a 128-bit little-endian integer as Uint32Array words) as a decimal string. */
function decimalString(value: unknown, scale: number): string {
  let n: bigint;
  if (value instanceof Uint32Array) {
    n = 0n;
    for (let i = value.length - 1; i >= 0; i--) n = (n << 32n) | BigInt(value[i]!);
    const bits = BigInt(value.length * 32);
    if (n >> (bits - 1n)) n -= 1n << bits; // two's complement
  } else {
    n = BigInt(String(value).split(".")[0]!);
  }
  const neg = n < 0n;
  let s = (neg ? -n : n).toString();
  if (scale > 0) {
    s = s.padStart(scale + 1, "0");
    s = `${s.slice(0, -scale)}.${s.slice(-scale)}`;
  }
  return neg ? `-${s}` : s;
}

/** The Spark error class carried by a gRPC error: from google.rpc.ErrorInfo, else from "[CLASS] …". */
export function toSparkSqlError(err: grpc.ServiceError, protos: SparkConnectProtos): SparkSqlError {
  let errorClass: string | undefined;
  let sqlState: string | undefined;
  for (const raw of err.metadata?.get("grpc-status-details-bin") ?? []) {
    try {
      const status = protos.Status.decode(raw as Buffer) as unknown as {
        details?: { type_url: string; value: Uint8Array }[];
      };
      for (const d of status.details ?? []) {
        if (!d.type_url.endsWith("/google.rpc.ErrorInfo")) continue;
        const info = protos.ErrorInfo.decode(d.value) as unknown as { metadata?: Record<string, string> };
        errorClass ??= info.metadata?.errorClass;
        sqlState ??= info.metadata?.sqlState;
      }
    } catch {
      // undecodable details: fall back to the message
    }
  }
  const message = err.details || err.message;
  errorClass ??= /^\[([A-Z0-9_.]+)\]/.exec(message)?.[1];
  if (!errorClass) {
    errorClass =
      err.code === grpc.status.UNAVAILABLE
        ? "UNAVAILABLE"
        : err.code === grpc.status.DEADLINE_EXCEEDED
          ? "TIMEOUT"
          : err.code === grpc.status.CANCELLED
            ? "CANCELLED"
            : "INTERNAL";
  }
  return new SparkSqlError(errorClass, message, sqlState, err.code);
}

/**
 * A spark.connect.Relation as proto-loader takes it (snake_case fields), e.g.
 * `{ read: { data_source: { format: "kafka", options: {…} } } }` or `{ sql: { query } }`.
 */
export type Relation = Record<string, unknown>;

interface ExecuteResponse {
  arrow_batch?: { row_count: string; data: Buffer };
  schema?: SparkDataType;
}

export class SparkConnectClient {
  readonly sessionId: string;
  readonly userId: string;
  private readonly opts: SparkConnectClientOptions;
  private ready?: Promise<{ stub: grpc.Client; protos: SparkConnectProtos }>;
  private closed = false;

  constructor(opts: SparkConnectClientOptions) {
    this.opts = opts;
    this.sessionId = opts.sessionId ?? randomUUID();
    this.userId = opts.userId ?? "weir";
  }

  private connect(): Promise<{ stub: grpc.Client; protos: SparkConnectProtos }> {
    this.ready ??= (async () => {
      const cacheDir = this.opts.cacheDir ?? env().WEIR_CACHE_DIR;
      const jar = this.opts.connectJar;
      const protos = loadProtos(jar ? await extractProtos(jar, cacheDir) : currentProtos(cacheDir));
      const stub = new protos.Service(`${this.opts.host}:${this.opts.port}`, grpc.credentials.createInsecure(), {
        // Arrow batches can be large; Spark's own default cap is 128 MiB.
        "grpc.max_receive_message_length": 128 << 20,
      });
      return { stub, protos };
    })();
    return this.ready;
  }

  private base() {
    return {
      session_id: this.sessionId,
      user_context: { user_id: this.userId },
      client_type: CLIENT_TYPE,
    };
  }

  /** Runs one SQL statement (a query, or DDL such as CREATE TEMPORARY VIEW) in this client's session. */
  async sql(query: string, opts: SqlOptions = {}): Promise<SqlResult> {
    const maxRows = opts.maxRows ?? this.opts.maxRows ?? DEFAULT_MAX_ROWS;
    // The limit runs in Spark: one row more than wanted tells whether there were more.
    const responses = await this.execute(
      { root: { limit: { input: { sql: { query } }, limit: maxRows + 1 } } },
      opts.timeoutMs,
    );
    return decode(responses, maxRows);
  }

  /**
   * Registers `relation` (a spark.connect.Relation, e.g. a `read.data_source` with options kept
   * out of any SQL text) as a temporary view of this session, replacing one of the same name.
   */
  async createTempView(name: string, relation: Relation, opts: { timeoutMs?: number } = {}): Promise<void> {
    await this.execute(
      { command: { create_dataframe_view: { input: relation, name, is_global: false, replace: true } } },
      opts.timeoutMs,
    );
  }

  /** The columns `relation` would return, from Spark's analyser: nothing runs. */
  async schema(relation: Relation, opts: { timeoutMs?: number } = {}): Promise<SqlColumn[]> {
    if (this.closed) throw new Error("SparkConnectClient is closed");
    const { stub, protos } = await this.connect();
    const callOpts: grpc.CallOptions = opts.timeoutMs ? { deadline: new Date(Date.now() + opts.timeoutMs) } : {};
    const res = await new Promise<{ schema?: { schema?: SparkDataType } }>((resolve, reject) =>
      (
        stub as unknown as {
          AnalyzePlan(req: unknown, o: grpc.CallOptions, cb: (err: grpc.ServiceError | null, r: unknown) => void): void;
        }
      ).AnalyzePlan({ ...this.base(), schema: { plan: { root: relation } } }, callOpts, (err, r) =>
        err ? reject(toSparkSqlError(err, protos)) : resolve(r as { schema?: { schema?: SparkDataType } }),
      ),
    );
    return structColumns(res.schema?.schema) ?? [];
  }

  /** Runs a plan (a relation at `root`, or a `command`) and collects the responses. */
  private async execute(plan: Record<string, unknown>, timeoutMs?: number): Promise<ExecuteResponse[]> {
    if (this.closed) throw new Error("SparkConnectClient is closed");
    const { stub, protos } = await this.connect();
    const operationId = randomUUID();
    const request = { ...this.base(), operation_id: operationId, plan };
    const callOpts: grpc.CallOptions = timeoutMs ? { deadline: new Date(Date.now() + timeoutMs) } : {};
    const responses: ExecuteResponse[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const call = (
          stub as unknown as {
            ExecutePlan(req: unknown, opts: grpc.CallOptions): grpc.ClientReadableStream<ExecuteResponse>;
          }
        ).ExecutePlan(request, callOpts);
        call.on("data", (r: ExecuteResponse) => responses.push(r));
        call.on("error", reject);
        call.on("end", resolve);
      });
    } catch (err) {
      const e = toSparkSqlError(err as grpc.ServiceError, protos);
      if (e.code === grpc.status.DEADLINE_EXCEEDED) {
        this.interrupt(operationId);
        throw new SparkSqlError("TIMEOUT", `The query did not finish within ${timeoutMs} ms and was cancelled.`);
      }
      throw e;
    }
    return responses;
  }

  /** Asks Spark to cancel an operation (best effort: errors are ignored). */
  private interrupt(operationId: string): void {
    void this.connect().then(({ stub }) =>
      (stub as unknown as { Interrupt(req: unknown, cb: (err: unknown) => void): void }).Interrupt(
        { ...this.base(), interrupt_type: "INTERRUPT_TYPE_OPERATION_ID", operation_id: operationId },
        () => {},
      ),
    );
  }

  /** Releases the Spark session (its temp views go) and closes the channel. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.ready) return;
    const { stub } = await this.ready;
    await new Promise<void>((resolve) => {
      (stub as unknown as { ReleaseSession(req: unknown, o: grpc.CallOptions, cb: () => void): void }).ReleaseSession(
        { session_id: this.sessionId, user_context: { user_id: this.userId }, client_type: CLIENT_TYPE },
        { deadline: new Date(Date.now() + 2000) },
        () => resolve(),
      );
    });
    stub.close();
  }
}

/** The columns of a struct spark.connect.DataType (a result's schema). */
function structColumns(schema: SparkDataType | undefined): SqlColumn[] | undefined {
  if (schema?.kind !== "struct") return undefined;
  const fields = ((schema.struct as { fields?: { name: string; data_type: SparkDataType }[] }).fields ?? []) as {
    name: string;
    data_type: SparkDataType;
  }[];
  return fields.map((f) => ({ name: f.name, type: sparkTypeName(f.data_type) }));
}

function decode(responses: ExecuteResponse[], maxRows: number): SqlResult {
  let columns: SqlColumn[] | undefined;
  let arrowFields: Field[] | undefined;
  const rows: Record<string, unknown>[] = [];
  let total = 0;
  for (const r of responses) {
    if (!r.arrow_batch) continue;
    const table = tableFromIPC(r.arrow_batch.data);
    arrowFields ??= table.schema.fields;
    total += table.numRows;
    const fields = table.schema.fields;
    for (const batchRow of table) {
      if (rows.length >= maxRows) break;
      const raw = batchRow as unknown as Record<string, unknown>;
      const row: Record<string, unknown> = {};
      for (const f of fields) row[f.name] = plain(raw[f.name], f.type);
      rows.push(row);
    }
  }
  columns = structColumns(responses.find((r) => r.schema)?.schema);
  columns ??= (arrowFields ?? []).map((f) => ({ name: f.name, type: arrowTypeName(f) }));
  return { columns, rows, truncated: total > maxRows };
}
