// Jobs on compute clusters, pure builders: the spec file the runner (runner/weir_job_runner.py)
// reads, the spark-submit argv and env of a client-mode driver, and the parser of the runner's
// progress lines. Nothing here starts a process or writes a file.
//
// Secrets never appear in the argv or the spec: the Kafka (and JDBC) credentials go in a 0600
// JSON file whose path is the env var WEIR_CREDENTIALS_FILE (see jobCredentialsFile).
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The runner shipped with Weir (the only Python in the project). Built from this module's own
 * path rather than `new URL("./runner/…", import.meta.url)`, which the console's bundler turns
 * into a static asset URL that is not a file (the console imports this module but never runs jobs).
 */
export const JOB_RUNNER_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), "runner", "weir_job_runner.py");

/** Heaps below about 450 MiB are refused by Spark (INVALID_DRIVER_MEMORY). */
export const MIN_DRIVER_MEMORY_MB = 512;

export interface JobKafka {
  bootstrap: string;
  securityProtocol?: "SASL_PLAINTEXT" | "PLAINTEXT" | "SASL_SSL";
  saslMechanism?: "SCRAM-SHA-512";
  /** A PEM file of the CA that signed the brokers' TLS certificates (SASL_SSL: a Strimzi cluster). */
  truststore?: string;
  /** The CA itself, PEM (SASL_SSL: a Weir cluster's own CA), as ssl.truststore.certificates. */
  caPem?: string;
}

export type JobSink =
  | { type: "kafka"; topic: string; keyColumn?: string; kafka?: JobKafka }
  | { type: "postgres"; url: string; table: string; keyColumns: string[]; stagingTable?: string };

interface JobSpecBase {
  jobId: string;
  name?: string;
  progressFile: string;
  kafka?: JobKafka;
}

export interface StreamingSqlSpec extends JobSpecBase {
  kind: "streaming-sql";
  kafka: JobKafka;
  sources: string[];
  format: { type: "json"; schema: string };
  view: string;
  sql: string;
  watermark?: { column: string; delay: string };
  sink: JobSink;
  /** e.g. "1 second" */
  trigger: string;
  outputMode?: "update" | "append" | "complete";
  startingOffsets?: "earliest" | "latest";
  maxOffsetsPerTrigger?: number;
  checkpointDir: string;
  /** The Kafka source's consumer-group prefix (the job's ACLs allow groups with it only). */
  groupIdPrefix?: string;
}

export interface BatchSqlSpec extends JobSpecBase {
  kind: "batch-sql";
  kafka: JobKafka;
  sources: string[];
  format: { type: "json"; schema: string };
  view: string;
  sql: string;
  /** Epoch milliseconds; without them the topic's current contents. */
  startingTimestamp?: number;
  endingTimestamp?: number;
  groupIdPrefix?: string;
  output: { previewFile: string; previewRows: number; resultDir: string; formats: ("csv" | "json")[] };
}

export interface PysparkScriptSpec extends JobSpecBase {
  kind: "pyspark-script";
  script: string;
  args: string[];
  checkpointDir?: string;
  /** Given to the script as weir["group_id_prefix"]. */
  groupIdPrefix?: string;
}

export type JobSpec = StreamingSqlSpec | BatchSqlSpec | PysparkScriptSpec;

/**
 * A job's directory on this host: under its compute cluster's, so deleting the cluster removes
 * it and Weir's shutdown (stopAllLocalInstances) stops its driver with the rest.
 */
export const localJobDir = (dataDir: string, computeClusterId: string, jobId: string) =>
  path.join(dataDir, "spark", computeClusterId, "jobs", jobId);

/** Where one attempt of a job keeps its files, all under the job's data dir. */
export function jobPaths(jobDir: string) {
  return {
    specFile: path.join(jobDir, "job-spec.json"),
    progressFile: path.join(jobDir, "progress.jsonl"),
    credentialsFile: path.join(jobDir, "credentials.json"),
    checkpointDir: path.join(jobDir, "checkpoint"),
    warehouseDir: path.join(jobDir, "warehouse"),
    localDir: path.join(jobDir, "local"),
    resultDir: path.join(jobDir, "result"),
    previewFile: path.join(jobDir, "preview.jsonl"),
    driverLog: path.join(jobDir, "driver.log"),
  };
}

/** The spec file's text; throws on a spec that carries something that looks like a secret. */
export function jobSpecJson(spec: JobSpec): string {
  const text = JSON.stringify(spec, null, 2);
  if (/"(password|sasl\.jaas\.config|kafka\.sasl\.jaas\.config)"\s*:/i.test(text)) {
    throw new Error("a job spec must not carry credentials; put them in the credentials file");
  }
  return text + "\n";
}

/** The credentials file's text (write it with mode 0600; the runner refuses anything looser). */
export function jobCredentialsFile(creds: {
  username?: string;
  password?: string;
  jdbcUser?: string;
  jdbcPassword?: string;
}): string {
  return JSON.stringify(creds) + "\n";
}

export interface JobSubmitInput {
  sparkHome: string;
  python: string;
  extraJars: string[];
  javaHome?: string;
  /** spark://127.0.0.1:7077 (or local[n] for a driver without a cluster). */
  master: string;
  jobId: string;
  attempt: number;
  jobDir: string;
  cores: number;
  driverMemoryMb: number;
  executorMemoryMb: number;
  uiPort: number;
  /** Usually JOB_RUNNER_PATH. */
  runnerPath?: string;
  /** spark.sql.shuffle.partitions (pinned by the checkpoint): defaults to 2 × cores. */
  shufflePartitions?: number;
  conf?: Record<string, string>;
}

/** The marker in the driver's JVM command line by which a restarted controller finds it. */
export const jobMarker = (jobId: string, attempt: number) => `-Dweir.job=${jobId}:${attempt}`;

/** spark-submit argv (argv[0] is the spark-submit path) for a client-mode driver running the runner. */
export function jobSubmitArgs(input: JobSubmitInput): string[] {
  if (!Number.isInteger(input.cores) || input.cores < 1) throw new Error(`cores must be a positive integer`);
  if (/[\s]/.test(input.jobId)) throw new Error(`job id must not contain whitespace`);
  const p = jobPaths(input.jobDir);
  const driverMb = Math.max(MIN_DRIVER_MEMORY_MB, Math.round(input.driverMemoryMb));
  const executorMb = Math.max(MIN_DRIVER_MEMORY_MB, Math.round(input.executorMemoryMb));
  const conf: Record<string, string> = {
    "spark.cores.max": String(input.cores),
    "spark.executor.cores": String(input.cores),
    "spark.executor.memory": `${executorMb}m`,
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.port": String(input.uiPort),
    "spark.port.maxRetries": "0",
    "spark.jars": input.extraJars.join(","),
    "spark.driver.extraJavaOptions": jobMarker(input.jobId, input.attempt),
    "spark.local.dir": p.localDir,
    "spark.sql.warehouse.dir": p.warehouseDir,
    "spark.sql.streaming.checkpointLocation": p.checkpointDir,
    "spark.sql.shuffle.partitions": String(input.shufflePartitions ?? input.cores * 2),
    "spark.sql.streaming.metricsEnabled": "true",
    "spark.pyspark.python": input.python,
    "spark.pyspark.driver.python": input.python,
    ...input.conf,
  };
  for (const [k, v] of Object.entries(conf)) {
    if (/password|jaas/i.test(k) || /password=/i.test(v)) throw new Error(`conf ${k} looks like a secret`);
  }
  return [
    path.join(input.sparkHome, "bin", "spark-submit"),
    "--master",
    input.master,
    "--deploy-mode",
    "client",
    "--name",
    `weir-job-${input.jobId}`,
    "--driver-memory",
    `${driverMb}m`,
    ...Object.entries(conf).flatMap(([k, v]) => ["--conf", `${k}=${v}`]),
    input.runnerPath ?? JOB_RUNNER_PATH,
    p.specFile,
  ];
}

/** The driver's environment: no secrets in it, only the credentials file's path. */
export function jobEnv(
  input: Pick<JobSubmitInput, "sparkHome" | "python" | "javaHome" | "jobDir">,
  opts: { credentialsFile?: string; base?: Record<string, string | undefined> } = {},
): Record<string, string> {
  const p = jobPaths(input.jobDir);
  const base = opts.base ?? {};
  const env: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "LANG", "LC_ALL", "TZ"]) {
    if (base[k] !== undefined) env[k] = base[k]!;
  }
  Object.assign(env, {
    SPARK_HOME: input.sparkHome,
    PYSPARK_PYTHON: input.python,
    PYSPARK_DRIVER_PYTHON: input.python,
    SPARK_LOCAL_DIRS: p.localDir,
    SPARK_LOCAL_IP: "127.0.0.1",
    PYTHONUNBUFFERED: "1",
    WEIR_CREDENTIALS_FILE: opts.credentialsFile ?? p.credentialsFile,
  });
  if (input.javaHome) env.JAVA_HOME = input.javaHome;
  return env;
}

// ---- progress lines ----

export interface SourceProgress {
  description: string;
  startOffset: unknown;
  endOffset: unknown;
  latestOffset: unknown;
  numInputRows: number;
}

export interface StateOperatorProgress {
  operatorName: string;
  numRowsTotal: number;
  numRowsUpdated: number;
  memoryUsedBytes: number;
}

export type JobProgressEvent =
  | { event: "running"; time: number; kind: JobSpec["kind"]; applicationId: string }
  | { event: "started"; time: number; id: string; runId: string; name: string | null }
  | {
      event: "progress";
      time: number;
      id: string;
      runId: string;
      batchId: number;
      timestamp: string;
      numInputRows: number;
      inputRowsPerSecond: number;
      processedRowsPerSecond: number;
      batchDuration: number;
      durationMs: Record<string, number>;
      watermark: string | null;
      stateOperators: StateOperatorProgress[];
      sources: SourceProgress[];
    }
  | { event: "idle"; time: number; id: string; runId: string; timestamp: string }
  | {
      event: "terminated";
      time: number;
      id: string;
      runId: string;
      exception: string | null;
      errorClass: string | null;
    }
  | { event: "result"; time: number; rows: number; previewRows: number; columns: string[] }
  | { event: "finished"; time: number }
  /** The runner stopped its queries on SIGTERM (Weir stopping the job) and exits 0. */
  | { event: "stopped"; time: number }
  | { event: "failed"; time: number; errorClass: string; message: string };

const KNOWN = new Set([
  "running",
  "started",
  "progress",
  "idle",
  "terminated",
  "result",
  "finished",
  "stopped",
  "failed",
]);

/** One line of the progress file, or undefined for a blank, partial or unknown line. */
export function parseProgressLine(line: string): JobProgressEvent | undefined {
  const t = line.trim();
  if (!t.startsWith("{")) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return undefined; // a line still being written
  }
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.event !== "string" || !KNOWN.has(o.event) || typeof o.time !== "number") return undefined;
  if (o.event === "progress") {
    const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : 0);
    return {
      ...(o as object),
      event: "progress",
      time: o.time,
      batchId: num(o.batchId),
      numInputRows: num(o.numInputRows),
      inputRowsPerSecond: num(o.inputRowsPerSecond),
      processedRowsPerSecond: num(o.processedRowsPerSecond),
      batchDuration: num(o.batchDuration),
      durationMs: (o.durationMs as Record<string, number>) ?? {},
      watermark: typeof o.watermark === "string" ? o.watermark : null,
      stateOperators: Array.isArray(o.stateOperators) ? (o.stateOperators as StateOperatorProgress[]) : [],
      sources: Array.isArray(o.sources) ? (o.sources as SourceProgress[]) : [],
    } as JobProgressEvent;
  }
  if (o.event === "failed") {
    return {
      event: "failed",
      time: o.time,
      errorClass: typeof o.errorClass === "string" ? o.errorClass : "UNKNOWN",
      message: typeof o.message === "string" ? o.message : "",
    };
  }
  return o as unknown as JobProgressEvent;
}

/** All the events of a progress file's text (partial last line skipped). */
export function parseProgress(text: string): JobProgressEvent[] {
  return text.split("\n").flatMap((l) => parseProgressLine(l) ?? []);
}

/**
 * Records behind the end, per source, of a progress event: latestOffset − endOffset summed over
 * partitions (Kafka offsets are {topic: {partition: offset}}).
 */
export function offsetsBehind(src: SourceProgress): number {
  const end = src.endOffset as Record<string, Record<string, number>> | null;
  const latest = src.latestOffset as Record<string, Record<string, number>> | null;
  if (!end || !latest || typeof end !== "object" || typeof latest !== "object") return 0;
  let behind = 0;
  for (const [topic, parts] of Object.entries(latest)) {
    for (const [p, off] of Object.entries(parts ?? {})) {
      behind += Math.max(0, Number(off) - Number(end[topic]?.[p] ?? 0));
    }
  }
  return behind;
}

export * from "./job-files.ts";
