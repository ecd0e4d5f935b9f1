// pnpm exec tsx bench/connect.ts [cdcRows=200] [messages=100000] — Kafka Connect on the local
// driver, with real parts: an embedded PostgreSQL (wal_level=logical), two one-broker Kafka
// clusters A and B, one Connect worker attached to B (the pinned runtime, started by
// LocalConnectRuntime). Run it under the JVM lock on a shared machine:
//   flock /tmp/weir-jvm.lock pnpm exec tsx bench/connect.ts
// 1. CDC latency: one row per INSERT transaction every 100 ms; latency = the message's arrival
//    at a kcat consumer tailing the topic − the moment COMMIT returned to the client. p50/p95.
// 2. Replication throughput, same run, same topic (1 partition, `messages` × 200 B on A):
//    MirrorMaker 2's MirrorSourceConnector copying it to B (a.bulk), next to the plain
//    consume-and-produce baseline `kcat -C (A) | kcat -P (B)`. Messages/s from the first record
//    on B to the last, and from the start of the copy to the last.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { adminQuery, startTestPostgres } from "@weir/db/testing";
import { env } from "@weir/env";
import { connectInternalTopics, ConnectRestClient, createTopic, KafkaAdmin, scramJaasConfig } from "@weir/runtime";
import { freePorts, LocalConnectRuntime, LocalKafkaRuntime, newLocalClusterSpec } from "@weir/runtime/local";

const CDC_ROWS = Number(process.argv[2] ?? 200);
const MESSAGES = Number(process.argv[3] ?? 100_000);

type Cluster = { id: string; bootstrap: string; admin: { username: string; password: string } };

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 300_000, every = 250): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

const kcatAuth = (c: Cluster) => [
  "-b",
  c.bootstrap,
  "-X",
  "security.protocol=SASL_PLAINTEXT",
  "-X",
  "sasl.mechanisms=SCRAM-SHA-512",
  "-X",
  `sasl.username=${c.admin.username}`,
  "-X",
  `sasl.password=${c.admin.password}`,
];

/** Offset of the topic's last message (partition 0), or -1 when it is empty or missing. */
function lastOffset(c: Cluster, topic: string): number {
  const r = spawnSync("kcat", [...kcatAuth(c), "-C", "-t", topic, "-p", "0", "-o", "-1", "-e", "-q", "-f", "%o\n"], {
    encoding: "utf8",
    timeout: 30_000,
  });
  const lines = r.stdout.trim().split("\n").filter(Boolean);
  return r.status === 0 && lines.length ? Number(lines.at(-1)) : -1;
}

/** Time from now until `topic` on `c` holds `count` messages, and from its first message on. */
async function watchCopy(c: Cluster, topic: string, count: number, done?: Promise<unknown>) {
  const t0 = performance.now();
  let first = 0;
  await until(
    `${count} messages in ${topic}`,
    async () => {
      const last = lastOffset(c, topic);
      if (last >= 0 && !first) first = performance.now();
      return last >= count - 1;
    },
    900_000,
    200,
  );
  await done;
  const end = performance.now();
  return { total: (end - t0) / 1000, sinceFirst: (end - (first || t0)) / 1000 };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-bench-connect-"));
  const kafka = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
  const connect = new LocalConnectRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
  const clusterId = "bench-connect";
  const pg = await startTestPostgres({ settings: { wal_level: "logical" } });
  const clusters: Cluster[] = [];
  const children: ReturnType<typeof spawn>[] = [];
  try {
    for (const id of ["bench-kafka-a", "bench-kafka-b"]) {
      const spec = await newLocalClusterSpec({ clusterId: id, brokerCount: 1 });
      await kafka.ensureNode(spec, spec.nodes[0]!.nodeId);
      clusters.push({ id, bootstrap: `127.0.0.1:${spec.nodes[0]!.port}`, admin: spec.admin });
    }
    const [a, b] = clusters as [Cluster, Cluster];
    for (const c of clusters) {
      const ka = new KafkaAdmin({ bootstrap: [c.bootstrap], ...c.admin });
      await until("a broker", async () => (await ka.describeCluster()).brokers.length === 1);
      await ka.close();
    }
    // One worker on B, as B's admin (the bench measures the data path, not the ACLs).
    const topics = connectInternalTopics(clusterId);
    const [restPort] = await freePorts(1);
    const t0 = performance.now();
    await connect.ensureWorker({
      clusterId,
      workerId: "worker-1",
      input: {
        clusterId,
        groupId: topics.group,
        bootstrapServers: b.bootstrap,
        ...b.admin,
        restPort: restPort!,
        configTopic: topics.config,
        offsetTopic: topics.offset,
        statusTopic: topics.status,
        replicationFactor: 1,
        pluginPath: connect.pluginPath(),
        secretsDir: connect.secretsDir(clusterId),
      },
    });
    const rest = new ConnectRestClient(`http://127.0.0.1:${restPort}`);
    await until("the worker's REST API", () => rest.ready());
    console.log(`Connect worker ready in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

    // 1. CDC latency.
    const shop = pg.url("postgres");
    await adminQuery(shop, "CREATE TABLE events (id int PRIMARY KEY, v text)");
    const port = new URL(shop).port;
    await rest.put("cdc", {
      "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
      "tasks.max": "1",
      "database.hostname": "127.0.0.1",
      "database.port": port,
      "database.user": decodeURIComponent(new URL(shop).username),
      "database.password": await connect.writeSecret(clusterId, "pg", decodeURIComponent(new URL(shop).password)),
      "database.dbname": "postgres",
      "topic.prefix": "bench",
      "plugin.name": "pgoutput",
      "slot.name": "bench",
      "table.include.list": "public.events",
      "topic.creation.default.replication.factor": "1",
      "topic.creation.default.partitions": "1",
    });
    // Warm-up: the connector's snapshot, slot and topic exist once row 0 is in the topic; the
    // consumer starts then (kcat gives up on a topic that does not exist yet).
    await adminQuery(shop, "INSERT INTO events VALUES (0, 'warm-up')");
    await until("the CDC topic", async () => lastOffset(b, "bench.public.events") >= 0);
    const arrivals = new Map<number, number>();
    const tail = spawn(
      "kcat",
      [...kcatAuth(b), "-C", "-t", "bench.public.events", "-o", "beginning", "-q", "-u", "-f", "%k\n"],
      {
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    children.push(tail);
    let buf = "";
    tail.stdout!.on("data", (d: Buffer) => {
      const now = performance.timeOrigin + performance.now();
      buf += d.toString("utf8");
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          const id = (JSON.parse(line) as { payload: { id: number } }).payload.id;
          if (!arrivals.has(id)) arrivals.set(id, now);
        } catch {
          // a tombstone or a partial line
        }
      }
    });
    await until("the first change event", async () => arrivals.has(0));
    const committed = new Map<number, number>();
    for (let id = 1; id <= CDC_ROWS; id++) {
      await adminQuery(shop, `INSERT INTO events VALUES (${id}, 'row ${id}')`);
      committed.set(id, performance.timeOrigin + performance.now());
      await new Promise((r) => setTimeout(r, 100));
    }
    await until("every change event", async () => arrivals.size > CDC_ROWS, 120_000);
    const lat = [...committed].map(([id, t]) => arrivals.get(id)! - t);
    console.log(`CDC, row committed → message in topic (${CDC_ROWS} rows, one per transaction, every 100 ms):`);
    console.log(
      `  p50 ${pct(lat, 50).toFixed(0)} ms   p95 ${pct(lat, 95).toFixed(0)} ms   min ${Math.min(...lat).toFixed(0)} ms   max ${Math.max(...lat).toFixed(0)} ms\n`,
    );
    await rest.delete("cdc");
    tail.kill();

    // 2. Replication: fill A's topic, then the baseline copy, then MirrorMaker 2.
    const ka = new KafkaAdmin({ bootstrap: [a.bootstrap], ...a.admin });
    await createTopic(ka, { name: "bulk", partitions: 1, replicationFactor: 1, configs: {} });
    await ka.close();
    const kb = new KafkaAdmin({ bootstrap: [b.bootstrap], ...b.admin });
    await createTopic(kb, { name: "copy", partitions: 1, replicationFactor: 1, configs: {} });
    await kb.close();
    const file = path.join(dataDir, "bulk.txt");
    const payload = "x".repeat(190);
    fs.writeFileSync(
      file,
      Array.from({ length: MESSAGES }, (_, i) => `k${i}\t${i.toString().padStart(8, "0")}${payload}`).join("\n") + "\n",
    );
    const fill = spawnSync(
      "bash",
      [
        "-c",
        `kcat ${kcatAuth(a)
          .map((x) => `'${x}'`)
          .join(" ")} -P -t bulk -K '\t' -z lz4 < '${file}'`,
      ],
      {
        encoding: "utf8",
        timeout: 600_000,
      },
    );
    if (fill.status !== 0) throw new Error(`filling A failed: ${fill.stderr}`);
    await until("the bulk topic filled", async () => lastOffset(a, "bulk") >= MESSAGES - 1);

    const quote = (xs: string[]) => xs.map((x) => `'${x}'`).join(" ");
    const baseline = spawn(
      "bash",
      [
        "-c",
        `kcat ${quote(kcatAuth(a))} -C -t bulk -o beginning -e -q -K '\t' -f '%k\t%s\n' | kcat ${quote(kcatAuth(b))} -P -t copy -K '\t'`,
      ],
      { stdio: "ignore" },
    );
    children.push(baseline);
    const baseDone = new Promise((r) => baseline.on("exit", r));
    const base = await watchCopy(b, "copy", MESSAGES, baseDone);

    await connect.writeSecret(clusterId, "a-jaas", scramJaasConfig(a.admin.username, a.admin.password));
    await connect.writeSecret(clusterId, "b-jaas", scramJaasConfig(b.admin.username, b.admin.password));
    const ref = (n: string) => `\${dir:${connect.secretsDir(clusterId)}:${n}}`;
    const mmStart = rest.put("mm2", {
      "connector.class": "org.apache.kafka.connect.mirror.MirrorSourceConnector",
      "tasks.max": "1",
      "source.cluster.alias": "a",
      "target.cluster.alias": "b",
      "source.cluster.bootstrap.servers": a.bootstrap,
      "source.cluster.security.protocol": "SASL_PLAINTEXT",
      "source.cluster.sasl.mechanism": "SCRAM-SHA-512",
      "source.cluster.sasl.jaas.config": ref("a-jaas"),
      "target.cluster.bootstrap.servers": b.bootstrap,
      "target.cluster.security.protocol": "SASL_PLAINTEXT",
      "target.cluster.sasl.mechanism": "SCRAM-SHA-512",
      "target.cluster.sasl.jaas.config": ref("b-jaas"),
      topics: "bulk",
      "replication.factor": "1",
      "offset-syncs.topic.replication.factor": "1",
      "sync.topic.acls.enabled": "false",
      "key.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
      "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
    });
    const mm = await watchCopy(b, "a.bulk", MESSAGES, mmStart);
    // first → last is measured by polling (a kcat run per poll, ~0.2-0.5 s): meaningless below ~1 s.
    const rate = (s: number) => (s < 1 ? "n/a" : Math.round(MESSAGES / s).toLocaleString("en"));
    console.log(`Replication of ${MESSAGES.toLocaleString("en")} × 200 B messages (1 partition), A → B:`);
    console.log("                                 start → last   first → last   msg/s (start → last, first → last)");
    console.log(
      `  kcat -C | kcat -P (baseline)   ${base.total.toFixed(1).padStart(8)} s   ${base.sinceFirst.toFixed(1).padStart(10)} s   ${rate(base.total)}, ${rate(base.sinceFirst)}`,
    );
    console.log(
      `  MirrorMaker 2 (Connect)        ${mm.total.toFixed(1).padStart(8)} s   ${mm.sinceFirst.toFixed(1).padStart(10)} s   ${rate(mm.total)}, ${rate(mm.sinceFirst)}`,
    );
    console.log(`  ratio MM2 / baseline (first → last): ${(mm.sinceFirst / base.sinceFirst).toFixed(2)}x the time`);
  } finally {
    for (const c of children) c.kill();
    await connect.deleteGroup(clusterId).catch(() => undefined);
    for (const c of clusters) await kafka.deleteGroup(c.id).catch(() => undefined);
    await pg.stop();
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
