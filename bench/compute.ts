// pnpm bench:compute — how long Weir takes to give you a running Spark compute cluster, next to
// the floor: starting the same master and workers from the same pinned Spark directly, in the
// same run.
//   floor: spark-class master (LocalSparkRuntime, no database, no controller, no API), poll its
//          /json/ until ALIVE, start the workers, poll until every worker is ALIVE;
//   weir:  POST /api/v1/compute-clusters through the REST handler → controller (NOTIFY,
//          reconcile) → the same driver → status RUNNING in Postgres, polled through the API.
// Also prints the resident memory of the master and of each worker once the cluster runs.
// Anchors (published provisioning times): Dataproc about 90 s, EMR 8-12 min, Databricks classic
// 3-5 min.
import { workerResources, type SparkClusterSpec } from "@weir/runtime";
import { freePorts, LocalKafkaRuntime, LocalSparkRuntime } from "@weir/runtime/local";
import { ensureSpark } from "@weir/runtime/spark-artifacts";
import { env } from "@weir/env";
import { mean, rssMb, startBenchStack, until, type BenchStack } from "./lib/stack.ts";

const SIZES = (process.argv[2] ?? "1,3").split(",").map(Number);
const spark = () => ensureSpark(env().WEIR_CACHE_DIR);

async function floor(engine: LocalSparkRuntime, workers: number) {
  const ports = await freePorts(2 + workers * 2);
  const res = workerResources({ vcpu: 1, memoryGib: 2 });
  const node = (name: string, role: "master" | "worker", i: number) => ({
    name,
    role,
    host: "127.0.0.1",
    port: ports[i * 2]!,
    uiPort: ports[i * 2 + 1]!,
    ...(role === "worker" ? res : { cores: 0, memoryMb: 0 }),
  });
  const clusterId = `floor-${workers}-${Date.now()}`;
  const spec: SparkClusterSpec = {
    clusterId,
    sparkVersion: "4.2.0",
    master: node("master", "master", 0),
    workers: Array.from({ length: workers }, (_, i) => node(`worker-${i + 1}`, "worker", i + 1)),
    uiProxyPath: `/spark-ui/${clusterId}`,
  };
  const t0 = performance.now();
  const master = await engine.ensureNode(spec, "master");
  await until(async () => (await engine.masterState(spec))?.status === "ALIVE");
  const started = await Promise.all(spec.workers.map((w) => engine.ensureNode(spec, w.name)));
  await until(
    async () => ((await engine.masterState(spec))?.workers.filter((w) => w.state === "ALIVE").length ?? 0) === workers,
  );
  const seconds = (performance.now() - t0) / 1000;
  const rss = { master: rssMb(master.pid), workers: started.map((s) => rssMb(s.pid)) };
  await engine.deleteGroup(clusterId);
  return { seconds, rss };
}

async function throughWeir(stack: BenchStack, workers: number, round: number) {
  const t0 = performance.now();
  const created = await stack.rest("POST", "/compute-clusters", {
    name: `bench-${workers}-${round}`,
    workerCount: workers,
    workerInstanceType: "t2.small",
  });
  await until(async () => (await stack.rest("GET", `/compute-clusters/${created.id}`)).status === "RUNNING");
  const seconds = (performance.now() - t0) / 1000;
  const c = await stack.rest("GET", `/compute-clusters/${created.id}`);
  const rss = { master: rssMb(c.master.pid), workers: (c.workers as { pid: number }[]).map((w) => rssMb(w.pid)) };
  await stack.rest("DELETE", `/compute-clusters/${created.id}`);
  await until(async () => (await stack.db.computeCluster.count({ where: { id: created.id as string } })) === 0, 60_000);
  return { seconds, ...rss };
}

async function main() {
  spark(); // fetched before timing anything
  let engine!: LocalSparkRuntime;
  const stack = await startBenchStack("compute", (dataDir) => {
    engine = new LocalSparkRuntime({ dataDir, spark });
    return {
      runtime: new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR }),
      engine,
      onExit: (enqueue) => engine.onExit((id) => enqueue("ComputeCluster", id)),
    };
  });
  try {
    console.log(
      "Time to a running Spark standalone cluster (master + workers ALIVE), this machine, the better of two runs each\n",
    );
    console.log("workers  floor (direct)  Weir (POST → RUNNING)  ratio  RSS master  RSS per worker");
    // Each size twice, floor and Weir alternating, the better run of each kept: one run on a
    // shared two-core machine is mostly noise (the first start also pays cold caches).
    for (const workers of SIZES) {
      const floors: Awaited<ReturnType<typeof floor>>[] = [];
      const weirs: { seconds: number; master: number; workers: number[] }[] = [];
      for (let round = 0; round < 2; round++) {
        floors.push(await floor(engine, workers));
        weirs.push(await throughWeir(stack, workers, round));
      }
      const f = floors.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
      const w = weirs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
      console.log(
        `${String(workers).padStart(7)}  ${f.seconds.toFixed(1).padStart(12)} s  ${w.seconds.toFixed(1).padStart(19)} s  ${(w.seconds / f.seconds).toFixed(2).padStart(5)}x  ${w.master.toFixed(0).padStart(7)} MiB  ${mean(w.workers).toFixed(0)} MiB (direct: master ${f.rss.master.toFixed(0)}, worker ${mean(f.rss.workers).toFixed(0)} MiB)   runs: floor ${floors.map((x) => x.seconds.toFixed(1)).join("/")} s, Weir ${weirs.map((x) => x.seconds.toFixed(1)).join("/")} s`,
      );
    }
    console.log("\nAnchors: Dataproc about 90 s, EMR 8-12 min, Databricks classic 3-5 min.");
  } finally {
    await stack.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
