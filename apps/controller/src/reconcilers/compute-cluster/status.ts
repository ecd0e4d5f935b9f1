// A compute cluster's status as a pure function of what one pass observed: the processes (from
// the driver) and the Spark master's own view (/json/). Unit-tested without a JVM.
import type { ResourceStatus } from "@weir/db";
import type { ReconcileOutcome } from "../../framework/types.ts";
import { plural } from "../kafka-cluster/status.ts";

export interface WorkerObservation {
  index: number;
  running: boolean;
  /** The master lists it ALIVE. */
  registered: boolean;
  /** Being removed: not restarted, not counted as down. */
  leaving: boolean;
  lastExit: string | null;
}

export interface ComputeObservation {
  firstRun: boolean;
  workerCount: number;
  master: { running: boolean; alive: boolean; lastExit: string | null };
  workers: WorkerObservation[];
  /** Workers are being added or removed, or the cluster has not run since its worker count changed. */
  scaling: boolean;
  /** The Spark Connect server (the SQL workspace), if the cluster has its row yet. */
  connect?: ConnectObservation | null;
}

export interface ConnectObservation {
  running: boolean;
  /** Its gRPC port accepted a connection. */
  answers: boolean;
  lastExit: string | null;
}

/** While Spark is starting or scaling, look again soon: a worker registers within a second. */
const FAST_REQUEUE_MS = 250;

const exit = (lastExit: string | null) => (lastExit ? ` (last exit ${lastExit})` : "");

export function isReady(o: ComputeObservation): boolean {
  return o.master.running && o.master.alive && o.workers.every((w) => w.leaving || (w.running && w.registered));
}

/** Steps done of all: the master alive, each worker registered, then the cluster ready. */
export function computeProgress(o: ComputeObservation): { done: number; total: number } {
  const staying = o.workers.filter((w) => !w.leaving);
  const total = 2 + Math.max(o.workerCount, staying.length);
  const done =
    (o.master.alive ? 1 : 0) + staying.filter((w) => w.running && w.registered).length + (isReady(o) ? 1 : 0);
  return { done: Math.min(done, total), total };
}

export function workerStatus(
  w: WorkerObservation,
  firstRun: boolean,
): { status: ResourceStatus; statusReason: string } {
  if (w.leaving) return { status: "DELETING", statusReason: "Decommissioning, then stopping" };
  if (w.running && w.registered) return { status: "RUNNING", statusReason: "Registered with the master" };
  if (w.running) return { status: "PROVISIONING", statusReason: "Process running, not registered with the master yet" };
  return {
    status: firstRun ? "PROVISIONING" : "DEGRADED",
    statusReason: `Not running${exit(w.lastExit)}; restart pending`,
  };
}

export function masterStatus(
  m: ComputeObservation["master"],
  firstRun: boolean,
): { status: ResourceStatus; statusReason: string } {
  if (m.running && m.alive) return { status: "RUNNING", statusReason: "ALIVE" };
  if (m.running) return { status: "PROVISIONING", statusReason: "Process running, not ALIVE yet" };
  return {
    status: firstRun ? "PROVISIONING" : "DEGRADED",
    statusReason: `Not running${exit(m.lastExit)}; restart pending`,
  };
}

/**
 * The connect server's own status. It never changes the cluster's: a cluster runs jobs without
 * it, and the workspace API answers 409 with this reason while it is not RUNNING.
 */
export function connectStatus(
  c: ConnectObservation,
  masterAlive: boolean,
): { status: ResourceStatus; statusReason: string } {
  if (c.running && c.answers) return { status: "RUNNING", statusReason: "Serving SQL (Spark Connect)" };
  if (c.running) return { status: "PROVISIONING", statusReason: "Starting: the Spark Connect port is not open yet" };
  if (!masterAlive) return { status: "PROVISIONING", statusReason: "Waiting for the master to be ALIVE" };
  return { status: "DEGRADED", statusReason: `Not running${exit(c.lastExit)}; restart pending` };
}

export function computeStatus(o: ComputeObservation): ReconcileOutcome {
  const staying = o.workers.filter((w) => !w.leaving);
  const registered = staying.filter((w) => w.running && w.registered).length;
  // Ready with no worker left to remove: RUNNING (and a change of worker count is done).
  if (isReady(o) && !o.workers.some((w) => w.leaving)) {
    return {
      status: "RUNNING",
      statusReason: `Master ALIVE, ${plural(registered, "worker")} registered`,
      conditions: [
        {
          type: "Ready",
          status: "True",
          reason: "Running",
          message: "The master is ALIVE and every worker registered",
        },
        { type: "Scaled", status: "True", reason: "Scaled", message: plural(registered, "worker") },
      ],
      // A connect server still starting is looked at again soon, so the workspace opens when it can.
      requeueAfterMs: o.connect && !o.connect.answers ? 1000 : 5000,
    };
  }
  if (o.firstRun) {
    return {
      status: "PROVISIONING",
      statusReason: !o.master.alive
        ? "Starting the master"
        : `Starting workers: ${registered} of ${o.workerCount} registered`,
      conditions: [{ type: "Ready", status: "False", reason: "Provisioning", message: "Spark is starting" }],
      requeueAfterMs: FAST_REQUEUE_MS,
    };
  }
  const down = staying.filter((w) => !w.running);
  const unregistered = staying.filter((w) => w.running && !w.registered);
  // Adding or removing workers, with nothing down: the new ones are still registering.
  if (o.scaling && o.master.running && o.master.alive && down.length === 0) {
    return {
      status: "UPDATING",
      statusReason: `Scaling to ${plural(o.workerCount, "worker")}: ${registered} of ${o.workerCount} registered`,
      requeueAfterMs: FAST_REQUEUE_MS,
    };
  }
  const parts: string[] = [];
  if (!o.master.running) parts.push(`the master is down${exit(o.master.lastExit)}, restarting`);
  else if (!o.master.alive) parts.push("the master is not ALIVE yet");
  for (const w of down) parts.push(`worker ${w.index} is down${exit(w.lastExit)}, restarting`);
  if (unregistered.length > 0 && o.master.alive) {
    parts.push(`${unregistered.map((w) => `worker ${w.index}`).join(", ")} not registered with the master yet`);
  }
  return {
    status: "DEGRADED",
    statusReason: `Degraded: ${parts.join("; ")}`,
    conditions: [{ type: "Ready", status: "False", reason: "Degraded", message: parts.join("; ") }],
    requeueAfterMs: FAST_REQUEUE_MS,
  };
}
