// The controller process: `pnpm start` runs it next to the console.
import { createDb, type Db } from "@weir/db";
import { env } from "@weir/env";
import {
  LocalConnectRuntime,
  LocalJobRuntime,
  LocalKafkaRuntime,
  LocalSparkRuntime,
  LocalSupervisor,
} from "@weir/runtime/local";
import { ensureSpark } from "@weir/runtime/spark-artifacts";
import { Controller } from "./framework/controller.ts";
import { PeriodicTask } from "./framework/periodic.ts";
import { createReconcilers } from "./index.ts";
import { MeteringJob } from "./metering/job.ts";
import { sampleComputeClusters } from "./metrics/compute-sampler.ts";
import { sampleConnectors } from "./metrics/connect-sampler.ts";
import { MetricsSampler } from "./metrics/sampler.ts";

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Log = (level: keyof typeof levels, msg: string) => void;

/** Periodic tasks run under a lease: one controller at a time samples and meters. */
function periodicTasks(db: Db, runtime: LocalKafkaRuntime, log: Log): PeriodicTask[] {
  const e = env();
  const metricsMs = e.WEIR_METRICS_INTERVAL_SECONDS * 1000;
  const sampler = new MetricsSampler({
    db,
    runtime,
    secretKey: e.WEIR_SECRET_KEY!,
    retentionHours: e.WEIR_METRICS_RETENTION_HOURS,
    log,
  });
  const metering = new MeteringJob({ db, log });
  const task = (name: string, intervalMs: number, run: () => Promise<unknown>) =>
    new PeriodicTask({ db, name, intervalMs, run, log });
  return [
    task("metrics-sampler", metricsMs, () => sampler.sampleAll()),
    task("compute-metrics", metricsMs, () => sampleComputeClusters(db, e.WEIR_METRICS_RETENTION_HOURS)),
    task("connect-metrics", metricsMs, () => sampleConnectors(db)),
    task("metering", e.WEIR_METERING_INTERVAL_SECONDS * 1000, () => metering.runOnce()),
  ];
}

async function main() {
  const e = env();
  if (!e.DATABASE_URL) throw new Error("DATABASE_URL is not set: start Weir with `pnpm start`.");
  if (!e.WEIR_SECRET_KEY)
    throw new Error("WEIR_SECRET_KEY is not set: start Weir with `pnpm start`, which creates one.");
  const log: Log = (level, msg) => {
    if (levels[level] >= levels[e.WEIR_LOG_LEVEL]) console.log(`[controller] ${level}: ${msg}`);
  };
  const db = createDb(e.DATABASE_URL, e.WEIR_CONTROLLER_CONCURRENCY + 3);
  const runtime = new LocalKafkaRuntime({ dataDir: e.WEIR_DATA_DIR, cacheDir: e.WEIR_CACHE_DIR });
  // The pinned Spark runtime is fetched by `pnpm start` before the controller starts; this only
  // reads where it is, the first time a compute cluster needs it.
  // Spark nodes and job drivers share one supervisor (a compute cluster's deletion stops its drivers
  // as planned stops, not crashes).
  const sparkSupervisor = new LocalSupervisor();
  const spark = () => ensureSpark(e.WEIR_CACHE_DIR);
  const engine = new LocalSparkRuntime({ dataDir: e.WEIR_DATA_DIR, spark }, sparkSupervisor);
  const jobs = new LocalJobRuntime({ dataDir: e.WEIR_DATA_DIR, spark }, sparkSupervisor);
  // Kafka clusters created for Kubernetes run as Strimzi resources, compute clusters as namespaces
  // with a quota and their jobs as SparkApplications; the client is loaded only when a Kubernetes
  // API is configured.
  const k8s = e.WEIR_RUNTIME === "kubernetes" || e.WEIR_KUBECONFIG ? await import("@weir/runtime/k8s") : undefined;
  const kc = k8s?.kubeConfigFromEnv();
  const kubernetes = k8s && kc ? new k8s.KubernetesKafkaRuntime(kc, e.WEIR_K8S_NAMESPACE) : undefined;
  const kubernetesSpark =
    k8s && kc
      ? {
          compute: new k8s.KubernetesComputeRuntime(kc, e.WEIR_K8S_NAMESPACE),
          jobs: new k8s.KubernetesSparkJobs(kc, e.WEIR_K8S_NAMESPACE),
        }
      : undefined;
  // Connect workers: the pinned jars are fetched by set-up; the driver reads where they are.
  const connectRuntime = new LocalConnectRuntime({ dataDir: e.WEIR_DATA_DIR, cacheDir: e.WEIR_CACHE_DIR });
  const connect = { runtime: connectRuntime };
  const kinds = createReconcilers({
    runtime,
    kubernetes,
    kubernetesSpark,
    engine,
    jobs,
    connect,
    secretKey: e.WEIR_SECRET_KEY,
  });
  const controller = new Controller({
    db,
    databaseUrl: e.DATABASE_URL,
    reconcilers: kinds.reconcilers,
    concurrency: e.WEIR_CONTROLLER_CONCURRENCY,
    resyncIntervalMs: e.WEIR_CONTROLLER_RESYNC_SECONDS * 1000,
    log,
  });
  // An instance that exits is looked at at once, not at the next resync.
  runtime.onExit((clusterId, node, code) => {
    log("warn", `KafkaCluster/${clusterId}: node ${node} exited (${code})`);
    controller.enqueue({ kind: "KafkaCluster", id: clusterId });
  });
  engine.onExit((clusterId, node, code) => {
    log("warn", `ComputeCluster/${clusterId}: ${node} exited (${code})`);
    controller.enqueue({ kind: "ComputeCluster", id: clusterId });
  });
  jobs.onExit((computeClusterId, jobId, code) => {
    log("info", `Job/${jobId}: the driver on ComputeCluster/${computeClusterId} exited (${code})`);
    controller.enqueue({ kind: "Job", id: jobId });
  });
  connectRuntime.onExit((clusterId, worker, code) => {
    log("warn", `ConnectCluster/${clusterId}: ${worker} exited (${code})`);
    controller.enqueue({ kind: "ConnectCluster", id: clusterId });
  });
  const tasks = periodicTasks(db, runtime, log);
  await controller.start();
  for (const t of tasks) t.start();
  console.log(`[controller] reconciling ${kinds.reconcilers.map((r) => r.kind).join(", ")}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[controller] ${signal}: stopping (brokers keep running; the next controller adopts them)`);
    await Promise.all(tasks.map((t) => t.stop()));
    await controller.stop();
    await kinds.close();
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
