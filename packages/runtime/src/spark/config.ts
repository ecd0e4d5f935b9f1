// Pure builders of a Spark node's configuration: what a worker offers from its instance type,
// the properties file each JVM reads, and its environment. Unit-tested without a JVM.
import type { SparkClusterSpec, SparkNodeSpec } from "./runtime.ts";

/**
 * A worker's cores and memory for executors, from the instance type. Cores are scheduling slots
 * (the vCPUs of the type, as a cloud worker would offer); memory is scaled 1:4 to fit several
 * workers on one machine (t2.small, 2 GiB → 1 GiB; t2.2xlarge, 32 GiB → 4 GiB), between 1 GiB
 * (an executor needs at least 450 MiB of heap) and 4 GiB.
 */
export function workerResources(instance: { vcpu: number; memoryGib: number }): { cores: number; memoryMb: number } {
  return {
    cores: Math.max(1, instance.vcpu),
    memoryMb: Math.min(4096, Math.max(1024, Math.round((instance.memoryGib * 1024) / 4))),
  };
}

/** Heap of the master and worker daemons themselves (executors get the worker's memory). */
export const DAEMON_HEAP = "256m";

/** A dead worker is noticed after this many seconds (Spark's default is 60). */
export const WORKER_TIMEOUT_SECONDS = 10;

/** The spark-defaults style properties file of one node. */
export function nodeProperties(spec: SparkClusterSpec, node: SparkNodeSpec, dirs: { local: string }): string {
  const props: [string, string][] = [
    // Nothing outside loopback; the console proxies the UIs.
    ["spark.ui.reverseProxy", "true"],
    ["spark.ui.reverseProxyUrl", spec.uiProxyPath],
    ["spark.local.dir", dirs.local],
    ["spark.decommission.enabled", "true"],
    // A taken port is an error, not a silent move to the next one: Weir leased that port.
    ["spark.port.maxRetries", "0"],
    // The master drops a worker silent this long; a worker heartbeats every quarter of its own
    // value, so both must have it (a worker at the default 60 s beats every 15 s and is dropped,
    // with its executors, every time).
    ["spark.worker.timeout", String(WORKER_TIMEOUT_SECONDS)],
  ];
  if (node.role === "master") {
    // The REST submission server is on by default and unauthenticated.
    props.push(["spark.master.rest.enabled", "false"]);
  } else {
    props.push(["spark.worker.cleanup.enabled", "true"]);
  }
  return props.map(([k, v]) => `${k} ${v}`).join("\n") + "\n";
}

/** The spark-class arguments of a node (the properties file is also its ownership marker). */
export function nodeArgs(
  spec: SparkClusterSpec,
  node: SparkNodeSpec,
  propertiesFile: string,
  workDir: string,
): string[] {
  const common = ["--host", node.host, "--port", String(node.port), "--webui-port", String(node.uiPort)];
  if (node.role === "master") {
    return ["org.apache.spark.deploy.master.Master", ...common, "--properties-file", propertiesFile];
  }
  return [
    "org.apache.spark.deploy.worker.Worker",
    ...common,
    "--cores",
    String(node.cores),
    "--memory",
    `${node.memoryMb}m`,
    "--work-dir",
    workDir,
    "--properties-file",
    propertiesFile,
    `spark://${spec.master.host}:${spec.master.port}`,
  ];
}

// ---------------------------------------------------------------- the Spark Connect server

export const CONNECT_SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer";

/** The connect server's driver heap and its one executor's memory (Spark refuses heaps under ~450 MiB). */
export const CONNECT_DRIVER_MEMORY_MB = 512;
export const CONNECT_EXECUTOR_MEMORY_MB = 512;
/** The cores the connect server's executors may hold on the cluster's workers, in all. */
export const CONNECT_CORES = 1;
/** The connect server's executor is released after this long without a query. */
export const CONNECT_IDLE_SECONDS = 60;

/**
 * The properties file of a cluster's Spark Connect server: a client-mode driver of the cluster's
 * master that serves gRPC on loopback only, holds at most one core of the workers, has the
 * pinned Kafka connector jars on its classpath, and keeps its scratch space under its own dir.
 */
export function connectProperties(
  spec: SparkClusterSpec,
  node: SparkNodeSpec,
  dirs: { local: string; warehouse: string },
  extraJars: string[] = [],
): string {
  const props: [string, string][] = [
    ["spark.master", `spark://${spec.master.host}:${spec.master.port}`],
    ["spark.submit.deployMode", "client"],
    ["spark.app.name", "weir-sql-workspace"],
    ["spark.connect.grpc.binding.address", node.host],
    ["spark.connect.grpc.binding.port", String(node.port)],
    ["spark.driver.host", node.host],
    ["spark.driver.bindAddress", node.host],
    ["spark.driver.memory", `${CONNECT_DRIVER_MEMORY_MB}m`],
    ["spark.ui.port", String(node.uiPort)],
    ["spark.port.maxRetries", "0"],
    ["spark.cores.max", String(Math.max(1, node.cores || CONNECT_CORES))],
    ["spark.executor.cores", "1"],
    // An executor only while the workspace is used: a held core and 512m would starve the jobs
    // of a small cluster (one t2.small worker offers 1 core and 1 GiB). Shuffle tracking lets an
    // executor go without an external shuffle service; the first query after idling waits for
    // an executor to start (the 1 s backlog timeout, whole seconds only, then a few seconds).
    ["spark.dynamicAllocation.enabled", "true"],
    ["spark.dynamicAllocation.shuffleTracking.enabled", "true"],
    ["spark.dynamicAllocation.minExecutors", "0"],
    ["spark.dynamicAllocation.maxExecutors", "1"],
    ["spark.dynamicAllocation.executorIdleTimeout", `${CONNECT_IDLE_SECONDS}s`],
    ["spark.dynamicAllocation.shuffleTracking.timeout", `${CONNECT_IDLE_SECONDS}s`],
    ["spark.executor.memory", `${node.memoryMb || CONNECT_EXECUTOR_MEMORY_MB}m`],
    ["spark.local.dir", dirs.local],
    ["spark.sql.warehouse.dir", dirs.warehouse],
    // Interactive queries over small topics: a few shuffle partitions answer faster than 200.
    ["spark.sql.shuffle.partitions", "4"],
    // No `csv.\`/path\`` reads of the controller host's files from the workspace.
    ["spark.sql.runSQLOnFiles", "false"],
    // The UI's Connect tab shows each request's plan, the Kafka source's options with their JAAS
    // password included: redact it there and in plan descriptions.
    ["spark.sql.redaction.string.regex", "(?i)password=[^;]*"],
  ];
  if (extraJars.length > 0) props.push(["spark.jars", extraJars.join(",")]);
  return props.map(([k, v]) => `${k} ${v}`).join("\n") + "\n";
}

/** The spark-submit arguments of the connect server (the properties file is also its ownership marker). */
export function connectArgs(propertiesFile: string): string[] {
  // spark-submit wants a primary resource; the server class is in Spark's own jars.
  return ["--properties-file", propertiesFile, "--class", CONNECT_SERVER_CLASS, "spark-internal"];
}
