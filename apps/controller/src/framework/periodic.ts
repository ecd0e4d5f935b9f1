// Periodic tasks (metrics sampling, metering, any later one) run under a lease in Postgres: one
// controller at a time holds a task, renews the lease each run, and another takes it over only
// once the holder's lease has expired. So two controllers never sample or meter the same thing
// twice (each sampler adds its own counter deltas to the byte totals, which would double data
// transfer), and a dead controller's tasks move on within one lease.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Db } from "@weir/db";

export interface PeriodicTaskOptions {
  db: Db;
  /** The lease's name: one holder per name across every controller. */
  name: string;
  intervalMs: number;
  run(): Promise<unknown>;
  /** Who this process is; unique per controller process by default. */
  holder?: string;
  /** How long a lease lasts without renewal; 3 intervals (at least 30 s) by default. */
  leaseMs?: number;
  log?: (level: "debug" | "info" | "warn" | "error", msg: string) => void;
}

export const processHolder = () => `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;

/** Takes or renews the lease; true if `holder` holds it now. */
export async function acquireLease(db: Db, name: string, holder: string, leaseMs: number): Promise<boolean> {
  const rows = await db.$queryRaw<{ holder: string }[]>`
    INSERT INTO task_leases (name, holder, expires_at)
    VALUES (${name}, ${holder}, now() + ${leaseMs} * interval '1 millisecond')
    ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
    WHERE task_leases.holder = EXCLUDED.holder OR task_leases.expires_at < now()
    RETURNING holder`;
  return rows.length === 1;
}

export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.taskLease.deleteMany({ where: { name, holder } });
}

export class PeriodicTask {
  readonly holder: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<boolean> | undefined;
  /** Ticks that tried to take the lease, and those that held it and ran (tests read them). */
  attempts = 0;
  runs = 0;

  constructor(private readonly opts: PeriodicTaskOptions) {
    this.holder = opts.holder ?? processHolder();
  }

  private get leaseMs(): number {
    return this.opts.leaseMs ?? Math.max(30_000, this.opts.intervalMs * 3);
  }

  /** Runs once now, then every interval. */
  start(): void {
    const tick = () => void this.tick();
    this.timer = setInterval(tick, this.opts.intervalMs);
    this.timer.unref();
    tick();
  }

  /** One tick: runs the task if this process holds (or can take) the lease. A tick under way is joined. */
  tick(): Promise<boolean> {
    this.running ??= this.tryRun()
      .catch((e: unknown) => {
        this.opts.log?.("warn", `${this.opts.name}: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async tryRun(): Promise<boolean> {
    this.attempts++;
    if (!(await acquireLease(this.opts.db, this.opts.name, this.holder, this.leaseMs))) return false;
    this.runs++;
    await this.opts.run();
    return true;
  }

  /** Stops ticking, waits for a run under way, and gives the lease up for another controller. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await releaseLease(this.opts.db, this.opts.name, this.holder).catch(() => undefined);
  }
}
