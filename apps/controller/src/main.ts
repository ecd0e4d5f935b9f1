// The controller process: `pnpm start` runs it next to the console.
import { createDb } from "@weir/db";
import { env } from "@weir/env";
import { Controller } from "./framework/controller.ts";
import { allReconcilers } from "./index.ts";
import { MeteringJob } from "./metering/job.ts";

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;

async function main() {
  const e = env();
  if (!e.DATABASE_URL) throw new Error("DATABASE_URL is not set: start Weir with `pnpm start`.");
  const db = createDb(e.DATABASE_URL, e.WEIR_CONTROLLER_CONCURRENCY + 2);
  const log = (level: keyof typeof levels, msg: string) => {
    if (levels[level] >= levels[e.WEIR_LOG_LEVEL]) console.log(`[controller] ${level}: ${msg}`);
  };
  const controller = new Controller({
    db,
    databaseUrl: e.DATABASE_URL,
    reconcilers: allReconcilers,
    concurrency: e.WEIR_CONTROLLER_CONCURRENCY,
    resyncIntervalMs: e.WEIR_CONTROLLER_RESYNC_SECONDS * 1000,
    log,
  });
  await controller.start();
  const metering = new MeteringJob({ db, intervalMs: e.WEIR_METERING_INTERVAL_SECONDS * 1000, log });
  await metering.start();
  console.log(`[controller] reconciling ${allReconcilers.map((r) => r.kind).join(", ")}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[controller] ${signal}: stopping`);
    await metering.stop();
    await controller.stop();
    await db.$disconnect();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((e: unknown) => {
  console.error(`[controller] ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
