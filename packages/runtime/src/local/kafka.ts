// The local broker driver: each Kafka node is a JVM child process of this host, in its own
// process group so it outlives a controller restart. Per node, under
// <dataDir>/kafka/<clusterId>/node-<id>/:
//   server.properties, log4j.properties, jmx.yaml   rendered from the spec
//   data/                                          the log dir (KRaft metadata + partitions)
//   kafka.log                                      the JVM's stdout and stderr
//   process.json                                   pid, start time and the marker below
// A process is "ours" only if /proc/<pid>/cmdline carries -Dweir.node=<clusterId>:<nodeId>, so a
// recycled pid is never mistaken for a broker. A controller that starts after another one died
// finds live processes through process.json and adopts them instead of starting duplicates.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureKafka, type KafkaArtifacts } from "../artifacts.ts";
import {
  heapMb,
  isBroker,
  isController,
  jmxExporterYaml,
  log4jProperties,
  renderProperties,
  serverProperties,
} from "../kafka/config.ts";
import type { BrokerRuntime, EnsureResult, KafkaClusterSpec, ObservedNode } from "../index.ts";

interface ProcessRecord {
  pid: number;
  startedAt: string;
  marker: string;
}

const LOG_ROTATE_BYTES = 20 * 1024 * 1024;
/** Written next to process.json when Weir itself stops a node, so the next start is no "crash". */
const PLANNED_STOP = "stopped-by-weir";
/** `ObservedNode.lastExit` of a node Weir stopped on purpose (pnpm start's shutdown). */
export const PLANNED_EXIT = "stopped with Weir";

function markerOf(clusterId: string, nodeId: number): string {
  return `-Dweir.node=${clusterId}:${nodeId}`;
}

/** True if `pid` is alive and is the node the marker names. */
function isOurs(pid: number, marker: string): boolean {
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

function dirSize(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += dirSize(p);
    else if (e.isFile()) {
      try {
        total += fs.statSync(p).blocks * 512;
      } catch {
        // deleted while we looked (segment roll)
      }
    }
  }
  return total;
}

function readTail(file: string, lines: number): string {
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

function writeIfChanged(file: string, content: string): boolean {
  try {
    if (fs.readFileSync(file, "utf8") === content) return false;
  } catch {
    // missing
  }
  fs.writeFileSync(file, content, { mode: 0o600 });
  return true;
}

export class LocalKafkaRuntime implements BrokerRuntime {
  private artifacts: KafkaArtifacts | undefined;
  private readonly listeners: ((clusterId: string, nodeId: number, code: string) => void)[] = [];
  private readonly lastExit = new Map<string, string>();
  /** Nodes this driver is stopping on purpose: their exit is not a crash. */
  private readonly stopping = new Set<string>();

  constructor(private readonly opts: { dataDir: string; cacheDir: string }) {}

  private kafka(): KafkaArtifacts {
    this.artifacts ??= ensureKafka(this.opts.cacheDir);
    return this.artifacts;
  }

  clusterDir(clusterId: string): string {
    return path.join(this.opts.dataDir, "kafka", clusterId);
  }

  nodeDir(clusterId: string, nodeId: number): string {
    return path.join(this.clusterDir(clusterId), `node-${nodeId}`);
  }

  onExit(listener: (clusterId: string, nodeId: number, code: string) => void): void {
    this.listeners.push(listener);
  }

  private readRecord(clusterId: string, nodeId: number): ProcessRecord | null {
    try {
      const rec = JSON.parse(fs.readFileSync(path.join(this.nodeDir(clusterId, nodeId), "process.json"), "utf8"));
      return rec as ProcessRecord;
    } catch {
      return null;
    }
  }

  /** The live process of a node, if any. */
  private live(clusterId: string, nodeId: number): ProcessRecord | null {
    const rec = this.readRecord(clusterId, nodeId);
    return rec && isOurs(rec.pid, markerOf(clusterId, nodeId)) ? rec : null;
  }

  private async format(spec: KafkaClusterSpec, dir: string): Promise<void> {
    const kafka = this.kafka();
    const { admin } = spec;
    const args = [
      "-Xmx256m",
      "-XX:TieredStopAtLevel=1",
      `-Dlog4j.configuration=file:${path.join(dir, "log4j.properties")}`,
      "-cp",
      kafka.classpath,
      "kafka.tools.StorageTool",
      "format",
      "--cluster-id",
      spec.kafkaClusterId,
      "--config",
      path.join(dir, "server.properties"),
      "--ignore-formatted",
      "--add-scram",
      `SCRAM-SHA-512=[name=${admin.username},password=${admin.password}]`,
    ];
    const out: Buffer[] = [];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(kafka.java, args, { stdio: ["ignore", "pipe", "pipe"] });
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => out.push(b));
      child.on("error", reject);
      child.on("exit", resolve);
    });
    if (code !== 0) {
      const text = Buffer.concat(out).toString("utf8").trim().split("\n").slice(-5).join("\n");
      throw new Error(`Formatting the storage of ${path.basename(dir)} failed (exit ${code}): ${text}`);
    }
  }

  async ensureNode(spec: KafkaClusterSpec, nodeId: number): Promise<EnsureResult> {
    const node = spec.nodes.find((n) => n.nodeId === nodeId);
    if (!node) throw new Error(`Node ${nodeId} is not part of cluster ${spec.clusterId}`);
    const dir = this.nodeDir(spec.clusterId, nodeId);
    const dataDir = path.join(dir, "data");
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });

    const voters = spec.nodes.filter(isController);
    const props = serverProperties({
      clusterId: spec.clusterId,
      kafkaClusterId: spec.kafkaClusterId,
      node,
      voters,
      defaultReplication: spec.defaultReplication,
      dataDir,
      admin: spec.admin,
      vcpu: spec.instanceType.vcpu,
    });
    writeIfChanged(path.join(dir, "server.properties"), renderProperties(props));
    writeIfChanged(path.join(dir, "log4j.properties"), log4jProperties);
    writeIfChanged(path.join(dir, "jmx.yaml"), jmxExporterYaml);

    const running = this.live(spec.clusterId, nodeId);
    if (running) {
      const key = `${spec.clusterId}:${nodeId}`;
      const outcome = this.spawned.has(key) ? "running" : "adopted";
      this.spawned.add(key);
      return { nodeId, pid: running.pid, outcome };
    }

    if (!fs.existsSync(path.join(dataDir, "meta.properties"))) await this.format(spec, dir);

    const kafka = this.kafka();
    const heap = heapMb(spec.instanceType.memoryGib, node.roles);
    const marker = markerOf(spec.clusterId, nodeId);
    const jvm = [
      `-Xms${heap}m`,
      `-Xmx${heap}m`,
      "-XX:+UseG1GC",
      "-XX:MaxGCPauseMillis=20",
      "-XX:+ExitOnOutOfMemoryError",
      "-Djava.awt.headless=true",
      marker,
      `-Dlog4j.configuration=file:${path.join(dir, "log4j.properties")}`,
      `-Dkafka.logs.dir=${dir}`,
    ];
    if (isBroker(node)) {
      jvm.push(`-javaagent:${kafka.jmxAgentJar}=${node.host}:${node.metricsPort}:${path.join(dir, "jmx.yaml")}`);
    }
    const logFile = path.join(dir, "kafka.log");
    try {
      if (fs.statSync(logFile).size > LOG_ROTATE_BYTES) fs.renameSync(logFile, `${logFile}.1`);
    } catch {
      // no log yet
    }
    fs.rmSync(path.join(dir, PLANNED_STOP), { force: true });
    const out = fs.openSync(logFile, "a");
    fs.writeSync(out, `\n==== Weir started node ${nodeId} at ${new Date().toISOString()} ====\n`);
    const child = spawn(
      kafka.java,
      [...jvm, "-cp", kafka.classpath, "kafka.Kafka", path.join(dir, "server.properties")],
      {
        detached: true,
        stdio: ["ignore", out, out],
        cwd: dir,
      },
    );
    fs.closeSync(out);
    const pid = child.pid;
    if (pid === undefined) throw new Error(`Could not start node ${nodeId}: ${kafka.java} did not run`);
    const key = `${spec.clusterId}:${nodeId}`;
    this.spawned.add(key);
    this.lastExit.delete(key);
    child.on("exit", (code, signal) => {
      const what = signal ?? String(code);
      this.lastExit.set(key, what);
      if (this.stopping.has(key)) return;
      for (const l of this.listeners) l(spec.clusterId, nodeId, what);
    });
    child.unref();
    const record: ProcessRecord = { pid, startedAt: new Date().toISOString(), marker };
    fs.writeFileSync(path.join(dir, "process.json"), JSON.stringify(record));
    return { nodeId, pid, outcome: "started" };
  }

  /** Nodes this driver instance has started or adopted (for "adopted" vs "running"). */
  private readonly spawned = new Set<string>();

  async stopNode(clusterId: string, nodeId: number): Promise<void> {
    const rec = this.live(clusterId, nodeId);
    if (!rec) return;
    const key = `${clusterId}:${nodeId}`;
    this.stopping.add(key);
    try {
      try {
        process.kill(rec.pid, "SIGTERM");
      } catch {
        return;
      }
      // A controlled shutdown moves leadership away first; give it time, then insist.
      if (!(await waitForExit(rec.pid, rec.marker, 30_000))) {
        try {
          process.kill(rec.pid, "SIGKILL");
        } catch {
          // gone
        }
        await waitForExit(rec.pid, rec.marker, 5_000);
      }
    } finally {
      this.stopping.delete(key);
      this.spawned.delete(key);
    }
  }

  async removeNode(clusterId: string, nodeId: number): Promise<void> {
    await this.stopNode(clusterId, nodeId);
    fs.rmSync(this.nodeDir(clusterId, nodeId), { recursive: true, force: true });
  }

  async observe(clusterId: string, nodeIds: number[]): Promise<ObservedNode[]> {
    return nodeIds.map((nodeId) => {
      const rec = this.readRecord(clusterId, nodeId);
      const running = !!rec && isOurs(rec.pid, markerOf(clusterId, nodeId));
      return {
        nodeId,
        pid: running ? rec.pid : null,
        running,
        startedAt: running ? new Date(rec.startedAt) : null,
        lastExit:
          this.lastExit.get(`${clusterId}:${nodeId}`) ??
          (!running && fs.existsSync(path.join(this.nodeDir(clusterId, nodeId), PLANNED_STOP)) ? PLANNED_EXIT : null),
        diskUsedBytes: dirSize(path.join(this.nodeDir(clusterId, nodeId), "data")),
      };
    });
  }

  logTail(clusterId: string, nodeId: number, lines = 20): string {
    return readTail(path.join(this.nodeDir(clusterId, nodeId), "kafka.log"), lines);
  }

  async deleteCluster(clusterId: string): Promise<void> {
    const dir = this.clusterDir(clusterId);
    await killAll(dir, "SIGKILL", this.stopping, clusterId);
    fs.rmSync(dir, { recursive: true, force: true });
    for (const key of [...this.spawned]) if (key.startsWith(`${clusterId}:`)) this.spawned.delete(key);
  }
}

async function killAll(
  clusterDir: string,
  signal: NodeJS.Signals,
  stopping?: Set<string>,
  clusterId?: string,
  planned = false,
) {
  let nodes: string[] = [];
  try {
    nodes = fs.readdirSync(clusterDir).filter((d) => d.startsWith("node-"));
  } catch {
    return;
  }
  const waits: Promise<boolean>[] = [];
  for (const n of nodes) {
    try {
      const rec = JSON.parse(fs.readFileSync(path.join(clusterDir, n, "process.json"), "utf8")) as ProcessRecord;
      if (!isOurs(rec.pid, rec.marker)) continue;
      if (stopping && clusterId) stopping.add(`${clusterId}:${n.slice(5)}`);
      if (planned) fs.writeFileSync(path.join(clusterDir, n, PLANNED_STOP), new Date().toISOString());
      process.kill(rec.pid, signal);
      waits.push(waitForExit(rec.pid, rec.marker, signal === "SIGKILL" ? 5_000 : 30_000));
    } catch {
      // no record or already gone
    }
  }
  await Promise.all(waits);
}

/**
 * Stops every broker process under a data directory (used by `pnpm start` on shutdown: brokers
 * stop with Weir and start again with it). The controller itself never does this on exit, so a
 * controller restart leaves brokers running for the next one to adopt.
 */
export async function stopAllLocalBrokers(dataDir: string): Promise<number> {
  const root = path.join(dataDir, "kafka");
  let clusters: string[] = [];
  try {
    clusters = fs.readdirSync(root);
  } catch {
    return 0;
  }
  let count = 0;
  for (const c of clusters) {
    const dir = path.join(root, c);
    for (const n of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      try {
        const rec = JSON.parse(fs.readFileSync(path.join(dir, n, "process.json"), "utf8")) as ProcessRecord;
        if (isOurs(rec.pid, rec.marker)) count++;
      } catch {
        // not a node dir
      }
    }
    await killAll(dir, "SIGTERM", undefined, undefined, true);
  }
  return count;
}

/** Every supervised local instance under a data directory, stopped with Weir (all kinds). */
export const stopAllLocalInstances = stopAllLocalBrokers;
