// The reconcile loop every kind shares: a de-duplicating work queue fed by Postgres NOTIFY
// and a periodic full resync; a per-resource advisory lock so two controllers never work on
// the same resource; status written after every attempt, failed or not; retries with
// exponential back-off; and an ordered shutdown.
import type { Db } from "@weir/db";
import { NOTIFY_CHANNEL, parseNotifyPayload, setCondition, type Condition } from "@weir/domain";
import pg from "pg";
import { ReconcileError, type Reconciler, type StatusRecord } from "./types.ts";

export interface ControllerOptions {
  db: Db;
  databaseUrl: string;
  reconcilers: Reconciler[];
  concurrency?: number;
  resyncIntervalMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  log?: (level: "debug" | "info" | "warn" | "error", msg: string) => void;
}

interface Item {
  kind: string;
  id: string;
}

const keyOf = (i: Item) => `${i.kind}:${i.id}`;

export class Controller {
  private readonly reconcilers: Map<string, Reconciler>;
  private readonly queue = new Map<string, Item>();
  private readonly running = new Set<string>();
  /** Running reconciles per kind with slots of its own, and in the shared slots. */
  private readonly runningOwn = new Map<string, number>();
  private runningShared = 0;
  /** Keys whose reconcile was asked for again while running: run once more afterwards. */
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private lockPool: pg.Pool;
  private listener: pg.Client | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly abort = new AbortController();
  private readonly log: NonNullable<ControllerOptions["log"]>;
  /** Completed reconcile attempts, for tests and metrics. */
  attempts = 0;
  /** Tries to take a resource's lock, and those refused because another controller held it. */
  lockTries = 0;
  lockRefusals = 0;

  constructor(private readonly opts: ControllerOptions) {
    this.reconcilers = new Map(opts.reconcilers.map((r) => [r.kind, r]));
    const ownSlots = opts.reconcilers.reduce((n, r) => n + (r.concurrency ?? 0), 0);
    this.lockPool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: (opts.concurrency ?? 4) + ownSlots + 1,
    });
    // An idle connection the server closes (a restart, shutdown) must not crash the process.
    this.lockPool.on("error", (e) => this.log("warn", `lock connection lost: ${e.message}`));
    this.log = opts.log ?? (() => undefined);
  }

  async start(): Promise<void> {
    this.listener = new pg.Client({ connectionString: this.opts.databaseUrl });
    this.listener.on("notification", (n) => {
      const item = parseNotifyPayload(n.payload ?? "");
      if (item && this.reconcilers.has(item.kind)) this.enqueue(item);
    });
    this.listener.on("error", (e) => this.log("error", `notification connection failed: ${e.message}`));
    await this.listener.connect();
    await this.listener.query(`LISTEN ${NOTIFY_CHANNEL}`);
    await this.resync();
    this.resyncTimer = setInterval(() => {
      this.resync().catch((e: unknown) => this.log("error", `resync failed: ${String(e)}`));
    }, this.opts.resyncIntervalMs ?? 30_000);
  }

  /** Stops in order: no new work, wait for running reconciles, then close connections. */
  async stop(timeoutMs = 20_000): Promise<void> {
    this.stopping = true;
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.queue.clear();
    await this.listener?.end().catch(() => undefined);
    const drained = Promise.allSettled([...this.inFlight]);
    const timedOut = await Promise.race([
      drained.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), timeoutMs).unref()),
    ]);
    if (timedOut) {
      this.log("warn", "reconciles still running at shutdown; cancelling them");
      this.abort.abort();
      await drained;
    }
    await this.lockPool.end();
  }

  enqueue(item: Item): void {
    if (this.stopping) return;
    const key = keyOf(item);
    if (this.running.has(key)) {
      this.dirty.add(key);
      return;
    }
    const t = this.timers.get(key);
    if (t) {
      clearTimeout(t);
      this.timers.delete(key);
    }
    this.queue.set(key, item);
    this.pump();
  }

  /** Every resource of every kind goes through the loop again. */
  async resync(): Promise<void> {
    for (const r of this.reconcilers.values()) {
      for (const id of await r.listIds(this.opts.db)) {
        const key = keyOf({ kind: r.kind, id });
        // A resource waiting out a back-off keeps waiting.
        if (!this.timers.has(key)) this.enqueue({ kind: r.kind, id });
      }
    }
  }

  /** Resolves once nothing is queued or running (tests use it to wait for the loop). */
  async idle(): Promise<void> {
    while (this.queue.size > 0 || this.running.size > 0) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private pump(): void {
    const limit = this.opts.concurrency ?? 4;
    for (const [key, item] of this.queue) {
      if (this.stopping) return;
      const own = this.reconcilers.get(item.kind)?.concurrency;
      if (own ? (this.runningOwn.get(item.kind) ?? 0) >= own : this.runningShared >= limit) continue;
      const count = (d: number) =>
        own ? this.runningOwn.set(item.kind, (this.runningOwn.get(item.kind) ?? 0) + d) : (this.runningShared += d);
      this.queue.delete(key);
      this.running.add(key);
      count(1);
      const p = this.work(item).finally(() => {
        this.running.delete(key);
        count(-1);
        this.inFlight.delete(p);
        if (this.dirty.delete(key)) this.enqueue(item);
        this.pump();
      });
      this.inFlight.add(p);
    }
  }

  private schedule(item: Item, delayMs: number): void {
    if (this.stopping) return;
    const key = keyOf(item);
    clearTimeout(this.timers.get(key));
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.enqueue(item);
    }, delayMs);
    t.unref();
    this.timers.set(key, t);
  }

  private async work(item: Item): Promise<void> {
    const r = this.reconcilers.get(item.kind)!;
    const key = keyOf(item);
    let lockClient: pg.PoolClient;
    try {
      lockClient = await this.lockPool.connect();
    } catch (e) {
      this.log("error", `cannot reach Postgres for a lock: ${String(e)}`);
      this.schedule(item, this.nextBackoff(key));
      return;
    }
    try {
      this.lockTries++;
      const { rows } = await lockClient.query<{ ok: boolean }>(
        "SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS ok",
        [item.kind, item.id],
      );
      // Another controller holds it; the next resync tries again.
      if (!rows[0]?.ok) {
        this.lockRefusals++;
        return;
      }
      try {
        await this.reconcileOnce(r, item);
      } finally {
        await lockClient.query("SELECT pg_advisory_unlock(hashtext($1), hashtext($2))", [item.kind, item.id]);
      }
    } catch (e) {
      this.log("error", `${key}: ${String(e)}`);
    } finally {
      lockClient.release();
    }
  }

  private nextBackoff(key: string): number {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    const { initialMs, maxMs } = this.opts.backoff ?? { initialMs: 1000, maxMs: 60_000 };
    return Math.min(maxMs, initialMs * 2 ** (n - 1));
  }

  private async reconcileOnce(r: Reconciler, item: Item): Promise<void> {
    const { db } = this.opts;
    const key = keyOf(item);
    const current = await r.readStatus(db, item.id);
    if (!current) {
      this.failures.delete(key);
      return;
    }
    const event = async (e: { type: "NORMAL" | "WARNING"; reason: string; message: string }) => {
      await db.resourceEvent.create({
        data: { orgId: current.orgId, kind: r.kind, resourceId: item.id, ...e, message: e.message.slice(0, 8000) },
      });
    };
    this.attempts++;
    try {
      const outcome = await r.reconcile({ db, id: item.id, current, event, signal: this.abort.signal });
      let conditions = current.conditions;
      for (const c of outcome.conditions ?? []) {
        conditions = setCondition(conditions, { ...c, observedGeneration: current.generation });
      }
      await this.writeIfChanged(r, item.id, current, {
        status: outcome.status,
        statusReason: outcome.statusReason,
        conditions,
        observedGeneration: current.generation,
      });
      this.failures.delete(key);
      if (outcome.requeueAfterMs !== undefined) this.schedule(item, outcome.requeueAfterMs);
    } catch (e) {
      const err =
        e instanceof ReconcileError
          ? e
          : new ReconcileError("InternalError", e instanceof Error ? e.message : String(e), "system", { cause: e });
      const conditions = setCondition(current.conditions, {
        type: "Reconciled",
        status: "False",
        reason: err.reason,
        message: err.message,
        observedGeneration: current.generation,
      });
      // A user's mistake stays FAILED until they change the spec; our own failures are retried.
      await this.writeIfChanged(r, item.id, current, {
        status: err.fault === "user" ? "FAILED" : current.status,
        statusReason: err.fault === "user" ? err.message : `Retrying: ${err.message}`,
        conditions,
        observedGeneration: current.generation,
      }).catch((w: unknown) => this.log("error", `${key}: cannot write status: ${String(w)}`));
      await event({ type: "WARNING", reason: err.reason, message: err.message }).catch(() => undefined);
      this.log("warn", `${key}: ${err.reason}: ${err.message}`);
      this.schedule(item, this.nextBackoff(key));
    }
  }

  private async writeIfChanged(
    r: Reconciler,
    id: string,
    current: StatusRecord,
    next: { status: string; statusReason: string; conditions: Condition[]; observedGeneration: number },
  ): Promise<void> {
    const same =
      current.status === next.status &&
      current.statusReason === next.statusReason &&
      current.observedGeneration === next.observedGeneration &&
      JSON.stringify(current.conditions) === JSON.stringify(next.conditions);
    if (!same) await r.writeStatus(this.opts.db, id, next);
  }
}
