// Instance policy, shared by every kind of managed instance (Kafka nodes now; Spark masters,
// workers and job drivers, Connect workers next): start or adopt what should run, restart a
// crashed instance with back-off, count crashes while a resource first starts and give up after
// a limit, reset the count once an instance has been stable, announce adoptions and crashes
// with the log lines that explain them, and keep run intervals (what metering bills) in step
// with what actually runs.
import { randomUUID } from "node:crypto";
import type { Db, UsageDimension } from "@weir/db";
import {
  PLANNED_EXIT,
  RuntimeSetupError,
  type EnsureResult,
  type InstanceDriver,
  type ObservedInstance,
} from "@weir/runtime";
import { releasePorts } from "./ports.ts";
import type { EventInput, ReconcileOutcome } from "./types.ts";

export interface InstancePolicy {
  /** Event reasons start with it: "Broker" → BrokerExited, BrokerAdopted, BrokerStarted. */
  eventPrefix: string;
  /** Crashes in a row while the resource first starts before it is FAILED. */
  maxStartFailures: number;
  /** An instance up this long has its crash count reset. */
  stableAfterMs: number;
  backoffMs(restarts: number): number;
}

export const defaultInstancePolicy = (eventPrefix: string): InstancePolicy => ({
  eventPrefix,
  maxStartFailures: 3,
  stableAfterMs: 60_000,
  backoffMs: (restarts) => Math.min(60_000, 1000 * 2 ** Math.max(0, restarts - 1)),
});

/** What the policy reads of an instance's row. */
export interface InstanceRow {
  id: string;
  /** The driver's name for it ("1", "worker-2"). */
  name: string;
  /** How a user calls it: "node 1", "worker 2". */
  label: string;
  pid: number | null;
  startedAt: Date | null;
  lastRestartAt: Date | null;
  restartCount: number;
}

/** What the policy writes back to an instance's row. */
export interface InstancePatch {
  pid?: number | null;
  startedAt?: Date | null;
  lastRestartAt?: Date;
  restartCount?: number;
  status?: "PROVISIONING";
  statusReason?: string;
}

/** Why an instance could not be kept running; `setup` faults (no JDK…) fail the resource at once. */
export class InstanceStartError extends Error {
  constructor(
    readonly kind: "setup" | "crashLoop" | "spawn",
    message: string,
  ) {
    super(message);
  }
}

export interface KeepRunningInput {
  policy: InstancePolicy;
  rows: InstanceRow[];
  observed: Map<string, ObservedInstance>;
  /** The resource has never run yet: crashes count towards maxStartFailures. */
  firstRun: boolean;
  start(row: InstanceRow): Promise<EnsureResult>;
  logTail(row: InstanceRow): string;
  update(id: string, patch: InstancePatch): Promise<void>;
  event(e: EventInput): Promise<void>;
  now?: number;
}

export interface KeepRunningResult {
  /** Instances (re)started in this pass: whatever a remote view says, they are not up yet. */
  startedNow: Set<string>;
  failures: InstanceStartError[];
}

/** Starts or adopts every instance that is not running, honouring back-off. Idempotent. */
export async function keepInstancesRunning(input: KeepRunningInput): Promise<KeepRunningResult> {
  const startedNow = new Set<string>();
  const failures: InstanceStartError[] = [];
  await Promise.all(
    input.rows.map(async (row) => {
      try {
        const started = await keepOneRunning(input, row);
        if (started) startedNow.add(row.name);
      } catch (e) {
        failures.push(asStartError(e, row));
      }
    }),
  );
  return { startedNow, failures };
}

async function keepOneRunning(input: KeepRunningInput, row: InstanceRow): Promise<boolean> {
  const { policy, event } = input;
  const obs = input.observed.get(row.name);
  const now = input.now ?? Date.now();
  if (obs?.running) {
    if (!obs.managed || row.pid !== obs.pid) {
      // Running, but not started by this controller: one an earlier controller started.
      const res = await input.start(row);
      await input.update(row.id, { pid: res.pid, startedAt: obs.startedAt });
      if (res.outcome === "adopted") await announceAdoption(event, policy, row, res.pid);
    } else if (row.restartCount > 0 && obs.startedAt && now - obs.startedAt.getTime() > policy.stableAfterMs) {
      await input.update(row.id, { restartCount: 0 });
    }
    return false;
  }
  // Stopped on purpose with Weir (`pnpm start`'s shutdown): start it again, no crash counted.
  const planned = obs?.lastExit === PLANNED_EXIT;
  const crashed = row.startedAt !== null && !planned;
  if (crashed && row.lastRestartAt && now - row.lastRestartAt.getTime() < policy.backoffMs(row.restartCount)) {
    return false;
  }
  if (crashed) {
    const tail = failureExcerpt(input.logTail(row));
    await event({
      type: "WARNING",
      reason: `${policy.eventPrefix}Exited`,
      message: `${capitalise(row.label)} stopped${obs?.lastExit ? ` (exit ${obs.lastExit})` : ""}; restarting it (attempt ${row.restartCount + 1}). Last log lines:\n${tail}`,
    });
    if (input.firstRun && row.restartCount + 1 >= policy.maxStartFailures) {
      throw new InstanceStartError(
        "crashLoop",
        `${row.label} exited ${policy.maxStartFailures} times while starting: ${lastMeaningfulLine(tail)}`,
      );
    }
  }
  const res = await input.start(row);
  await input.update(row.id, {
    pid: res.pid,
    startedAt: new Date(now),
    lastRestartAt: new Date(now),
    restartCount: crashed ? row.restartCount + 1 : undefined,
    status: "PROVISIONING",
    statusReason: "Starting",
  });
  if (res.outcome === "adopted") await announceAdoption(event, policy, row, res.pid);
  else if (planned) {
    await event({
      type: "NORMAL",
      reason: `${policy.eventPrefix}Started`,
      message: `${capitalise(row.label)} was stopped with Weir; started it again (pid ${res.pid}).`,
    });
  }
  return res.outcome === "started";
}

function announceAdoption(event: KeepRunningInput["event"], policy: InstancePolicy, row: InstanceRow, pid: number) {
  return event({
    type: "NORMAL",
    reason: `${policy.eventPrefix}Adopted`,
    message: `${capitalise(row.label)} (pid ${pid}) was already running; adopted it.`,
  });
}

function asStartError(e: unknown, row: InstanceRow): InstanceStartError {
  if (e instanceof InstanceStartError) return e;
  if (e instanceof RuntimeSetupError) return new InstanceStartError("setup", e.message);
  return new InstanceStartError("spawn", `${row.label} could not start: ${e instanceof Error ? e.message : String(e)}`);
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A log line that says what went wrong. */
const isErrorLine = (line: string) => /ERROR|FATAL|Exception|Caused by|OutOfMemoryError/.test(line);

/** The first distinct error lines of a log tail and its last lines: what a user needs. */
export function failureExcerpt(tail: string): string {
  const lines = tail.split("\n");
  const errors = [...new Set(lines.filter(isErrorLine))].slice(0, 5);
  const last = lines.slice(-10);
  return [...errors, ...(errors.length ? ["…"] : []), ...last].join("\n").slice(0, 6000);
}

export function lastMeaningfulLine(tail: string): string {
  const lines = tail.split("\n").filter(isErrorLine);
  return (lines.at(-1) ?? tail.split("\n").at(-1) ?? "").slice(0, 400);
}

// ---------------------------------------------------------------- run intervals (metering)

export interface MeteredResource {
  orgId: string;
  resourceKind: string;
  resourceId: string;
  resourceName: string;
}

export interface MeteredInstance {
  instanceId: string;
  running: boolean;
  startedAt: Date | null;
  /** What a running instance is billed for, one run interval each. */
  meters: { dimension: UsageDimension; sku: string; quantity: number }[];
}

/** Opens a run interval per meter of each running instance; closes those of stopped ones. */
export async function syncRunIntervals(db: Db, owner: MeteredResource, instances: MeteredInstance[]): Promise<void> {
  const now = new Date();
  const open = await db.runInterval.findMany({
    where: { instanceId: { in: instances.map((i) => i.instanceId) }, endedAt: null },
    select: { instanceId: true, dimension: true },
  });
  const isOpen = new Set(open.map((o) => `${o.instanceId}|${o.dimension}`));
  const toOpen = instances
    .filter((i) => i.running)
    .flatMap((i) =>
      i.meters
        .filter((m) => !isOpen.has(`${i.instanceId}|${m.dimension}`))
        .map((m) => ({ id: randomUUID(), ...owner, instanceId: i.instanceId, startedAt: i.startedAt ?? now, ...m })),
    );
  if (toOpen.length > 0) await db.runInterval.createMany({ data: toOpen });
  const stopped = instances.filter((i) => !i.running && open.some((o) => o.instanceId === i.instanceId));
  await closeRunIntervals(
    db,
    stopped.map((i) => i.instanceId),
    now,
  );
}

export async function closeRunIntervals(db: Db, instanceIds: string[], at = new Date()): Promise<void> {
  if (instanceIds.length === 0) return;
  await db.runInterval.updateMany({ where: { instanceId: { in: instanceIds }, endedAt: null }, data: { endedAt: at } });
}

// ---------------------------------------------------------------- a resource's instances as a whole

/**
 * A resource that could not start leaves nothing half-running: `stopAll` stops every instance,
 * their run intervals close, and the outcome (FAILED, with the reason) is announced.
 */
export async function failStart(
  db: Db,
  event: (e: EventInput) => Promise<void>,
  opts: { what: string; why: string; instanceIds: string[]; stopAll(): Promise<unknown> },
): Promise<ReconcileOutcome> {
  await opts.stopAll();
  await closeRunIntervals(db, opts.instanceIds);
  const reason = `The ${opts.what} could not start: ${opts.why}`.slice(0, 1000);
  await event({ type: "WARNING", reason: "ProvisioningFailed", message: reason });
  return {
    status: "FAILED",
    statusReason: reason,
    conditions: [{ type: "Ready", status: "False", reason: "ProvisioningFailed", message: reason }],
  };
}

/** A deleted resource's instances: run intervals closed, processes and data gone, ports given back. */
export async function removeInstances(
  db: Db,
  driver: InstanceDriver,
  group: string,
  instanceIds: string[],
): Promise<void> {
  await closeRunIntervals(db, instanceIds);
  await driver.deleteGroup(group);
  await releasePorts(db, instanceIds);
}
