// The one local process supervisor: every kind of managed instance on this host (Kafka nodes
// today; Spark masters, workers and job drivers, Connect workers next) is started, adopted,
// observed and stopped through it. An instance lives in its own directory:
//   process.json      pid, start time and the marker below (the process record)
//   <log file>        stdout and stderr, rotated at 20 MiB (one old copy kept)
//   stopped-by-weir   present when Weir stopped it on purpose, so the next start is no "crash"
// Each process runs in its own process group (detached), so it outlives a controller restart
// and a Ctrl-C sent to the terminal's group. A process is "ours" only if /proc/<pid>/cmdline
// carries the marker argument, so a recycled pid is never mistaken for an instance; a
// controller started after another one died finds live processes through process.json and
// adopts them instead of starting duplicates.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { EnsureResult, ObservedInstance } from "../instances.ts";
import { PLANNED_EXIT } from "../instances.ts";

export interface ProcessRecord {
  pid: number;
  startedAt: string;
  marker: string;
}

export interface LaunchSpec {
  /** The instance's directory (created if missing): process record, log, planned-stop flag. */
  dir: string;
  /** An argument of the command line that names this instance, e.g. `-Dweir.node=<id>:<name>`. */
  marker: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** File name of the captured stdout/stderr inside `dir`. */
  logFile: string;
}

const LOG_ROTATE_BYTES = 20 * 1024 * 1024;
const PLANNED_STOP = "stopped-by-weir";
const RECORD = "process.json";

/** True if `pid` is alive (not a zombie) and its command line carries `marker`. */
export function isOurs(pid: number, marker: string): boolean {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    if (!cmdline.split("\0").includes(marker)) return false;
    // A zombie (exited, not yet reaped) still has a cmdline on some kernels; check its state.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

export function readRecord(dir: string): ProcessRecord | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, RECORD), "utf8")) as ProcessRecord;
  } catch {
    return null;
  }
}

/** The live process of an instance directory, if any. */
export function liveRecord(dir: string): ProcessRecord | null {
  const rec = readRecord(dir);
  return rec && isOurs(rec.pid, rec.marker) ? rec : null;
}

/** Bytes allocated on disk under `dir` (what a quota is measured against). */
export function diskUsage(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += diskUsage(p);
    else if (e.isFile()) {
      try {
        total += fs.statSync(p).blocks * 512;
      } catch {
        // deleted while we looked (a segment roll)
      }
    }
  }
  return total;
}

/** The last `lines` lines of a file (reads at most its last 64 KiB). */
export function readTail(file: string, lines: number): string {
  try {
    const fd = fs.openSync(file, "r");
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, 64 * 1024);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      return buf
        .toString("utf8")
        .split("\n")
        .slice(-lines - 1)
        .join("\n")
        .trim();
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return "";
  }
}

async function waitForExit(pid: number, marker: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isOurs(pid, marker)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isOurs(pid, marker);
}

/**
 * SIGKILL to the instance's process group (it leads one: started detached), so a child it runs
 * (a job driver's Python runner) dies with it; to the process alone if it leads none.
 */
function killHard(pid: number): void {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    process.kill(pgrp === pid ? -pid : pid, "SIGKILL");
  } catch {
    // gone meanwhile
  }
}

/**
 * SIGTERM (or `ask`, a kind's own way to ask the process to end), then SIGKILL after `graceMs`;
 * resolves once the process is gone.
 */
async function terminate(rec: ProcessRecord, graceMs: number, ask?: (rec: ProcessRecord) => void): Promise<void> {
  if (!isOurs(rec.pid, rec.marker)) return;
  if (graceMs <= 0) killHard(rec.pid);
  else {
    try {
      if (ask) ask(rec);
      else process.kill(rec.pid, "SIGTERM");
    } catch {
      return;
    }
    if (await waitForExit(rec.pid, rec.marker, graceMs)) return;
    killHard(rec.pid);
  }
  await waitForExit(rec.pid, rec.marker, 5_000);
}

/** Writes `content` unless the file already holds it (so an unchanged config is not "changed"). */
export function writeIfChanged(file: string, content: string): boolean {
  try {
    if (fs.readFileSync(file, "utf8") === content) return false;
  } catch {
    // missing
  }
  fs.writeFileSync(file, content, { mode: 0o600 });
  return true;
}

export type ExitListener = (dir: string, code: string) => void;

export class LocalSupervisor {
  private readonly listeners: ExitListener[] = [];
  /** Exit code or signal of the last run this supervisor saw end, by instance dir. */
  private readonly lastExit = new Map<string, string>();
  /**
   * Instances this supervisor stopped on purpose: their exit is not a crash. An entry stays until
   * the exit event has been seen (it comes after the process is gone) or the instance starts again.
   */
  private readonly stopping = new Set<string>();
  /** Instances this supervisor started or adopted (for "adopted" vs "running"). */
  private readonly known = new Set<string>();

  onExit(listener: ExitListener): void {
    this.listeners.push(listener);
  }

  /**
   * Idempotent: adopts the instance's live process if there is one, else starts it. The caller
   * prepares configs and storage before calling.
   */
  ensure(spec: LaunchSpec): EnsureResult {
    fs.mkdirSync(spec.dir, { recursive: true, mode: 0o700 });
    const running = liveRecord(spec.dir);
    if (running) {
      const outcome = this.known.has(spec.dir) ? "running" : "adopted";
      this.known.add(spec.dir);
      return { pid: running.pid, outcome };
    }
    const logFile = path.join(spec.dir, spec.logFile);
    try {
      if (fs.statSync(logFile).size > LOG_ROTATE_BYTES) fs.renameSync(logFile, `${logFile}.1`);
    } catch {
      // no log yet
    }
    fs.rmSync(path.join(spec.dir, PLANNED_STOP), { force: true });
    const out = fs.openSync(logFile, "a");
    fs.writeSync(out, `\n==== Weir started ${path.basename(spec.dir)} at ${new Date().toISOString()} ====\n`);
    const child = spawn(spec.command, spec.args, {
      detached: true,
      stdio: ["ignore", out, out],
      cwd: spec.cwd ?? spec.dir,
      env: spec.env,
    });
    fs.closeSync(out);
    const pid = child.pid;
    if (pid === undefined) throw new Error(`Could not start ${path.basename(spec.dir)}: ${spec.command} did not run`);
    this.known.add(spec.dir);
    this.lastExit.delete(spec.dir);
    this.stopping.delete(spec.dir);
    // An error event (ENOENT of the command) is followed by no exit event: report it as one.
    child.on("error", () => undefined);
    child.on("exit", (code, signal) => {
      const what = signal ?? String(code);
      this.lastExit.set(spec.dir, what);
      if (this.stopping.delete(spec.dir)) return;
      for (const l of this.listeners) l(spec.dir, what);
    });
    child.unref();
    const record: ProcessRecord = { pid, startedAt: new Date().toISOString(), marker: spec.marker };
    fs.writeFileSync(path.join(spec.dir, RECORD), JSON.stringify(record));
    return { pid, outcome: "started" };
  }

  /**
   * Stops an instance (SIGTERM, or `ask` if given; SIGKILL after `graceMs`); its exit is not
   * reported as a crash.
   */
  async stop(dir: string, graceMs = 30_000, ask?: (rec: ProcessRecord) => void): Promise<void> {
    const rec = liveRecord(dir);
    if (!rec) return;
    this.stopping.add(dir);
    try {
      await terminate(rec, graceMs, ask);
    } finally {
      this.known.delete(dir);
    }
  }

  /** Stops the instance and deletes its directory. */
  async remove(dir: string, graceMs = 30_000): Promise<void> {
    await this.stop(dir, graceMs);
    fs.rmSync(dir, { recursive: true, force: true });
  }

  /** Kills every instance under `root` at once and deletes the directory (a deleted resource). */
  async removeAll(root: string): Promise<void> {
    const dirs = instanceDirs(root);
    for (const d of dirs) this.stopping.add(d);
    try {
      await Promise.all(
        dirs.map((d) => {
          const rec = liveRecord(d);
          return rec ? terminate(rec, 0) : undefined;
        }),
      );
    } finally {
      for (const d of dirs) this.known.delete(d);
    }
    fs.rmSync(root, { recursive: true, force: true });
  }

  /** What runs in an instance directory; disk usage is measured under `dataDir` when given. */
  observe(dir: string, dataDir?: string): Omit<ObservedInstance, "name"> {
    const rec = liveRecord(dir);
    return {
      pid: rec?.pid ?? null,
      running: !!rec,
      startedAt: rec ? new Date(rec.startedAt) : null,
      lastExit: this.lastExit.get(dir) ?? (!rec && fs.existsSync(path.join(dir, PLANNED_STOP)) ? PLANNED_EXIT : null),
      diskUsedBytes: dataDir ? diskUsage(dataDir) : 0,
      managed: !!rec && this.known.has(dir),
    };
  }

  logTail(dir: string, logFile: string, lines = 20): string {
    return readTail(path.join(dir, logFile), lines);
  }
}

/** Every directory under `root` (any depth up to 4) that holds a process record. */
export function instanceDirs(root: string, depth = 4): string[] {
  if (fs.existsSync(path.join(root, RECORD))) return [root];
  if (depth === 0) return [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && e.name !== "data" && !e.name.startsWith("."))
    .flatMap((e) => instanceDirs(path.join(root, e.name), depth - 1));
}

/** The directories under the data dir where instances of each kind live. */
export const INSTANCE_ROOTS = ["kafka", "spark", "connect"] as const;

/**
 * Stops every supervised instance of every kind under a data directory, all at once (used by
 * `pnpm start` on shutdown: instances stop with Weir and start again with it, and count as
 * stopped on purpose, not crashed). The controller never does this on exit, so a controller
 * restart leaves instances running for the next one to adopt. Returns how many were running.
 */
export async function stopAllLocalInstances(dataDir: string, graceMs = 30_000): Promise<number> {
  const live = INSTANCE_ROOTS.flatMap((r) => instanceDirs(path.join(dataDir, r)))
    .map((dir) => ({ dir, rec: liveRecord(dir) }))
    .filter((x): x is { dir: string; rec: ProcessRecord } => x.rec !== null);
  await Promise.all(
    live.map(async ({ dir, rec }) => {
      fs.writeFileSync(path.join(dir, PLANNED_STOP), new Date().toISOString());
      await terminate(rec, graceMs);
    }),
  );
  return live.length;
}
