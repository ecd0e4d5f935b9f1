// The metering job (run by a PeriodicTask: on start, then periodically, one controller at a
// time) recomputes hourly usage records from run
// intervals and byte counters, refreshes the invoices of the organisations metered, finalises
// months that ended and raises budget notices. Usage is derived, never accumulated from ticks, so
// missed runs are made up by the next one and repeated runs change nothing.
import type { Db } from "@weir/db";
import { floorHour, invoiceMeteredOrgs, meterUsage, monthStartOf } from "@weir/domain";

const HOUR_MS = 3_600_000;

export interface MeteringJobOptions {
  db: Db;
  log?: (level: "debug" | "info" | "warn" | "error", msg: string) => void;
  /** The clock; tests move it. */
  now?: () => Date;
}

export interface MeteringRun {
  from: Date;
  to: Date;
  intervalRecords: number;
  transferRecords: number;
  invoices: number;
}

export class MeteringJob {
  private running: Promise<MeteringRun> | undefined;
  /** When the last run that succeeded metered up to; unset until the first run. */
  private meteredUpTo: Date | undefined;
  private readonly now: () => Date;
  private readonly log: NonNullable<MeteringJobOptions["log"]>;

  constructor(private readonly opts: MeteringJobOptions) {
    this.now = opts.now ?? (() => new Date());
    this.log = opts.log ?? (() => undefined);
  }

  /**
   * Meters once. The first run of a process recomputes from the start of the previous month, so
   * hours missed while no controller ran are filled; later runs recompute the whole current month
   * (from the hour before the last run when that is earlier, to close out the month just ended),
   * so an interval recorded late is still counted while its month's invoice is open. A run
   * already under way is joined, not doubled.
   */
  runOnce(): Promise<MeteringRun> {
    this.running ??= this.meter().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async meter(): Promise<MeteringRun> {
    const { db } = this.opts;
    const to = this.now();
    const from = this.meteredUpTo
      ? new Date(Math.min(floorHour(this.meteredUpTo).getTime() - HOUR_MS, monthStartOf(to).getTime()))
      : monthStartOf(new Date(monthStartOf(to).getTime() - 1));
    const usage = await meterUsage(db, { from, to });
    const invoices = await invoiceMeteredOrgs(db, usage.orgIds, usage.from, to);
    this.meteredUpTo = to;
    this.log(
      "debug",
      `metered ${usage.from.toISOString()} to ${to.toISOString()}: ${usage.intervalRecords} instance and ` +
        `${usage.transferRecords} transfer records, ${invoices} invoices`,
    );
    return {
      from: usage.from,
      to,
      intervalRecords: usage.intervalRecords,
      transferRecords: usage.transferRecords,
      invoices,
    };
  }
}
