// A Connect cluster's status as a pure function of what one pass observed: the worker processes
// (from the driver) and whether each worker's REST API answers. Unit-tested without a JVM.
import type { ResourceStatus } from "@weir/db";
import type { ReconcileOutcome } from "../../framework/types.ts";
import { plural } from "../kafka-cluster/status.ts";

export interface ConnectWorkerObservation {
  index: number;
  running: boolean;
  /** Its REST API answered (the worker joined its group). */
  ready: boolean;
  /** Being removed: not restarted, not counted as down. */
  leaving: boolean;
  lastExit: string | null;
}

export interface ConnectObservation {
  firstRun: boolean;
  workerCount: number;
  workers: ConnectWorkerObservation[];
  /** Workers are being added or removed, or the cluster has not run since its worker count changed. */
  scaling: boolean;
}

const FAST_REQUEUE_MS = 500;

const exit = (lastExit: string | null) => (lastExit ? ` (last exit ${lastExit})` : "");
const staying = (o: ConnectObservation) => o.workers.filter((w) => !w.leaving);

export function isReady(o: ConnectObservation): boolean {
  const s = staying(o);
  return s.length >= o.workerCount && s.every((w) => w.running && w.ready);
}

/** Steps done of all: internal topics and access (done once workers run), each worker ready, the cluster ready. */
export function connectProgress(o: ConnectObservation, prepared: number): { done: number; total: number } {
  const total = 2 + Math.max(o.workerCount, staying(o).length) + 1;
  const done = prepared + staying(o).filter((w) => w.running && w.ready).length + (isReady(o) ? 1 : 0);
  return { done: Math.min(done, total), total };
}

export function workerStatus(
  w: ConnectWorkerObservation,
  firstRun: boolean,
): { status: ResourceStatus; statusReason: string } {
  if (w.leaving) return { status: "DELETING", statusReason: "Stopping; Connect moves its tasks to the other workers" };
  if (w.running && w.ready) return { status: "RUNNING", statusReason: "REST API answers" };
  if (w.running) return { status: "PROVISIONING", statusReason: "Process running, REST API not answering yet" };
  return {
    status: firstRun ? "PROVISIONING" : "DEGRADED",
    statusReason: `Not running${exit(w.lastExit)}; restart pending`,
  };
}

/** Waiting for something before any worker can start (the Kafka cluster, topics, the user's ACLs). */
export function waiting(reason: string, firstRun: boolean, current: string): ReconcileOutcome {
  return {
    status: firstRun ? "PROVISIONING" : current === "FAILED" ? "FAILED" : "DEGRADED",
    statusReason: reason,
    conditions: [{ type: "Ready", status: "False", reason: "Waiting", message: reason }],
    requeueAfterMs: 1000,
  };
}

export function connectStatus(o: ConnectObservation): ReconcileOutcome {
  const s = staying(o);
  const ready = s.filter((w) => w.running && w.ready).length;
  if (isReady(o) && !o.workers.some((w) => w.leaving)) {
    return {
      status: "RUNNING",
      statusReason: `${plural(ready, "worker")} serving`,
      conditions: [
        { type: "Ready", status: "True", reason: "Running", message: "Every worker's REST API answers" },
        { type: "Scaled", status: "True", reason: "Scaled", message: plural(ready, "worker") },
      ],
      requeueAfterMs: 10_000,
    };
  }
  if (o.firstRun) {
    return {
      status: "PROVISIONING",
      statusReason: `Starting workers: ${ready} of ${o.workerCount} answering`,
      conditions: [{ type: "Ready", status: "False", reason: "Provisioning", message: "Connect is starting" }],
      requeueAfterMs: FAST_REQUEUE_MS,
    };
  }
  const down = s.filter((w) => !w.running);
  if (o.scaling && down.length === 0) {
    return {
      status: "UPDATING",
      statusReason: `Scaling to ${plural(o.workerCount, "worker")}: ${ready} of ${o.workerCount} answering`,
      requeueAfterMs: FAST_REQUEUE_MS,
    };
  }
  const parts: string[] = [];
  for (const w of down) parts.push(`worker ${w.index} is down${exit(w.lastExit)}, restarting`);
  const silent = s.filter((w) => w.running && !w.ready);
  if (silent.length > 0) parts.push(`${silent.map((w) => `worker ${w.index}`).join(", ")} not answering yet`);
  if (parts.length === 0) parts.push("workers are being removed");
  return {
    status: "DEGRADED",
    statusReason: `Degraded: ${parts.join("; ")}`,
    conditions: [{ type: "Ready", status: "False", reason: "Degraded", message: parts.join("; ") }],
    requeueAfterMs: FAST_REQUEUE_MS,
  };
}
