// How a Spark Connect server is started: a pure builder of the spark-submit command line and
// environment (unit-tested without a JVM), used by the test helper and later by the controller.
// The server is Spark's own org.apache.spark.sql.connect.service.SparkConnectServer, inside the
// pinned pyspark's jars; it listens for gRPC on loopback only.
import path from "node:path";

export const CONNECT_SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer";

export interface ConnectServerSpec {
  /** The pinned pyspark dir (SparkArtifacts.sparkHome). */
  sparkHome: string;
  /** The gRPC port (leased by the caller). */
  port: number;
  /** The gRPC bind address. Default 127.0.0.1: nothing outside loopback. */
  host?: string;
  /** A Spark master URL (spark://host:port of a Weir compute cluster), or local[N]. Default local[cores]. */
  master?: string;
  /** The cores the server's executors may hold in all (local[N], or spark.cores.max on a cluster). Default 1. */
  cores?: number;
  /** The driver UI's port, or false for no UI. Default false. */
  uiPort?: number | false;
  /** The driver's heap, e.g. "512m". Default 512m. */
  driverMemory?: string;
  /** Executor memory on a cluster master, e.g. "1g". */
  executorMemory?: string;
  /** Jars for spark.jars: the Kafka connector and JDBC jars (SparkArtifacts.extraJars). */
  extraJars?: string[];
  /** The server's scratch dir: spark.local.dir and the SQL warehouse live under it. */
  workDir: string;
  /** More --conf settings (e.g. spark.ui.reverseProxyUrl). */
  conf?: Record<string, string>;
}

/** The spark-submit path and arguments that start a Spark Connect server. */
export function connectServerArgs(spec: ConnectServerSpec): { command: string; args: string[] } {
  const cores = Math.max(1, Math.floor(spec.cores ?? 1));
  const host = spec.host ?? "127.0.0.1";
  const master = spec.master ?? `local[${cores}]`;
  const uiPort = spec.uiPort ?? false;
  const conf: [string, string][] = [
    ["spark.connect.grpc.binding.address", host],
    ["spark.connect.grpc.binding.port", String(spec.port)],
    ["spark.driver.host", host],
    ["spark.driver.bindAddress", host],
    // A taken port is an error, not a silent move to the next one: the caller leased it.
    ["spark.port.maxRetries", "0"],
    ["spark.local.dir", path.join(spec.workDir, "local")],
    ["spark.sql.warehouse.dir", path.join(spec.workDir, "warehouse")],
  ];
  if (uiPort === false) conf.push(["spark.ui.enabled", "false"]);
  else conf.push(["spark.ui.port", String(uiPort)]);
  if (!master.startsWith("local")) conf.push(["spark.cores.max", String(cores)]);
  if (spec.executorMemory) conf.push(["spark.executor.memory", spec.executorMemory]);
  if (spec.extraJars?.length) conf.push(["spark.jars", spec.extraJars.join(",")]);
  for (const [k, v] of Object.entries(spec.conf ?? {})) conf.push([k, v]);
  return {
    command: path.join(spec.sparkHome, "bin", "spark-submit"),
    args: [
      "--class",
      CONNECT_SERVER_CLASS,
      "--name",
      "weir-spark-connect",
      "--master",
      master,
      "--driver-memory",
      spec.driverMemory ?? "512m",
      ...conf.flatMap(([k, v]) => ["--conf", `${k}=${v}`]),
      // spark-submit wants a primary resource; the server class is in Spark's own jars.
      "spark-internal",
    ],
  };
}

/** The environment of the server process (on top of a minimal PATH/HOME). */
export function connectServerEnv(artifacts: { sparkHome: string; javaHome?: string }): Record<string, string> {
  return {
    SPARK_HOME: artifacts.sparkHome,
    ...(artifacts.javaHome ? { JAVA_HOME: artifacts.javaHome } : {}),
    // No reverse DNS for the hostname: the driver binds loopback.
    SPARK_LOCAL_IP: "127.0.0.1",
  };
}
