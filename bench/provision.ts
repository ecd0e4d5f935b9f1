// pnpm bench:provision — how long Weir takes to give you a running Kafka cluster, next to the
// floor: starting the same brokers from the same jars and configs directly, in the same run.
//   floor: format storage + start N JVMs (LocalKafkaRuntime) + poll DescribeCluster until all
//          N brokers are registered (no database, no controller, no API);
//   weir:  POST /api/v1/clusters through the REST handler → controller (NOTIFY, reconcile) →
//          same driver → status RUNNING in Postgres, polled through GET /api/v1/clusters/{id}.
// Also prints each broker's resident memory once the cluster runs.
import { env } from "@weir/env";
import { KafkaAdmin } from "@weir/runtime";
import { LocalKafkaRuntime, newLocalClusterSpec } from "@weir/runtime/local";
import { mean, rssMb, startBenchStack, until } from "./lib/stack.ts";

const SIZES = (process.argv[2] ?? "1,3").split(",").map(Number);

async function floor(runtime: LocalKafkaRuntime, count: number): Promise<{ seconds: number; rss: number[] }> {
  const spec = await newLocalClusterSpec({ clusterId: `floor-${count}-${Date.now()}`, brokerCount: count });
  const t0 = performance.now();
  const started = await Promise.all(spec.nodes.map((n) => runtime.ensureNode(spec, n.nodeId)));
  const admin = new KafkaAdmin({
    bootstrap: spec.nodes.map((n) => `127.0.0.1:${n.port}`),
    ...spec.admin,
    timeoutMs: 2000,
  });
  await until(async () => (await admin.describeCluster()).brokers.length === count);
  const seconds = (performance.now() - t0) / 1000;
  const rss = started.map((s) => rssMb(s.pid));
  await admin.close();
  await runtime.deleteGroup(spec.clusterId);
  return { seconds, rss };
}

async function main() {
  let runtime!: LocalKafkaRuntime;
  const stack = await startBenchStack("provision", (dataDir) => {
    runtime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
    return { runtime, onExit: (enqueue) => runtime.onExit((id) => enqueue("KafkaCluster", id)) };
  });
  try {
    console.log("Time to a running Kafka cluster (KRaft, SCRAM-SHA-512), this machine, one run each\n");
    console.log("brokers  floor (direct)  Weir (POST → RUNNING)  ratio  RSS per broker");
    for (const count of SIZES) {
      const f = await floor(runtime, count);
      const t0 = performance.now();
      const created = await stack.rest("POST", "/clusters", {
        name: `bench-${count}`,
        brokerCount: count,
        brokerInstanceType: "kafka.t3.small",
        storageGbPerBroker: 20,
      });
      await until(async () => (await stack.rest("GET", `/clusters/${created.id}`)).status === "RUNNING");
      const weir = (performance.now() - t0) / 1000;
      const c = await stack.rest("GET", `/clusters/${created.id}`);
      const rss = (c.brokers as { pid: number }[]).map((b) => rssMb(b.pid));
      console.log(
        `${String(count).padStart(7)}  ${f.seconds.toFixed(1).padStart(12)} s  ${weir.toFixed(1).padStart(19)} s  ${(weir / f.seconds).toFixed(2).padStart(5)}x  ${mean(rss).toFixed(0)} MiB (direct ${mean(f.rss).toFixed(0)} MiB)`,
      );
      await stack.rest("DELETE", `/clusters/${created.id}`);
      await until(
        async () => (await stack.db.kafkaCluster.count({ where: { id: created.id as string } })) === 0,
        60_000,
      );
    }
  } finally {
    await stack.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
