// A job's status as pure functions of what one pass observed: its driver process, the runner's
// progress lines and the restart policy. Unit-tested without a JVM.
import type { RestartPolicy } from "@weir/domain/rules";
import type { JobProgressEvent } from "@weir/runtime/jobs";
import type { ReconcileOutcome } from "../../framework/types.ts";

/** While a driver starts or stops, look again soon. */
export const FAST_REQUEUE_MS = 500;
/** While it runs: new progress lines become samples within this long. */
export const RUNNING_REQUEUE_MS = 2000;
/** While it waits for its compute cluster, Kafka user or ACLs. */
export const QUEUED_REQUEUE_MS = 1000;

/** How the runner said its run ended (its last line), if it did. */
export type RunEnd =
  { event: "finished" } | { event: "stopped" } | { event: "failed"; errorClass: string; message: string } | null;

export interface ExitInput {
  kind: string;
  restartPolicy: RestartPolicy | string;
  /** Exit code or signal name, when this controller saw the exit; null otherwise. */
  lastExit: string | null;
  /** Weir stopped it on purpose (its shutdown): start it again, nothing failed. */
  planned: boolean;
  end: RunEnd;
}

export type ExitDecision =
  | { action: "finish"; reason: string }
  | { action: "restart"; why: string }
  | { action: "fail"; errorClass: string | null; reason: string };

/**
 * Python and py4j errors that follow a lost JVM or network (not Py4JJavaError: that is the JVM's
 * answer to the user's code), and Spark's wrapper of a streaming query's runtime failure
 * (executor lost, broker unreachable): a new driver may well succeed.
 * Every other error class (Spark's analysis errors such as UNRESOLVED_COLUMN, a script's own
 * exception) fails the same way again, so it is the user's to fix and never restarted.
 */
const TRANSIENT =
  /^(Py4JError|Py4JNetworkError|Connection\w*Error|BrokenPipeError|EOFError|TimeoutError|STREAM_FAILED)$/;

export const isTransientError = (errorClass: string) => TRANSIENT.test(errorClass);

const isSignal = (lastExit: string | null) => !!lastExit && /^SIG/.test(lastExit);

export const failureReason = (errorClass: string, message: string) =>
  message.startsWith(`[${errorClass}]`) ? message : `${errorClass}: ${message}`;

/** What to do about a driver that is no longer running though the job should run. */
export function exitDecision(i: ExitInput): ExitDecision {
  if (i.planned) return { action: "restart", why: "it was stopped with Weir" };
  const clean = i.end?.event === "finished" || i.end?.event === "stopped" || (i.end === null && i.lastExit === "0");
  if (clean) {
    if (i.kind === "streaming-sql" && i.restartPolicy === "always") {
      return { action: "restart", why: "the stream ended and the restart policy is always" };
    }
    return {
      action: "finish",
      reason: i.kind === "streaming-sql" ? "The stream ended" : "Finished: the driver exited cleanly",
    };
  }
  const failed = i.end?.event === "failed" ? i.end : null;
  const reason = failed
    ? failureReason(failed.errorClass, failed.message)
    : `The driver exited unexpectedly (${i.lastExit ? `exit ${i.lastExit}` : "exit status unknown"})`;
  if (i.restartPolicy === "never") return { action: "fail", errorClass: failed?.errorClass ?? null, reason };
  // A killed driver's runner reports the lost JVM: the kill is the cause, not its error.
  if (failed && !isSignal(i.lastExit) && !isTransientError(failed.errorClass)) {
    return { action: "fail", errorClass: failed.errorClass, reason };
  }
  return { action: "restart", why: reason };
}

/** The run's end among the lines read: the last terminal line not followed by a new run's start. */
export function runEnd(events: JobProgressEvent[]): RunEnd {
  let end: RunEnd = null;
  for (const e of events) {
    if (e.event === "running") end = null;
    else if (e.event === "finished" || e.event === "stopped") end = { event: e.event };
    else if (e.event === "failed") end = { event: "failed", errorClass: e.errorClass, message: e.message };
  }
  return end;
}

export interface JobObservation {
  kind: string;
  driverRunning: boolean;
  /** Spark's application id of the current run, once the runner said it runs. */
  applicationId: string | null;
  restartCount: number;
  /** The driver exited and waits out its back-off before a restart. */
  restarting: { lastExit: string | null } | null;
  /** The last micro-batch seen, for a streaming job. */
  lastBatch: { batchId: number; numInputRows: number } | null;
}

const restarts = (n: number) => (n > 0 ? ` (restarted ${n === 1 ? "once" : `${n} times`})` : "");

/** The status of a job whose driver should run (the other statuses are decided by their steps). */
export function jobStatus(o: JobObservation): ReconcileOutcome {
  if (o.driverRunning && o.applicationId) {
    const batch = o.lastBatch ? `; batch ${o.lastBatch.batchId} read ${o.lastBatch.numInputRows} rows` : "";
    return {
      status: "RUNNING",
      statusReason: `Running as ${o.applicationId}${batch}${restarts(o.restartCount)}`,
      conditions: [
        { type: "Ready", status: "True", reason: "Running", message: `Spark application ${o.applicationId}` },
      ],
      requeueAfterMs: RUNNING_REQUEUE_MS,
    };
  }
  if (o.driverRunning) {
    return {
      status: "STARTING",
      statusReason: `The driver is starting and connecting to the cluster${restarts(o.restartCount)}`,
      conditions: [{ type: "Ready", status: "False", reason: "Starting", message: "The driver is starting" }],
      requeueAfterMs: FAST_REQUEUE_MS,
    };
  }
  const exit = o.restarting?.lastExit ? ` (exit ${o.restarting.lastExit})` : "";
  return {
    status: "STARTING",
    statusReason: `The driver exited${exit}; restarting it after a back-off${restarts(o.restartCount)}`,
    conditions: [{ type: "Ready", status: "False", reason: "Restarting", message: `The driver exited${exit}` }],
    requeueAfterMs: FAST_REQUEUE_MS,
  };
}

export const queued = (reason: string): ReconcileOutcome => ({
  status: "QUEUED",
  statusReason: reason,
  conditions: [{ type: "Ready", status: "False", reason: "Queued", message: reason }],
  requeueAfterMs: QUEUED_REQUEUE_MS,
});

export const stopped = (): ReconcileOutcome => ({
  status: "STOPPED",
  statusReason: "Stopped on request; start it again to resume from its checkpoint",
  conditions: [{ type: "Ready", status: "False", reason: "Stopped", message: "Stopped on request" }],
});

export const finished = (reason: string): ReconcileOutcome => ({
  status: "FINISHED",
  statusReason: reason,
  conditions: [{ type: "Ready", status: "False", reason: "Finished", message: reason }],
});

export const failed = (reason: string): ReconcileOutcome => {
  const r = `Failed: ${reason}`.slice(0, 2000);
  return {
    status: "FAILED",
    statusReason: r,
    conditions: [{ type: "Ready", status: "False", reason: "Failed", message: r }],
  };
};
