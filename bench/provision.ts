// pnpm bench:provision [sizes=1,3] [rounds=2] [--timeline] — how long Weir takes to give you a running Kafka cluster, next
// to the bare start of the same brokers, in the same run:
//   bare:   format each node's storage (a StorageTool JVM per node) + start N JVMs from the same
//           jars and configs, SASL_SSL with a cluster CA as Weir's (LocalKafkaRuntime without its
//           start tricks) + poll DescribeCluster until all N brokers are registered (no
//           database, no controller, no API);
//   tricks: the same direct start with each trick alone, then both: one StorageTool run per
//           cluster copied to every node (sharedFormat), and an AppCDS class archive built once
//           per Kafka version and JDK (classArchive);
//   weir:   POST /api/v1/clusters through the REST handler → controller (NOTIFY, reconcile) →
//           the driver with its tricks → status RUNNING in Postgres, polled through GET.
// Goal: Weir at most 0.8x the bare start. The variants take turns within each round (a busy
// machine's load drifts); each line is the best of the rounds. Also prints resident memory.
import { env } from "@weir/env";
import { KafkaAdmin } from "@weir/runtime";
import { LocalKafkaRuntime, newLocalClusterSpec, type FastStart } from "@weir/runtime/local";
import { createClusterCa, issueNodeCert, nodeCertHosts } from "@weir/runtime/tls";
import { mean, rssMb, startBenchStack, until, type BenchStack } from "./lib/stack.ts";

const SIZES = (process.argv[2] ?? "1,3").split(",").map(Number);
const ROUNDS = Number(process.argv[3] ?? 2);
/** --timeline: print what the API showed during each Weir provision, with when. */
const TIMELINE = process.argv.includes("--timeline");

async function direct(
  dataDir: string,
  count: number,
  fastStart: FastStart,
): Promise<{ seconds: number; rss: number[] }> {
  const runtime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR, fastStart });
  const base = await newLocalClusterSpec({ clusterId: `direct-${count}-${Date.now()}`, brokerCount: count });
  // The same brokers as Weir's: TLS with a cluster CA and node certificates (made before the clock starts).
  const ca = await createClusterCa({ clusterId: base.clusterId, clusterName: "direct" });
  const spec = {
    ...base,
    tls: { caPem: ca.certPem },
    nodes: await Promise.all(
      base.nodes.map(async (n) => ({
        ...n,
        cert: await issueNodeCert({ ca, clusterId: base.clusterId, nodeId: n.nodeId, hosts: nodeCertHosts(n.host) }),
      })),
    ),
  };
  const t0 = performance.now();
  const started = await Promise.all(spec.nodes.map((n) => runtime.ensureNode(spec, n.nodeId)));
  const admin = new KafkaAdmin({
    bootstrap: spec.nodes.map((n) => `127.0.0.1:${n.port}`),
    ...spec.admin,
    ca: ca.certPem,
    timeoutMs: 2000,
  });
  try {
    await until(async () => (await admin.describeCluster()).brokers.length === count);
    return { seconds: (performance.now() - t0) / 1000, rss: started.map((s) => rssMb(s.pid)) };
  } finally {
    await admin.close();
    await runtime.deleteGroup(spec.clusterId);
  }
}

/** POST → RUNNING through the API and the controller, then the cluster deleted again. */
async function viaWeir(stack: BenchStack, count: number, round: number): Promise<{ seconds: number; rss: number[] }> {
  const name = `bench-${count}-${round}`;
  const t0 = performance.now();
  const created = await stack.rest("POST", "/clusters", {
    name,
    brokerCount: count,
    brokerInstanceType: "kafka.t3.small",
    storageGbPerBroker: 20,
  });
  // Where Weir's time goes: each status / progress / reason the API showed, with when it first did.
  const timeline: string[] = [];
  let last = "";
  await until(
    async () => {
      const c = await stack.rest("GET", `/clusters/${created.id}`);
      const now = `${c.status} ${c.progress.done}/${c.progress.total} ${c.statusReason ?? ""}`;
      if (now !== last) timeline.push(`${((performance.now() - t0) / 1000).toFixed(2).padStart(6)} s  ${(last = now)}`);
      return c.status === "RUNNING";
    },
    300_000,
    50,
  );
  const seconds = (performance.now() - t0) / 1000;
  if (TIMELINE) console.log(`  Weir, round ${round}:\n${timeline.map((l) => `    ${l}`).join("\n")}`);
  const c = await stack.rest("GET", `/clusters/${created.id}`);
  const rss = (c.brokers as { pid: number }[]).map((b) => rssMb(b.pid));
  await stack.rest("DELETE", `/clusters/${created.id}?confirmName=${name}`);
  await until(async () => (await stack.db.kafkaCluster.count({ where: { id: created.id as string } })) === 0, 60_000);
  return { seconds, rss };
}

async function main() {
  let runtime!: LocalKafkaRuntime;
  const stack = await startBenchStack("provision", (dataDir) => {
    runtime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
    return { runtime, onExit: (enqueue) => runtime.onExit((id) => enqueue("KafkaCluster", id)) };
  });
  try {
    const a0 = performance.now();
    const archive = await runtime.classArchive().catch((e: unknown) => `not built (${String(e)})`);
    console.log(`AppCDS archive: ${archive} (${((performance.now() - a0) / 1000).toFixed(1)} s to build or find)`);
    console.log(`Time to a running Kafka cluster (KRaft, SASL_SSL + SCRAM-SHA-512), best of ${ROUNDS} rounds\n`);
    const variants: [string, FastStart][] = [
      ["bare (no tricks)", { sharedFormat: false, classArchive: false }],
      ["+ shared format", { sharedFormat: true, classArchive: false }],
      ["+ class archive", { sharedFormat: false, classArchive: true }],
      ["+ both", { sharedFormat: true, classArchive: true }],
    ];
    for (const count of SIZES) {
      const best = new Map<string, { seconds: number; rss: number[] }>();
      const keep = (label: string, r: { seconds: number; rss: number[] }) => {
        if (r.seconds < (best.get(label)?.seconds ?? Infinity)) best.set(label, r);
      };
      for (let round = 0; round < ROUNDS; round++) {
        for (const [label, fastStart] of variants) keep(label, await direct(stack.dataDir, count, fastStart));
        keep("weir", await viaWeir(stack, count, round));
      }
      const bare = best.get(variants[0]![0])!;
      console.log(`${count} broker${count === 1 ? "" : "s"}:`);
      for (const [label] of variants) {
        const r = best.get(label)!;
        console.log(
          `  direct ${label.padEnd(18)} ${r.seconds.toFixed(1).padStart(6)} s  ${(r.seconds / bare.seconds).toFixed(2)}x bare`,
        );
      }
      const weir = best.get("weir")!;
      console.log(
        `  Weir POST → RUNNING       ${weir.seconds.toFixed(1).padStart(6)} s  ${(weir.seconds / bare.seconds).toFixed(2)}x bare (goal ≤ 0.80x)`,
      );
      console.log(`  RSS per broker: Weir ${mean(weir.rss).toFixed(0)} MiB, bare ${mean(bare.rss).toFixed(0)} MiB\n`);
    }
  } finally {
    await stack.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
