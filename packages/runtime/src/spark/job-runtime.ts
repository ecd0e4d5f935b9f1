// The job driver interface the controller programs against: each running job is one client-mode
// driver (spark-submit running the job runner) of its compute cluster. The local driver
// (LocalJobRuntime: a supervised process on this host) implements it today; a Kubernetes one next.
// An instance's group is the compute cluster's id and its name the job's id.
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

export interface JobRuntime extends InstanceDriver {
  /** Idempotent: adopts the job's live driver, else writes its spec and credentials files and starts it. */
  ensureDriver(spec: JobDriverSpec): Promise<EnsureResult>;
  /** SIGTERM to the runner (it stops its queries at a committed batch), SIGKILL after `graceMs`; the credentials file is deleted. */
  stopDriver(computeClusterId: string, jobId: string, graceMs?: number): Promise<void>;
  /** Stops the driver and deletes the job's directory (checkpoint, logs, results). */
  removeJob(computeClusterId: string, jobId: string): Promise<void>;
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
