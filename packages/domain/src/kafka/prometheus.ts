// A Kafka cluster's metrics in Prometheus' text format (version 0.0.4), under stable names a
// user's Prometheus and Grafana can rely on: weir_kafka_cluster_* with a `cluster` label (and
// `cluster_id`), weir_kafka_broker_* with `broker` (the node id) as well. Broker counters come live
// from each broker's own JMX exporter (the agent the local driver attaches, on a loopback port),
// so they move the moment a broker counts; the cluster's running byte totals and disk usage come
// from the controller's samples and its last look at each broker.
import type { Db } from "@weir/db";
import type { OrgScope } from "../context.ts";
import { notFound } from "../errors.ts";
import { isServing } from "../status.ts";
import { storageQuotaBytes } from "./clusters.ts";

/** Samples read from a broker's exporter: the JMX names this endpoint republishes, and ours. */
const FROM_EXPORTER: { source: RegExp; name: string; type: "counter" | "gauge"; help: string }[] = [
  {
    source: /^kafka_server_brokertopicmetrics_count\{name="BytesInPerSec",?\}/,
    name: "weir_kafka_broker_bytes_in_total",
    type: "counter",
    help: "Bytes produced to the broker by clients (replication excluded), since the broker started.",
  },
  {
    source: /^kafka_server_brokertopicmetrics_count\{name="BytesOutPerSec",?\}/,
    name: "weir_kafka_broker_bytes_out_total",
    type: "counter",
    help: "Bytes fetched from the broker by clients (replication excluded), since the broker started.",
  },
  {
    source: /^kafka_server_brokertopicmetrics_count\{name="MessagesInPerSec",?\}/,
    name: "weir_kafka_broker_messages_in_total",
    type: "counter",
    help: "Messages produced to the broker, since the broker started.",
  },
  {
    source: /^kafka_server_replicamanager_value\{name="PartitionCount",?\}/,
    name: "weir_kafka_broker_partitions",
    type: "gauge",
    help: "Partition replicas the broker holds.",
  },
  {
    source: /^kafka_server_replicamanager_value\{name="UnderReplicatedPartitions",?\}/,
    name: "weir_kafka_broker_under_replicated_partitions",
    type: "gauge",
    help: "Partitions led by the broker with fewer in-sync replicas than replicas.",
  },
  {
    source: /^jvm_memory_used_bytes\{area="heap",?\}/,
    name: "weir_kafka_broker_jvm_heap_used_bytes",
    type: "gauge",
    help: "Heap used by the broker's JVM.",
  },
];

/** Values of FROM_EXPORTER's samples in a broker exporter's answer, by our name. */
export function pickExporterSamples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const m = FROM_EXPORTER.find((f) => f.source.test(line));
    if (!m) continue;
    const value = Number(
      line
        .slice(line.lastIndexOf("}") + 1)
        .trim()
        .split(/\s+/)[0],
    );
    if (Number.isFinite(value)) out.set(m.name, value);
  }
  return out;
}

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const labels = (l: Record<string, string | number>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${escapeLabel(String(v))}"`)
    .join(",")}}`;

/** One metric family at a time, HELP and TYPE first, as the text format asks. */
class Exposition {
  private readonly families = new Map<string, { help: string; type: string; lines: string[] }>();

  add(name: string, type: "counter" | "gauge", help: string, l: Record<string, string | number>, value: number) {
    const f = this.families.get(name) ?? { help, type, lines: [] };
    f.lines.push(`${name}${labels(l)} ${Number.isInteger(value) ? value : value.toString()}`);
    this.families.set(name, f);
  }

  text(): string {
    return [...this.families]
      .map(([name, f]) => [`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`, ...f.lines].join("\n"))
      .join("\n")
      .concat("\n");
  }
}

async function scrape(host: string, port: number | null): Promise<Map<string, number> | null> {
  if (!port) return null;
  try {
    const res = await fetch(`http://${host}:${port}/metrics`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? pickExporterSamples(await res.text()) : null;
  } catch {
    return null;
  }
}

/** The cluster's metrics as Prometheus text; NOT_FOUND outside the caller's organisation. */
export async function clusterPrometheusText(db: Db, scope: OrgScope, clusterId: string): Promise<string> {
  const c = await db.kafkaCluster.findFirst({
    where: { id: clusterId, orgId: scope.orgId },
    include: { brokers: { orderBy: { nodeId: "asc" } } },
  });
  if (!c) throw notFound("Kafka cluster");
  const last = await db.clusterMetricSample.findFirst({
    where: { clusterId: c.id, nodeId: null },
    orderBy: { sampledAt: "desc" },
  });
  const brokers = c.brokers.filter((b) => b.roles.includes("broker"));
  const scraped = await Promise.all(brokers.map((b) => scrape(b.host, b.metricsPort)));
  const quota = storageQuotaBytes(c.storageGbPerBroker);
  const cl = { cluster: c.name, cluster_id: c.id };
  const out = new Exposition();

  out.add(
    "weir_kafka_cluster_info",
    "gauge",
    "Always 1; the labels say the cluster's Kafka version and status.",
    { ...cl, kafka_version: c.kafkaVersion, status: c.status },
    1,
  );
  out.add(
    "weir_kafka_cluster_up",
    "gauge",
    "1 while the cluster serves clients (RUNNING, DEGRADED or UPDATING).",
    cl,
    isServing("KafkaCluster", c.status) ? 1 : 0,
  );
  out.add("weir_kafka_cluster_brokers", "gauge", "Brokers the cluster should run.", cl, c.brokerCount);
  out.add(
    "weir_kafka_cluster_brokers_running",
    "gauge",
    "Brokers running and registered with the cluster.",
    cl,
    brokers.filter((b) => b.status === "RUNNING").length,
  );
  out.add(
    "weir_kafka_cluster_bytes_in_total",
    "counter",
    "Bytes produced by clients to the cluster since Weir started sampling it (what billing charges).",
    cl,
    Number(last?.bytesInTotal ?? 0),
  );
  out.add(
    "weir_kafka_cluster_bytes_out_total",
    "counter",
    "Bytes fetched by clients from the cluster since Weir started sampling it (what billing charges).",
    cl,
    Number(last?.bytesOutTotal ?? 0),
  );
  if (last) {
    out.add(
      "weir_kafka_cluster_partitions",
      "gauge",
      "Partitions of the cluster's topics, internal ones included.",
      cl,
      last.partitions,
    );
    out.add(
      "weir_kafka_cluster_under_replicated_partitions",
      "gauge",
      "Partitions with fewer in-sync replicas than replicas.",
      cl,
      last.underReplicated,
    );
  }
  brokers.forEach((b, i) => {
    const bl = { ...cl, broker: b.nodeId };
    out.add(
      "weir_kafka_broker_up",
      "gauge",
      "1 while the broker runs and is registered with the cluster.",
      bl,
      b.status === "RUNNING" ? 1 : 0,
    );
    out.add(
      "weir_kafka_broker_storage_bytes",
      "gauge",
      "The broker's provisioned storage (storageGbPerBroker).",
      bl,
      quota,
    );
    out.add(
      "weir_kafka_broker_disk_used_bytes",
      "gauge",
      "What the broker's log dir takes on disk, at the controller's last look.",
      bl,
      Number(b.diskUsedBytes),
    );
    out.add("weir_kafka_broker_restarts_total", "counter", "Restarts after a crash.", bl, b.restartCount);
    const samples = scraped[i];
    out.add(
      "weir_kafka_broker_exporter_up",
      "gauge",
      "1 when the broker's JMX exporter answered this scrape.",
      bl,
      samples ? 1 : 0,
    );
    for (const f of FROM_EXPORTER) {
      const v = samples?.get(f.name);
      if (v !== undefined) out.add(f.name, f.type, f.help, bl, v);
    }
  });
  return out.text();
}
