// The local engine driver: a compute cluster's Spark master and workers are JVMs run by the
// shared LocalSupervisor, each started with the pinned pyspark's `spark-class` (the pip package
// has no sbin scripts). Per node, under <dataDir>/spark/<clusterId>/<name>/:
//   spark-defaults.conf   its properties, rendered by pure builders; also its marker: the path
//                         is on the command line from the first instant (spark-class is a shell
//                         script that execs the JVM, so a -D flag would appear only later)
//   local/, work/         Spark's scratch space and a worker's executor directories
//   warehouse/            the connect server's SQL warehouse (its temp views live in memory)
// The connect server (the SQL workspace) is `spark-submit --properties-file … --class
// SparkConnectServer`, a client-mode driver of the cluster's master; its marker is the same
// properties-file path.
//   spark.log, process.json   kept by the supervisor
import fs from "node:fs";
import path from "node:path";
import { childEnv } from "@weir/env";
import type { EnsureResult, ObservedInstance } from "../instances.ts";
import { connectArgs, connectProperties, DAEMON_HEAP, nodeArgs, nodeProperties } from "../spark/config.ts";
import { fetchMasterState, type MasterState } from "../spark/master.ts";
import type { EngineRuntime, SparkClusterSpec } from "../spark/runtime.ts";
import { liveRecord, LocalSupervisor, writeIfChanged } from "./supervisor.ts";

const LOG_FILE = "spark.log";

/** What the driver needs of the pinned Spark runtime. */
export interface SparkHome {
  sparkHome: string;
  /** JAVA_HOME for spark-class, if not the `java` on the PATH. */
  javaHome?: string;
  /** The pinned Kafka connector (and JDBC) jars: on the connect server's classpath. */
  extraJars?: string[];
}

export class LocalSparkRuntime implements EngineRuntime {
  private home: SparkHome | undefined;

  constructor(
    private readonly opts: { dataDir: string; spark: () => SparkHome },
    private readonly supervisor = new LocalSupervisor(),
  ) {}

  private spark(): SparkHome {
    this.home ??= this.opts.spark();
    return this.home;
  }

  clusterDir(clusterId: string): string {
    return path.join(this.opts.dataDir, "spark", clusterId);
  }

  nodeDir(clusterId: string, name: string): string {
    return path.join(this.clusterDir(clusterId), name);
  }

  onExit(listener: (clusterId: string, name: string, code: string) => void): void {
    const root = path.join(this.opts.dataDir, "spark");
    this.supervisor.onExit((dir, code) => {
      const rel = path.relative(root, dir).split(path.sep);
      if (rel.length === 2) listener(rel[0]!, rel[1]!, code);
    });
  }

  async ensureNode(spec: SparkClusterSpec, name: string): Promise<EnsureResult> {
    const node = [spec.master, ...spec.workers, ...(spec.connect ? [spec.connect] : [])].find((n) => n.name === name);
    if (!node) throw new Error(`${name} is not part of compute cluster ${spec.clusterId}`);
    const dir = this.nodeDir(spec.clusterId, name);
    const local = path.join(dir, "local");
    const work = path.join(dir, "work");
    for (const d of [local, work]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    const properties = path.join(dir, "spark-defaults.conf");
    const { sparkHome, javaHome, extraJars } = this.spark();
    if (node.role === "connect") {
      const warehouse = path.join(dir, "warehouse");
      writeIfChanged(properties, connectProperties(spec, node, { local, warehouse }, extraJars));
      return this.supervisor.ensure({
        dir,
        marker: properties,
        command: path.join(sparkHome, "bin", "spark-submit"),
        args: connectArgs(properties),
        logFile: LOG_FILE,
        env: childEnv({
          SPARK_HOME: sparkHome,
          ...(javaHome ? { JAVA_HOME: javaHome } : {}),
          SPARK_CONF_DIR: dir,
          SPARK_LOCAL_DIRS: local,
          SPARK_SUBMIT_OPTS: `-Dweir.node=${spec.clusterId}:${name}`,
          SPARK_LOCAL_IP: node.host,
          SPARK_PUBLIC_DNS: node.host,
        }),
      });
    }
    writeIfChanged(properties, nodeProperties(spec, node, { local }));
    const role = node.role === "master" ? "MASTER" : "WORKER";
    return this.supervisor.ensure({
      dir,
      marker: properties,
      command: path.join(sparkHome, "bin", "spark-class"),
      args: nodeArgs(spec, node, properties, work),
      logFile: LOG_FILE,
      env: childEnv({
        SPARK_HOME: sparkHome,
        ...(javaHome ? { JAVA_HOME: javaHome } : {}),
        // A conf dir of its own: no spark-env.sh or defaults from anywhere else.
        SPARK_CONF_DIR: dir,
        SPARK_LOCAL_DIRS: local,
        SPARK_WORKER_DIR: work,
        SPARK_DAEMON_MEMORY: DAEMON_HEAP,
        [`SPARK_${role}_OPTS`]: `-Dweir.node=${spec.clusterId}:${name}`,
        SPARK_NO_DAEMONIZE: "1",
        // The web UI binds to SPARK_LOCAL_IP (else every interface) and advertises SPARK_PUBLIC_DNS.
        SPARK_LOCAL_IP: node.host,
        SPARK_PUBLIC_DNS: node.host,
      }),
    });
  }

  stopNode(clusterId: string, name: string): Promise<void> {
    return this.supervisor.stop(this.nodeDir(clusterId, name), 15_000);
  }

  removeNode(clusterId: string, name: string): Promise<void> {
    return this.supervisor.remove(this.nodeDir(clusterId, name), 15_000);
  }

  async decommissionWorker(clusterId: string, name: string): Promise<boolean> {
    const rec = liveRecord(this.nodeDir(clusterId, name));
    if (!rec) return false;
    // A worker with spark.decommission.enabled decommissions itself on SIGPWR.
    process.kill(rec.pid, "SIGPWR");
    return true;
  }

  async observe(clusterId: string, names: string[]): Promise<ObservedInstance[]> {
    return names.map((name) => {
      const dir = this.nodeDir(clusterId, name);
      return { name, ...this.supervisor.observe(dir, path.join(dir, "work")) };
    });
  }

  logTail(clusterId: string, name: string, lines = 20): string {
    return this.supervisor.logTail(this.nodeDir(clusterId, name), LOG_FILE, lines);
  }

  deleteGroup(clusterId: string): Promise<void> {
    return this.supervisor.removeAll(this.clusterDir(clusterId));
  }

  masterState(spec: SparkClusterSpec): Promise<MasterState | null> {
    return fetchMasterState(spec.master.host, spec.master.uiPort);
  }
}
