// The job driver interfaces the controller programs against. JobRuntime: each running job is one
// client-mode driver (spark-submit running the job runner) of its compute cluster, supervised by
// Weir (LocalJobRuntime: a process on this host); an instance's group is the compute cluster's id
// and its name the job's id. DeclarativeJobRuntime: the whole job is handed to an operator that
// runs and restarts its driver (Kubernetes: a Spark Operator SparkApplication), and its status is
// read back. Both stop and remove a job the same way (JobDriverLifecycle).
import path from "node:path";
import type { EnsureResult, InstanceDriver } from "../instances.ts";
import type { BatchSqlSpec, JobProgressEvent, JobSpec, PysparkScriptSpec, StreamingSqlSpec } from "./job.ts";
import { jobPaths } from "./job.ts";

/** What a job runs, without the paths of its directory (the driver adds them). */
export type JobRun =
  | Omit<StreamingSqlSpec, "progressFile" | "checkpointDir">
  | (Omit<BatchSqlSpec, "progressFile" | "output"> & { previewRows: number; formats: ("csv" | "json")[] })
  | (Omit<PysparkScriptSpec, "progressFile" | "script" | "checkpointDir"> & { scriptSource: string });

export interface JobCredentials {
  username?: string;
  password?: string;
  jdbcUser?: string;
  jdbcPassword?: string;
}

export interface JobDriverSpec {
  computeClusterId: string;
  jobId: string;
  /** The checkpoint belongs to one attempt: a new attempt starts from an empty one. */
  attempt: number;
  /** spark://host:port of the compute cluster's master. */
  master: string;
  cores: number;
  driverMemoryMb: number;
  executorMemoryMb: number;
  uiPort: number;
  run: JobRun;
  /** Written to a 0600 file in the job's directory, never to the argv, the env or the spec file. */
  credentials: JobCredentials;
}

/** New lines of a driver's progress file from a byte offset (only whole lines are consumed). */
export interface ProgressRead {
  events: JobProgressEvent[];
  /** The offset after the last whole line read. */
  nextOffset: number;
}

/** What every job driver does, whoever runs the driver. */
export interface JobDriverLifecycle {
  /**
   * Local: SIGTERM to the runner (it stops its queries at a committed batch), SIGKILL after
   * `graceMs`, the credentials file deleted. Kubernetes: the SparkApplication deleted (its spec and
   * credentials stay for a start).
   */
  stopDriver(computeClusterId: string, jobId: string, graceMs?: number): Promise<void>;
  /** Stops the driver and deletes everything of the job (checkpoint, logs, results; spec, credentials). */
  removeJob(computeClusterId: string, jobId: string): Promise<void>;
}

export interface JobRuntime extends InstanceDriver, JobDriverLifecycle {
  /** Idempotent: adopts the job's live driver, else writes its spec and credentials files and starts it. */
  ensureDriver(spec: JobDriverSpec): Promise<EnsureResult>;
  /** The attempt the job's checkpoint belongs to (null if none yet). */
  checkpointAttempt(computeClusterId: string, jobId: string): number | null;
  /** Deletes the checkpoint (a restart from scratch) and records the attempt the next one belongs to. */
  resetCheckpoint(computeClusterId: string, jobId: string, attempt: number): Promise<void>;
  /**
   * Progress lines from `offset`; with `untilTerminal` (the driver still runs), the current run's
   * finished, stopped or failed line and what follows it are left unread.
   */
  readProgress(
    computeClusterId: string,
    jobId: string,
    offset: number,
    opts?: { untilTerminal?: boolean },
  ): ProgressRead;
}

/** A job as a whole, for a driver that hands it to an operator. */
export interface DeclarativeJobSpec {
  computeClusterId: string;
  jobId: string;
  /** Each attempt has a checkpoint of its own. */
  attempt: number;
  cores: number;
  driverMemoryMb: number;
  executorMemoryMb: number;
  restartPolicy: "never" | "on-failure" | "always";
  run: JobRun;
  /** The Weir Kafka cluster the job's topics are on (its brokers' CA is trusted), if any. */
  kafkaClusterId: string | null;
  /** Kept in a secret store of the platform (a Kubernetes Secret), never in the spec. */
  credentials: JobCredentials;
}

/** What a declarative driver reads back about a job (null: no application exists). */
export interface ObservedJob {
  status: "QUEUED" | "STARTING" | "RUNNING" | "FINISHED" | "FAILED";
  statusReason: string;
  /** The driver runs (metered from `startedAt`). */
  running: boolean;
  startedAt: Date | null;
  /** The application ended and the operator will not run it again. */
  terminal: boolean;
  /** The job's attempt the application was applied for (its checkpoint's), if labelled. */
  jobAttempt: number | null;
  applicationId: string | null;
  /** The Spark UI's address, as the operator reports it. */
  uiAddress: string | null;
  attempts: number;
}

export interface DeclarativeJobRuntime extends JobDriverLifecycle {
  readonly kind: "kubernetes";
  /** Idempotent: applies the job's spec, credentials and application (nothing changes if nothing did). */
  applyJob(spec: DeclarativeJobSpec): Promise<void>;
  observeJob(computeClusterId: string, jobId: string): Promise<ObservedJob | null>;
}

/** A terminal line: the run ended (the process exits right after it). */
export const isTerminalEvent = (e: JobProgressEvent) =>
  e.event === "finished" || e.event === "stopped" || e.event === "failed";

/** The runner's spec file for a job run in `jobDir` (pure). */
export function runnerSpec(jobId: string, jobDir: string, run: JobRun): JobSpec {
  const p = jobPaths(jobDir);
  const base = { jobId, progressFile: p.progressFile };
  switch (run.kind) {
    case "streaming-sql":
      return { ...run, ...base, checkpointDir: p.checkpointDir };
    case "batch-sql": {
      const { previewRows, formats, ...rest } = run;
      return {
        ...rest,
        ...base,
        output: { previewFile: p.previewFile, previewRows, resultDir: p.resultDir, formats },
      };
    }
    case "pyspark-script": {
      const { scriptSource: _source, ...rest } = run;
      return { ...rest, ...base, script: scriptPath(jobDir), checkpointDir: p.checkpointDir };
    }
  }
}

/** Where a PySpark job's script is written in its directory. */
export const scriptPath = (jobDir: string) => path.join(jobDir, "script.py");
