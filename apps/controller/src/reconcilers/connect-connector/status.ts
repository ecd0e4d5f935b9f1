// A connector's status as a pure function of what Connect's REST API reported in one pass (the
// connector's state and each task's) and what the user asked for. Unit-tested without a JVM.
import type { ReconcileOutcome } from "../../framework/types.ts";

export interface ConnectorObservation {
  desiredState: "RUNNING" | "PAUSED";
  /** Connect's status of the connector, or null when Connect does not know it yet. */
  state: string | null;
  trace: string | null;
  tasks: { id: number; state: string; trace: string | null }[];
  /** The config was just put (created or changed) in this pass. */
  applied: boolean;
}

const CAUSED_BY = /^Caused by: /;

/**
 * The first lines of a Java trace: the exception and what caused it, not the whole stack. The
 * deepest cause (often the database's own sentence) is kept even when the chain is longer.
 */
export function traceHead(trace: string | null | undefined, lines = 6): string | null {
  if (!trace) return null;
  const all = trace.split("\n").filter((l) => !/^\s+at /.test(l) && !/^\s+\.\.\. \d+ more/.test(l));
  let head = all.slice(0, lines);
  const root = all.findLast((l) => CAUSED_BY.test(l));
  if (root && !head.includes(root)) head = [...head.slice(0, lines - 1), root];
  return head.join("\n").slice(0, 2000);
}

/** What a trace says went wrong, for a status line: its deepest cause, or its first line. */
export function traceReason(t: string | null): string {
  const lines = (t ?? "").split("\n");
  const root = lines.findLast((l) => CAUSED_BY.test(l));
  return (root ? root.replace(CAUSED_BY, "") : lines[0]!).slice(0, 400);
}

/** Connect is asked again soon while things move, every few seconds once settled (it does not notify). */
const POLL_MS = 5000;
const FAST_MS = 1000;

export function connectorStatus(o: ConnectorObservation): ReconcileOutcome {
  if (o.state === null) {
    return {
      status: "PROVISIONING",
      statusReason: "Waiting for Connect to start the connector",
      requeueAfterMs: FAST_MS,
    };
  }
  if (o.state === "FAILED") {
    const why = traceReason(o.trace) || "no trace";
    return {
      status: "FAILED",
      statusReason: `The connector failed: ${why}`,
      conditions: [{ type: "Ready", status: "False", reason: "ConnectorFailed", message: why }],
      requeueAfterMs: POLL_MS,
    };
  }
  const failed = o.tasks.filter((t) => t.state === "FAILED");
  if (failed.length > 0) {
    const t = failed[0]!;
    const reason = `${failed.length} of ${o.tasks.length} tasks failed (task ${t.id}: ${traceReason(t.trace) || "no trace"})`;
    return {
      status: failed.length === o.tasks.length ? "FAILED" : "DEGRADED",
      statusReason: reason,
      conditions: [{ type: "Ready", status: "False", reason: "TaskFailed", message: reason }],
      requeueAfterMs: POLL_MS,
    };
  }
  if (o.desiredState === "PAUSED") {
    if (o.state === "PAUSED" && o.tasks.every((t) => t.state === "PAUSED")) {
      return { status: "PAUSED", statusReason: "Paused", requeueAfterMs: POLL_MS };
    }
    return { status: "UPDATING", statusReason: `Pausing (Connect says ${o.state})`, requeueAfterMs: FAST_MS };
  }
  const running = o.tasks.filter((t) => t.state === "RUNNING").length;
  if (o.state === "RUNNING" && o.tasks.length > 0 && running === o.tasks.length && !o.applied) {
    return {
      status: "RUNNING",
      statusReason: `Running with ${o.tasks.length} task${o.tasks.length === 1 ? "" : "s"}`,
      conditions: [{ type: "Ready", status: "True", reason: "Running", message: "The connector and every task run" }],
      requeueAfterMs: POLL_MS,
    };
  }
  return {
    status: "PROVISIONING",
    statusReason: `Starting: connector ${o.state.toLowerCase()}, ${running} of ${o.tasks.length} tasks running`,
    requeueAfterMs: FAST_MS,
  };
}
