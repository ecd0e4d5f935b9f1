// pnpm bench:rolling — how long a rolling restart of 3 brokers takes through Weir, next to
// stopping and starting the same 3 brokers all at once, in the same run:
//   all at once: a 3-node cluster started directly from the same jars and configs (SASL_SSL with
//           a cluster CA, as Weir's), a topic of 6 partitions × 3 replicas; then every node
//           stopped (controlled shutdown, in parallel) and started again, until all 3 brokers are
//           registered and every partition is back in sync (the cluster is unavailable meanwhile);
//   Weir:   PATCH /api/v1/clusters/{id} with a restart-only broker config (log.retention.hours) on
//           a RUNNING 3-broker cluster with the same topic, until the roll's RollingRestartDone
//           event and RUNNING: one broker at a time, each back in every ISR before the next (the
//           cluster keeps serving acks=all writes with min.insync.replicas 2 throughout).
// Prints both and the ratio: the price of staying available.
import { env } from "@weir/env";
import { KafkaAdmin, createTopics } from "@weir/runtime";
import { LocalKafkaRuntime, newLocalClusterSpec } from "@weir/runtime/local";
import { createClusterCa, issueNodeCert, nodeCertHosts } from "@weir/runtime/tls";
import { startBenchStack, until } from "./lib/stack.ts";

const TOPIC = { name: "bench-rolling", partitions: 6, replicationFactor: 3, configs: { "min.insync.replicas": "2" } };

const inSync = async (admin: KafkaAdmin, brokers: number) =>
  (await admin.describeCluster()).brokers.length === brokers &&
  (await admin.topics()).every((t) => t.partitions.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length));

async function allAtOnce(dataDir: string): Promise<number> {
  const runtime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
  const base = await newLocalClusterSpec({ clusterId: `direct-roll-${Date.now()}`, brokerCount: 3 });
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
  await Promise.all(spec.nodes.map((n) => runtime.ensureNode(spec, n.nodeId)));
  const admin = new KafkaAdmin({
    bootstrap: spec.nodes.map((n) => `127.0.0.1:${n.port}`),
    ...spec.admin,
    ca: ca.certPem,
    timeoutMs: 2000,
  });
  try {
    await until(async () => (await admin.describeCluster()).brokers.length === 3);
    await createTopics(admin, [TOPIC]);
    await until(() => inSync(admin, 3));
    const t0 = performance.now();
    await Promise.all(spec.nodes.map((n) => runtime.stopNode(spec.clusterId, n.nodeId)));
    await Promise.all(spec.nodes.map((n) => runtime.ensureNode(spec, n.nodeId)));
    await until(() => inSync(admin, 3), 180_000, 50);
    return (performance.now() - t0) / 1000;
  } finally {
    await admin.close();
    await runtime.deleteGroup(spec.clusterId);
  }
}

async function main() {
  const stack = await startBenchStack("rolling", (dataDir) => {
    const runtime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
    return { runtime, onExit: (enqueue) => runtime.onExit((id) => enqueue("KafkaCluster", id)) };
  });
  try {
    const bare = await allAtOnce(stack.dataDir);
    console.log(`all at once: ${bare.toFixed(1)} s`);
    const created = await stack.rest("POST", "/clusters", {
      name: "bench-rolling",
      brokerCount: 3,
      brokerInstanceType: "kafka.t3.small",
      storageGbPerBroker: 20,
    });
    const id = created.id as string;
    await until(async () => (await stack.rest("GET", `/clusters/${id}`)).status === "RUNNING", 180_000, 200);
    const topic = await stack.rest("POST", `/clusters/${id}/topics`, TOPIC);
    if (topic.error) throw new Error(`creating the topic: ${JSON.stringify(topic.error)}`);
    let seen = "";
    await until(async () => {
      const t = await stack.rest("GET", `/clusters/${id}/topics/${TOPIC.name}`);
      seen = JSON.stringify(t).slice(0, 300);
      return t.status === "READY";
    }).catch(() => {
      throw new Error(`the topic did not reach READY: ${seen}`);
    });
    const t0 = performance.now();
    await stack.rest("PATCH", `/clusters/${id}`, { brokerConfig: { "log.retention.hours": 72 } });
    await until(
      async () => {
        const events = (await stack.rest("GET", `/clusters/${id}/events`)).items as { reason: string }[];
        return (
          events.some((e) => e.reason === "RollingRestartDone") &&
          (await stack.rest("GET", `/clusters/${id}`)).status === "RUNNING"
        );
      },
      600_000,
      200,
    );
    const weir = (performance.now() - t0) / 1000;
    console.log("Restarting 3 brokers (KRaft, SASL_SSL, a 6 × 3 topic), this machine, one run each\n");
    console.log(
      `  all at once (stop 3, start 3, until in sync)   ${bare.toFixed(1).padStart(6)} s  unavailable meanwhile`,
    );
    console.log(
      `  Weir rolling restart (PATCH → RollingRestartDone) ${weir.toFixed(1).padStart(6)} s  ${(weir / bare).toFixed(2)}x, available throughout`,
    );
    await stack.rest("DELETE", `/clusters/${id}?confirmName=bench-rolling`);
    await until(async () => (await stack.db.kafkaCluster.count({ where: { id } })) === 0, 60_000);
  } finally {
    await stack.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
