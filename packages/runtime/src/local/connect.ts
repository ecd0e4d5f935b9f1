// The local Connect driver: each distributed worker of a Connect cluster is a JVM run by the
// shared LocalSupervisor (so restart back-off, adoption and run intervals are the controller's
// instance policy, as for Kafka nodes). Per cluster, under <dataDir>/connect/<clusterId>/:
//   secrets/                        0700; one 0600 file per secret, read by the worker's dir
//                                   config provider (connector configs hold ${dir:…:<name>})
//   <workerId>/worker.properties    0600, rendered by connectWorkerProperties
//   <workerId>/log4j.properties
//   <workerId>/jmx.yaml             the JMX exporter's rules (task throughput), when it has a metrics port
//   <workerId>/connect.log, process.json   kept by the supervisor
// The marker argument -Dweir.connect=<clusterId>:<workerId> names the process as this worker.
import fs from "node:fs";
import path from "node:path";
import { env } from "@weir/env";
import type { ObservedInstance } from "../instances.ts";
import { ensureKafka } from "../artifacts.ts";
import { ensureConnectRuntimeSync, type ConnectArtifacts } from "../connect/artifacts.ts";
import {
  CONNECT_KAFKA_VERSION,
  connectWorkerProperties,
  secretRef,
  type ConnectWorkerInput,
} from "../connect/config.ts";
import { connectJmxExporterYaml } from "../connect/metrics.ts";
import { liveRecord, LocalSupervisor, readRecord, writeIfChanged } from "./supervisor.ts";

const LOG_FILE = "connect.log";
const SECRETS = "secrets";
/** Heap of a worker: Debezium and the JDBC sink's Hibernate want more than a bare worker. */
const WORKER_HEAP_MB = 512;

export const connectMarker = (clusterId: string, workerId: string) => `-Dweir.connect=${clusterId}:${workerId}`;

/** reload4j: INFO to stdout (the supervisor's log file), without the clients' config dumps. */
export const connectLog4jProperties = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.reflections=ERROR
log4j.logger.org.apache.kafka.clients.producer.ProducerConfig=WARN
log4j.logger.org.apache.kafka.clients.consumer.ConsumerConfig=WARN
log4j.logger.org.apache.kafka.clients.admin.AdminClientConfig=WARN
log4j.logger.org.apache.kafka.common.utils.AppInfoParser=WARN
`;

const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function checkId(what: string, id: string): void {
  if (!ID.test(id)) throw new Error(`${what} "${id}" may only hold letters, digits, '.', '_' and '-'`);
}

export class LocalConnectRuntime {
  private readonly supervisor: LocalSupervisor;
  private artifacts: ConnectArtifacts | undefined;
  private jmxAgent: string | undefined;

  constructor(private readonly opts: { dataDir: string; cacheDir?: string; supervisor?: LocalSupervisor }) {
    this.supervisor = opts.supervisor ?? new LocalSupervisor();
  }

  private runtime(): ConnectArtifacts {
    this.artifacts ??= ensureConnectRuntimeSync(this.opts.cacheDir ?? env().WEIR_CACHE_DIR);
    return this.artifacts;
  }

  clusterDir(clusterId: string): string {
    checkId("Connect cluster id", clusterId);
    return path.join(this.opts.dataDir, "connect", clusterId);
  }

  workerDir(clusterId: string, workerId: string): string {
    checkId("Connect worker id", workerId);
    if (workerId === SECRETS) throw new Error(`"${SECRETS}" cannot name a Connect worker`);
    return path.join(this.clusterDir(clusterId), workerId);
  }

  /** Where the dir config provider reads this cluster's secrets (ConnectWorkerInput.secretsDir). */
  secretsDir(clusterId: string): string {
    return path.join(this.clusterDir(clusterId), SECRETS);
  }

  /** The worker's plugin.path, for ConnectWorkerInput (fetches the pinned runtime once). */
  pluginPath(): string[] {
    return this.runtime().pluginPath;
  }

  /** The brokers' JMX exporter agent (the same Kafka release's pinned jars). */
  private jmxAgentJar(): string {
    this.jmxAgent ??= ensureKafka(this.opts.cacheDir ?? env().WEIR_CACHE_DIR, CONNECT_KAFKA_VERSION).jmxAgentJar;
    return this.jmxAgent;
  }

  /**
   * Starts the worker, or adopts its live process (a controller restart). The config is written
   * first; a changed config takes effect at the next start (stop it to apply one now). With a
   * `metricsPort` the worker serves its task metrics there (127.0.0.1, Prometheus text).
   */
  async ensureWorker(w: {
    clusterId: string;
    workerId: string;
    input: ConnectWorkerInput;
    metricsPort?: number | null;
  }): Promise<{ pid: number; restPort: number; adopted: boolean }> {
    const dir = this.workerDir(w.clusterId, w.workerId);
    const secrets = this.secretsDir(w.clusterId);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(secrets, { recursive: true, mode: 0o700 });
    const rt = this.runtime();
    const properties = path.join(dir, "worker.properties");
    const log4j = path.join(dir, "log4j.properties");
    writeIfChanged(properties, connectWorkerProperties(w.input));
    writeIfChanged(log4j, connectLog4jProperties);
    const agent: string[] = [];
    if (w.metricsPort) {
      const rules = path.join(dir, "jmx.yaml");
      writeIfChanged(rules, connectJmxExporterYaml);
      agent.push(`-javaagent:${this.jmxAgentJar()}=127.0.0.1:${w.metricsPort}:${rules}`);
    }
    const marker = connectMarker(w.clusterId, w.workerId);
    const res = this.supervisor.ensure({
      dir,
      marker,
      command: rt.java,
      args: [
        `-Xms${WORKER_HEAP_MB / 2}m`,
        `-Xmx${WORKER_HEAP_MB}m`,
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        ...agent,
        marker,
        `-Dlog4j.configuration=file:${log4j}`,
        "-cp",
        rt.classpath.join(path.delimiter),
        "org.apache.kafka.connect.cli.ConnectDistributed",
        properties,
      ],
      logFile: LOG_FILE,
    });
    return { pid: res.pid, restPort: w.input.restPort, adopted: res.outcome === "adopted" };
  }

  /** Stops the worker: SIGTERM (its tasks stop and commit), or with `hard` SIGKILL to its process group. */
  stopWorker(clusterId: string, workerId: string, opts: { hard?: boolean } = {}): Promise<void> {
    return this.supervisor.stop(this.workerDir(clusterId, workerId), opts.hard ? 0 : 30_000);
  }

  /** Stops the worker and deletes its folder (scale-in). */
  removeWorker(clusterId: string, workerId: string): Promise<void> {
    return this.supervisor.remove(this.workerDir(clusterId, workerId), 30_000);
  }

  async workerState(clusterId: string, workerId: string): Promise<"running" | "exited" | "absent"> {
    const dir = this.workerDir(clusterId, workerId);
    if (liveRecord(dir)) return "running";
    return readRecord(dir) ? "exited" : "absent";
  }

  /**
   * Lines of the worker's log (the rotated copy first), the last `lines` (default 200) of those
   * that contain `search` (case-insensitive) when given.
   */
  async readLog(
    clusterId: string,
    workerId: string,
    opts: { search?: string; lines?: number } = {},
  ): Promise<string[]> {
    const file = path.join(this.workerDir(clusterId, workerId), LOG_FILE);
    const read = async (f: string) => {
      try {
        return await fs.promises.readFile(f, "utf8");
      } catch {
        return "";
      }
    };
    let all = `${await read(`${file}.1`)}${await read(file)}`.split("\n").filter((l) => l.length > 0);
    const needle = opts.search?.toLowerCase();
    if (needle) all = all.filter((l) => l.toLowerCase().includes(needle));
    return all.slice(-(opts.lines ?? 200));
  }

  /**
   * Stores a secret for the cluster's connectors (0600 file in the 0700 secrets folder, replaced
   * atomically) and returns the ${dir:…} reference to put in a connector config.
   */
  async writeSecret(clusterId: string, name: string, value: string): Promise<string> {
    if (!SECRET_NAME.test(name))
      throw new Error(`Secret name "${name}" may only hold letters, digits, '.', '_' and '-'`);
    const dir = this.secretsDir(clusterId);
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(dir, `.${name}.${process.pid}.tmp`);
    // The provider hands over the file's bytes exactly: no trailing newline.
    await fs.promises.writeFile(tmp, value, { mode: 0o600 });
    await fs.promises.rename(tmp, path.join(dir, name));
    return secretRef(dir, name);
  }

  async removeSecret(clusterId: string, name: string): Promise<void> {
    if (!SECRET_NAME.test(name)) return;
    await fs.promises.rm(path.join(this.secretsDir(clusterId), name), { force: true });
  }

  // InstanceDriver: what the controller's instance policy works on ("group" = cluster id).

  async observe(clusterId: string, names: string[]): Promise<ObservedInstance[]> {
    return names.map((name) => ({ name, ...this.supervisor.observe(this.workerDir(clusterId, name)) }));
  }

  logTail(clusterId: string, workerId: string, lines = 20): string {
    return this.supervisor.logTail(this.workerDir(clusterId, workerId), LOG_FILE, lines);
  }

  onExit(listener: (clusterId: string, workerId: string, code: string) => void): void {
    const root = path.join(this.opts.dataDir, "connect");
    this.supervisor.onExit((dir, code) => {
      const rel = path.relative(root, dir).split(path.sep);
      if (rel.length === 2) listener(rel[0]!, rel[1]!, code);
    });
  }

  /** Kills every worker of the cluster and deletes its folder, secrets included. */
  deleteGroup(clusterId: string): Promise<void> {
    return this.supervisor.removeAll(this.clusterDir(clusterId));
  }
}
