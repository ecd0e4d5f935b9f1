// pnpm bench:tls [messages=200000] — what TLS by default costs a producer, in one run on the same
// 3 brokers (Weir's local driver and server.properties, started directly as bench/provision does):
//   weir: the SASL_SSL client listener, SCRAM-SHA-512 as a Kafka user whose ACLs allow its topic;
//   bare: a PLAINTEXT listener on 127.0.0.1 of the same brokers (no TLS, no login; User:ANONYMOUS
//         is allowed the bare topic, the authorizer still runs).
// Throughput: kcat (librdkafka) producing `messages` × 100 bytes, acks=all, to an RF 3 /
// min.insync 2 topic of 6 partitions, twice per listener, alternating; the best run of each.
// Latency: kafkajs sending one message at a time (acks=all), 2,000 per listener: p50 and p99.
// Goal: weir at least 0.9x bare throughput.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { env } from "@weir/env";
import { createAclBindings, createTopics, KafkaAdmin, upsertScramUser, type AclBinding } from "@weir/runtime";
import { freePorts, LocalKafkaRuntime, newLocalClusterSpec } from "@weir/runtime/local";
import { createClusterCa, issueNodeCert, nodeCertHosts } from "@weir/runtime/tls";
import { Kafka, logLevel } from "kafkajs";
import { until } from "./lib/stack.ts";

const MESSAGES = Number(process.argv[2] ?? 200_000);
const LATENCY_SENDS = 2000;

const allow = (principal: string, topic: string, operation: AclBinding["operation"]): AclBinding => ({
  principal,
  host: "*",
  resourceType: "TOPIC",
  resourceName: topic,
  patternType: "LITERAL",
  operation,
  permission: "ALLOW",
});

function kcat(args: string[], input: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = execFile("kcat", args, { maxBuffer: 1 << 26 }, (err, _out, stderr) =>
      err ? reject(new Error(`kcat: ${stderr || err.message}`)) : resolve((performance.now() - t0) / 1000),
    );
    p.stdin!.end(input);
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-bench-tls-"));
  const runtime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
  const base = await newLocalClusterSpec({ clusterId: `bench-tls-${Date.now()}`, brokerCount: 3 });
  const ca = await createClusterCa({ clusterId: base.clusterId, clusterName: "bench" });
  const loopback = await freePorts(3, new Set(base.nodes.flatMap((n) => [n.port, n.controllerPort, n.metricsPort])));
  const spec = {
    ...base,
    tls: { caPem: ca.certPem },
    loopbackProtocol: "PLAINTEXT" as const,
    nodes: await Promise.all(
      base.nodes.map(async (n, i) => ({
        ...n,
        loopbackPort: loopback[i]!,
        cert: await issueNodeCert({ ca, clusterId: base.clusterId, nodeId: n.nodeId, hosts: nodeCertHosts(n.host) }),
      })),
    ),
  };
  const caFile = path.join(dataDir, "ca.pem");
  fs.writeFileSync(caFile, ca.certPem);
  const tlsBootstrap = spec.nodes.map((n) => `127.0.0.1:${n.port}`).join(",");
  const bareBootstrap = spec.nodes.map((n) => `127.0.0.1:${n.loopbackPort}`).join(",");
  const admin = new KafkaAdmin({
    bootstrap: tlsBootstrap.split(","),
    ...spec.admin,
    ca: ca.certPem,
    timeoutMs: 10_000,
  });
  try {
    await Promise.all(spec.nodes.map((n) => runtime.ensureNode(spec, n.nodeId)));
    await until(async () => (await admin.describeCluster()).brokers.length === 3);
    const configs = { "min.insync.replicas": "2" };
    const errors = await createTopics(admin, [
      { name: "bench-tls", partitions: 6, replicationFactor: 3, configs },
      { name: "bench-bare", partitions: 6, replicationFactor: 3, configs },
    ]);
    if (errors.some(Boolean)) throw errors.find(Boolean)!;
    const user = { username: "bench-producer", password: "bench-password-0123456789" };
    await upsertScramUser(admin, user.username, user.password);
    await createAclBindings(admin, [
      allow(`User:${user.username}`, "bench-tls", "WRITE"),
      allow(`User:${user.username}`, "bench-tls", "DESCRIBE"),
      allow("User:ANONYMOUS", "bench-bare", "WRITE"),
      allow("User:ANONYMOUS", "bench-bare", "DESCRIBE"),
    ]);
    await new Promise((r) => setTimeout(r, 2000)); // ACLs and metadata reach every broker

    const payload = `${"x".repeat(99)}\n`.repeat(MESSAGES);
    const common = ["-P", "-X", "acks=all", "-X", "linger.ms=5", "-X", "queue.buffering.max.messages=1000000"];
    const weirArgs = [
      "-b",
      tlsBootstrap,
      "-X",
      "security.protocol=SASL_SSL",
      "-X",
      `ssl.ca.location=${caFile}`,
      "-X",
      "sasl.mechanisms=SCRAM-SHA-512",
      "-X",
      `sasl.username=${user.username}`,
      "-X",
      `sasl.password=${user.password}`,
      "-t",
      "bench-tls",
      ...common,
    ];
    const bareArgs = ["-b", bareBootstrap, "-t", "bench-bare", ...common];
    const runs: { weir: number[]; bare: number[] } = { weir: [], bare: [] };
    for (let i = 0; i < 2; i++) {
      runs.bare.push(await kcat(bareArgs, payload));
      runs.weir.push(await kcat(weirArgs, payload));
    }
    const rate = (s: number) => MESSAGES / s;
    const weirRate = Math.max(...runs.weir.map(rate));
    const bareRate = Math.max(...runs.bare.map(rate));

    const latency = async (kafka: Kafka, topic: string) => {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const ms: number[] = [];
      for (let i = 0; i < LATENCY_SENDS; i++) {
        const t0 = performance.now();
        await producer.send({ topic, acks: -1, messages: [{ value: "x".repeat(100) }] });
        ms.push(performance.now() - t0);
      }
      await producer.disconnect();
      return ms.slice(100); // the first sends pay connection and metadata
    };
    const quiet = { logLevel: logLevel.NOTHING, clientId: "bench-tls" };
    const weirLat = await latency(
      new Kafka({
        ...quiet,
        brokers: tlsBootstrap.split(","),
        ssl: { ca: [ca.certPem] },
        sasl: { mechanism: "scram-sha-512", ...user },
      }),
      "bench-tls",
    );
    const bareLat = await latency(new Kafka({ ...quiet, brokers: bareBootstrap.split(",") }), "bench-bare");

    const f = (n: number) => Math.round(n).toLocaleString("en-US");
    console.log(`bench/tls: 3 brokers (Kafka ${spec.kafkaVersion}), ${f(MESSAGES)} × 100 B per run, acks=all, RF 3`);
    console.log(
      `  throughput  weir SASL_SSL+SCRAM+ACL ${f(weirRate)} msg/s (runs ${runs.weir.map((s) => s.toFixed(2)).join(", ")} s)`,
    );
    console.log(
      `              bare PLAINTEXT          ${f(bareRate)} msg/s (runs ${runs.bare.map((s) => s.toFixed(2)).join(", ")} s)`,
    );
    console.log(`              ratio ${(weirRate / bareRate).toFixed(2)}x (goal ≥ 0.9x)`);
    console.log(
      `  latency     weir p50 ${pct(weirLat, 50).toFixed(2)} ms, p99 ${pct(weirLat, 99).toFixed(2)} ms; bare p50 ${pct(bareLat, 50).toFixed(2)} ms, p99 ${pct(bareLat, 99).toFixed(2)} ms (kafkajs, one send at a time, ${LATENCY_SENDS - 100} each)`,
    );
    console.log(
      `  load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
  } finally {
    await admin.close();
    await runtime.deleteGroup(spec.clusterId);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
