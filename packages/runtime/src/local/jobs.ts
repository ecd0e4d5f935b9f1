// The local job driver: each running job is a client-mode driver (spark-submit running the job
// runner) supervised by the shared LocalSupervisor. Per job, under
// <dataDir>/spark/<computeClusterId>/jobs/<jobId>/ (so deleting the compute cluster, or Weir's
// shutdown, stops the driver with the cluster's JVMs):
//   job-spec.json         what the runner runs (no secret); also the marker: it is the last argument
//                         of spark-submit, stays in the JVM's argv after the script execs java, and
//                         is in the Python runner's argv too
//   credentials.json      Kafka / JDBC credentials, mode 0600, deleted when the driver stops
//   script.py             a PySpark job's script
//   checkpoint/           the streaming checkpoint; checkpoint-attempt says which attempt it is of
//   progress.jsonl        the runner's progress lines, read from an offset by the controller
//   preview.jsonl, result/  a batch job's output
//   driver.log, process.json   kept by the supervisor
import fs from "node:fs";
import path from "node:path";
import { childEnv } from "@weir/env";
import type { EnsureResult, ObservedInstance } from "../instances.ts";
import {
  jobCredentialsFile,
  jobEnv,
  jobPaths,
  jobSpecJson,
  jobSubmitArgs,
  localJobDir,
  parseProgressLine,
} from "../spark/job.ts";
import {
  isTerminalEvent,
  runnerSpec,
  scriptPath,
  type JobDriverSpec,
  type JobRuntime,
  type ProgressRead,
} from "../spark/job-runtime.ts";
import type { SparkArtifacts } from "../spark-artifacts.ts";
import { instanceDirs, liveRecord, LocalSupervisor, readRecord, writeIfChanged } from "./supervisor.ts";

const LOG_FILE = path.basename(jobPaths("/").driverLog);
const ATTEMPT_FILE = "checkpoint-attempt";
/** A stopping runner stops its queries and SparkContext in a few seconds. */
const STOP_GRACE_MS = 20_000;
/** At most this much of a progress file is read per call. */
const READ_CHUNK = 4 * 1024 * 1024;

/** Live processes whose command line has `arg` as one of its arguments. */
function pidsWithArg(arg: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").includes(arg)) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone meanwhile
  }
}

export class LocalJobRuntime implements JobRuntime {
  private home: SparkArtifacts | undefined;

  constructor(
    private readonly opts: { dataDir: string; spark: () => SparkArtifacts },
    private readonly supervisor = new LocalSupervisor(),
  ) {}

  private spark(): SparkArtifacts {
    this.home ??= this.opts.spark();
    return this.home;
  }

  jobDir(computeClusterId: string, jobId: string): string {
    return localJobDir(this.opts.dataDir, computeClusterId, jobId);
  }

  private jobsRoot(computeClusterId: string): string {
    return path.dirname(this.jobDir(computeClusterId, "x"));
  }

  onExit(listener: (computeClusterId: string, jobId: string, code: string) => void): void {
    const root = path.join(this.opts.dataDir, "spark");
    this.supervisor.onExit((dir, code) => {
      const rel = path.relative(root, dir).split(path.sep);
      if (rel.length === 3 && rel[1] === "jobs") listener(rel[0]!, rel[2]!, code);
    });
  }

  async ensureDriver(spec: JobDriverSpec): Promise<EnsureResult> {
    const dir = this.jobDir(spec.computeClusterId, spec.jobId);
    const p = jobPaths(dir);
    const home = this.spark();
    const argv = jobSubmitArgs({
      ...home,
      master: spec.master,
      jobId: spec.jobId,
      attempt: spec.attempt,
      jobDir: dir,
      cores: spec.cores,
      driverMemoryMb: spec.driverMemoryMb,
      executorMemoryMb: spec.executorMemoryMb,
      uiPort: spec.uiPort,
    });
    if (!liveRecord(dir)) {
      // A runner left behind by a driver JVM that was killed must not share the checkpoint.
      this.killLeftovers(p.specFile);
      fs.mkdirSync(p.localDir, { recursive: true, mode: 0o700 });
      if (spec.run.kind === "pyspark-script") writeIfChanged(scriptPath(dir), spec.run.scriptSource);
      writeIfChanged(p.specFile, jobSpecJson(runnerSpec(spec.jobId, dir, spec.run)));
      fs.writeFileSync(p.credentialsFile, jobCredentialsFile(spec.credentials), { mode: 0o600 });
      fs.chmodSync(p.credentialsFile, 0o600);
      if (this.checkpointAttempt(spec.computeClusterId, spec.jobId) === null) {
        fs.writeFileSync(path.join(dir, ATTEMPT_FILE), String(spec.attempt));
      }
    }
    return this.supervisor.ensure({
      dir,
      marker: p.specFile,
      command: argv[0]!,
      args: argv.slice(1),
      env: jobEnv({ ...home, jobDir: dir }, { base: childEnv() }) as NodeJS.ProcessEnv,
      logFile: LOG_FILE,
    });
  }

  async stopDriver(computeClusterId: string, jobId: string, graceMs = STOP_GRACE_MS): Promise<void> {
    const dir = this.jobDir(computeClusterId, jobId);
    const marker = jobPaths(dir).specFile;
    // The Python runner is asked (it stops its queries at a committed batch and ends the JVM
    // with it); before the JVM has started it, the JVM itself.
    await this.supervisor.stop(dir, graceMs, (rec) => {
      const runners = pidsWithArg(marker).filter((pid) => pid !== rec.pid);
      for (const pid of runners.length > 0 ? runners : [rec.pid]) kill(pid, "SIGTERM");
    });
    this.killLeftovers(marker);
    fs.rmSync(jobPaths(dir).credentialsFile, { force: true });
  }

  async removeJob(computeClusterId: string, jobId: string): Promise<void> {
    await this.stopDriver(computeClusterId, jobId);
    fs.rmSync(this.jobDir(computeClusterId, jobId), { recursive: true, force: true });
  }

  /** Every job driver of the compute cluster killed at once, their directories deleted. */
  async deleteGroup(computeClusterId: string): Promise<void> {
    const root = this.jobsRoot(computeClusterId);
    const markers = instanceDirs(root, 1).map((d) => readRecord(d)?.marker ?? jobPaths(d).specFile);
    await this.supervisor.removeAll(root);
    for (const m of markers) this.killLeftovers(m);
  }

  checkpointAttempt(computeClusterId: string, jobId: string): number | null {
    try {
      const n = Number(fs.readFileSync(path.join(this.jobDir(computeClusterId, jobId), ATTEMPT_FILE), "utf8"));
      return Number.isInteger(n) ? n : null;
    } catch {
      return null;
    }
  }

  async resetCheckpoint(computeClusterId: string, jobId: string, attempt: number): Promise<void> {
    const dir = this.jobDir(computeClusterId, jobId);
    if (liveRecord(dir))
      throw new Error(`job ${jobId}: the driver still runs; stop it before resetting its checkpoint`);
    fs.rmSync(jobPaths(dir).checkpointDir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(dir, ATTEMPT_FILE), String(attempt));
  }

  readProgress(
    computeClusterId: string,
    jobId: string,
    offset: number,
    opts: { untilTerminal?: boolean } = {},
  ): ProgressRead {
    const file = jobPaths(this.jobDir(computeClusterId, jobId)).progressFile;
    let fd: number;
    try {
      fd = fs.openSync(file, "r");
    } catch {
      return { events: [], nextOffset: 0 };
    }
    try {
      const size = fs.fstatSync(fd).size;
      // A file shorter than what was read was replaced (a deleted job dir): start again.
      const from = size < offset ? 0 : offset;
      const len = Math.min(size - from, READ_CHUNK);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, from);
      const lines: { event: ProgressRead["events"][number] | undefined; next: number }[] = [];
      for (let pos = 0, nl = buf.indexOf(0x0a); nl >= 0; pos = nl + 1, nl = buf.indexOf(0x0a, pos)) {
        lines.push({ event: parseProgressLine(buf.subarray(pos, nl).toString("utf8")), next: nl + 1 });
      }
      // While the driver runs, a line saying the run ended is left (with what follows it) for the
      // pass that sees the process gone, unless a later run's "running" line follows it.
      let cut = lines.length;
      if (opts.untilTerminal) {
        const lastStart = lines.findLastIndex((l) => l.event?.event === "running");
        const ended = lines.findIndex((l, i) => i > lastStart && l.event !== undefined && isTerminalEvent(l.event));
        if (ended >= 0) cut = ended;
      }
      const events = lines.slice(0, cut).flatMap((l) => (l.event ? [l.event] : []));
      const pos = cut === 0 ? 0 : lines[cut - 1]!.next;
      return { events, nextOffset: from + pos };
    } finally {
      fs.closeSync(fd);
    }
  }

  async observe(computeClusterId: string, jobIds: string[]): Promise<ObservedInstance[]> {
    return jobIds.map((name) => ({ name, ...this.supervisor.observe(this.jobDir(computeClusterId, name)) }));
  }

  logTail(computeClusterId: string, jobId: string, lines = 20): string {
    return this.supervisor.logTail(this.jobDir(computeClusterId, jobId), LOG_FILE, lines);
  }

  /** Kills what still carries a job's marker once its driver JVM is gone (a runner it left behind). */
  private killLeftovers(marker: string): void {
    for (const pid of pidsWithArg(marker)) kill(pid, "SIGKILL");
  }
}
