// Pure builders: a cluster spec in, the nodes of the cluster and each node's server.properties
// out. Nothing here touches the disk or the network, so every rule is unit-tested.
//
// Layout (KRaft only with a static quorum, the same for Kafka 3.9 and 4.x):
// - up to 3 brokers at creation: every node runs broker and controller ("combined"), and all of
//   them are the controller quorum;
// - more than 3 brokers at creation: 3 dedicated controllers (node ids 9001-9003) plus brokers;
// - brokers added later are broker-only nodes; the quorum fixed at creation never changes, so a
//   combined node cannot be removed (scale-in removes broker-only nodes, highest id first).

import type { BrokerConfig } from "./broker-config.ts";
import type { NodeRole } from "./runtime.ts";

export interface PlannedNode {
  nodeId: number;
  roles: NodeRole;
}

export const DEDICATED_CONTROLLER_BASE = 9000;
export const MAX_COMBINED = 3;

/** Replication factor for internal topics: up to 3, as many brokers as the cluster starts with. */
export function defaultReplicationFor(initialBrokerCount: number): number {
  return Math.min(3, initialBrokerCount);
}

/** The nodes a new cluster starts with. */
export function initialNodes(brokerCount: number): PlannedNode[] {
  if (brokerCount <= MAX_COMBINED) {
    return Array.from({ length: brokerCount }, (_, i) => ({ nodeId: i + 1, roles: "broker,controller" as const }));
  }
  return [
    ...[1, 2, 3].map((i) => ({ nodeId: DEDICATED_CONTROLLER_BASE + i, roles: "controller" as const })),
    ...Array.from({ length: brokerCount }, (_, i) => ({ nodeId: i + 1, roles: "broker" as const })),
  ];
}

/**
 * How long KRaft keeps a broker's registration after its last heartbeat. A broker restarted
 * within it cannot register again until the old registration lapses, so until then Kafka still
 * reports the dead process as registered.
 */
export const BROKER_SESSION_TIMEOUT_MS = 6000;

/** At most this many zones (failure domains) per cluster. */
export const MAX_ZONES = 3;
const ZONE_NAMES = ["zone-a", "zone-b", "zone-c"];

/**
 * A node's zone: brokers 1, 2, 3, 4 … go round the zones in turn, as do the dedicated controllers
 * 9001-9003, so every zone holds a share of both and a scale-out adds to them in turn. On one host
 * the zone is a label (broker.rack), exactly what a multi-host deployment would set.
 */
export function zoneOf(nodeId: number, zoneCount: number): string {
  const n = Math.max(1, Math.min(MAX_ZONES, zoneCount));
  const index = nodeId > DEDICATED_CONTROLLER_BASE ? nodeId - DEDICATED_CONTROLLER_BASE - 1 : nodeId - 1;
  return ZONE_NAMES[((index % n) + n) % n]!;
}

export const isBroker = (n: { roles: string }) => n.roles.includes("broker");
export const isController = (n: { roles: string }) => n.roles.includes("controller");

/** The smallest broker count a cluster can be scaled to: its combined nodes stay. */
export function minBrokerCount(nodes: { roles: string }[]): number {
  return Math.max(1, nodes.filter((n) => n.roles === "broker,controller").length);
}

/**
 * The nodes after changing the broker count: new broker-only nodes get the next ids; scale-in
 * removes the broker-only nodes with the highest ids. Throws if the count is below the minimum.
 */
export function scaleNodes(
  current: PlannedNode[],
  brokerCount: number,
): { keep: PlannedNode[]; add: PlannedNode[]; remove: PlannedNode[] } {
  const brokers = current.filter(isBroker).sort((a, b) => a.nodeId - b.nodeId);
  if (brokerCount < minBrokerCount(current)) {
    throw new Error(
      `brokerCount cannot go below ${minBrokerCount(current)}: those brokers also run the controller quorum`,
    );
  }
  if (brokerCount >= brokers.length) {
    const maxId = Math.max(0, ...brokers.map((b) => b.nodeId));
    const add = Array.from({ length: brokerCount - brokers.length }, (_, i) => ({
      nodeId: maxId + i + 1,
      roles: "broker" as const,
    }));
    return { keep: current, add, remove: [] };
  }
  const removable = brokers.filter((b) => b.roles === "broker").reverse();
  const remove = removable.slice(0, brokers.length - brokerCount);
  const removed = new Set(remove.map((r) => r.nodeId));
  return { keep: current.filter((n) => !removed.has(n.nodeId)), add: [], remove };
}

/**
 * Heap for a broker JVM. The local driver runs many brokers on one host, so it scales the
 * instance type's memory down 1:16 (kafka.m5.large, 8 GiB → 512 MiB), between 256 MiB and 2 GiB.
 */
export function heapMb(memoryGib: number, roles: NodeRole): number {
  if (roles === "controller") return 256;
  return Math.min(2048, Math.max(256, Math.round((memoryGib * 1024) / 16)));
}

export interface NodeConfigInput {
  clusterId: string;
  kafkaClusterId: string;
  node: PlannedNode & { host: string; port: number; controllerPort: number };
  /** Every controller of the quorum (fixed at creation). */
  voters: { nodeId: number; host: string; controllerPort: number }[];
  /** Replication factor for internal topics and new topics' default, fixed at creation. */
  defaultReplication: number;
  dataDir: string;
  admin: { username: string; password: string };
  vcpu: number;
  /** The node's zone (broker.rack) when the cluster spreads over more than one. */
  rack?: string;
  /** The user's restart-only broker configs (broker-config.ts), in place of Weir's defaults. */
  overrides?: BrokerConfig;
  /**
   * TLS (SASL_SSL on the client, inter-broker and controller listeners): PEM files, the node's
   * key and certificate chain, and the cluster's CA. Without it every listener is SASL_PLAINTEXT
   * (clusters created before TLS).
   */
  tls?: { keystorePath: string; truststorePath: string };
  /** A SASL_PLAINTEXT listener on 127.0.0.1 at this port as well (brokers; plaintextLoopback). */
  loopbackPort?: number;
  /** The loopback listener's protocol: SASL_PLAINTEXT, or PLAINTEXT (no login; bench/tls only). */
  loopbackProtocol?: "SASL_PLAINTEXT" | "PLAINTEXT";
}

const quote = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');

/** server.properties for one node, as an ordered list of key/value pairs. */
export function serverProperties(input: NodeConfigInput): [string, string][] {
  const { node, admin } = input;
  const rf = String(input.defaultReplication);
  const minIsr = String(Math.min(2, input.defaultReplication));
  const listeners: string[] = [];
  const proto = input.tls ? "SASL_SSL" : "SASL_PLAINTEXT";
  const loopback = isBroker(node) && input.loopbackPort ? `LOOPBACK://127.0.0.1:${input.loopbackPort}` : null;
  if (isBroker(node)) listeners.push(`CLIENT://${node.host}:${node.port}`);
  if (loopback) listeners.push(loopback);
  if (isController(node)) listeners.push(`CONTROLLER://${node.host}:${node.controllerPort}`);
  const scramJaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${quote(admin.username)}" password="${quote(admin.password)}";`;
  // The controller listener cannot use SCRAM (its credentials live in the metadata log the
  // quorum serves), so it uses PLAIN with the admin user, on the loopback address only.
  const plainJaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username="${quote(admin.username)}" password="${quote(admin.password)}" user_${admin.username}="${quote(admin.password)}";`;
  const props: [string, string][] = [
    ["process.roles", node.roles],
    ["node.id", String(node.nodeId)],
    ["controller.quorum.voters", input.voters.map((v) => `${v.nodeId}@${v.host}:${v.controllerPort}`).join(",")],
    ["listeners", listeners.join(",")],
    ["controller.listener.names", "CONTROLLER"],
    [
      "listener.security.protocol.map",
      `CLIENT:${proto},CONTROLLER:${proto}${loopback ? `,LOOPBACK:${input.loopbackProtocol ?? "SASL_PLAINTEXT"}` : ""}`,
    ],
    ["sasl.mechanism.controller.protocol", "PLAIN"],
    ["listener.name.controller.sasl.enabled.mechanisms", "PLAIN"],
    ["listener.name.controller.plain.sasl.jaas.config", plainJaas],
  ];
  if (isBroker(node)) {
    props.push(
      ["advertised.listeners", [`CLIENT://${node.host}:${node.port}`, ...(loopback ? [loopback] : [])].join(",")],
      ["inter.broker.listener.name", "CLIENT"],
      ["sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512"],
      ["listener.name.client.sasl.enabled.mechanisms", "SCRAM-SHA-512"],
      ["listener.name.client.scram-sha-512.sasl.jaas.config", scramJaas],
    );
    if (loopback && input.loopbackProtocol !== "PLAINTEXT") {
      props.push(
        ["listener.name.loopback.sasl.enabled.mechanisms", "SCRAM-SHA-512"],
        ["listener.name.loopback.scram-sha-512.sasl.jaas.config", scramJaas],
      );
    }
  }
  if (input.tls) {
    // One key and trust store for every listener and for the node's own clients (inter-broker,
    // controller quorum): PEM files, no keytool. Clients check the broker's name (https).
    props.push(
      ["ssl.keystore.type", "PEM"],
      ["ssl.keystore.location", input.tls.keystorePath],
      ["ssl.truststore.type", "PEM"],
      ["ssl.truststore.location", input.tls.truststorePath],
      ["ssl.endpoint.identification.algorithm", "https"],
      ["ssl.client.auth", "none"],
    );
  }
  props.push(
    ["authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"],
    ["allow.everyone.if.no.acl.found", "false"],
    ["super.users", `User:${admin.username}`],
    ["log.dirs", input.dataDir],
    // Zones: Kafka places a new topic's replicas in distinct racks, and a consumer that sends
    // client.rack fetches from a replica in its own zone.
    ...(input.rack && isBroker(node)
      ? ([
          ["broker.rack", input.rack],
          ["replica.selector.class", "org.apache.kafka.common.replica.RackAwareReplicaSelector"],
        ] as [string, string][])
      : []),
    ["num.partitions", "1"],
    ["default.replication.factor", rf],
    ["min.insync.replicas", "1"],
    ["offsets.topic.replication.factor", rf],
    ["transaction.state.log.replication.factor", rf],
    ["transaction.state.log.min.isr", minIsr],
    ["group.initial.rebalance.delay.ms", "0"],
    ["num.network.threads", String(Math.max(2, Math.min(8, input.vcpu)))],
    ["num.io.threads", String(Math.max(2, Math.min(16, input.vcpu * 2)))],
    ["auto.create.topics.enable", "false"],
    ["log.segment.bytes", String(64 * 1024 * 1024)],
    // The log cleaner allocates this buffer when it starts, and again (before the old one is
    // collected) whenever a dynamic message.max.bytes reconfigures it: Kafka's 128 MiB twice is
    // more than a 256 MiB heap, and the broker died of OutOfMemoryError on such a change.
    ["log.cleaner.dedupe.buffer.size", String(16 * 1024 * 1024)],
    // Local brokers share one host: a quick shutdown and a short session keep recovery fast.
    ["controlled.shutdown.enable", "true"],
    ["broker.session.timeout.ms", String(BROKER_SESSION_TIMEOUT_MS)],
    ["broker.heartbeat.interval.ms", "1000"],
  );
  if (!isBroker(node)) return props;
  for (const [k, v] of Object.entries(input.overrides ?? {})) {
    const at = props.findIndex(([name]) => name === k);
    if (at >= 0) props[at] = [k, v];
    else props.push([k, v]);
  }
  return props;
}

export function renderProperties(props: [string, string][]): string {
  const esc = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
  return `# Written by Weir; changes here are overwritten.\n${props.map(([k, v]) => `${k}=${esc(v)}`).join("\n")}\n`;
}

/** reload4j (log4j 1) configuration: INFO to stdout, which the supervisor sends to a file. */
export const log4jProperties = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.request.logger=WARN
log4j.logger.org.apache.kafka.controller=INFO
`;

/** log4j2 configuration for Kafka 4 (properties syntax, read by log4j-core itself): as above. */
export const log4j2Properties = `status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.state.name = state.change.logger
logger.state.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.controller.name = org.apache.kafka.controller
logger.controller.level = INFO
`;

/** A node's logging configuration for its Kafka release: the file to write and the JVM flag naming it. */
export function loggingConfig(
  logging: "log4j" | "log4j2",
  nodeDir: string,
): { file: string; content: string; jvmFlag: string } {
  if (logging === "log4j2") {
    const file = `${nodeDir}/log4j2.properties`;
    return { file, content: log4j2Properties, jvmFlag: `-Dlog4j2.configurationFile=${file}` };
  }
  const file = `${nodeDir}/log4j.properties`;
  return { file, content: log4jProperties, jvmFlag: `-Dlog4j.configuration=file:${file}` };
}

/** JMX exporter rules: only the broker throughput counters the controller samples. */
export const jmxExporterYaml = `lowercaseOutputName: true
includeObjectNames:
  - "kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec"
  - "kafka.server:type=BrokerTopicMetrics,name=BytesOutPerSec"
  - "kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec"
  - "kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions"
  - "kafka.server:type=ReplicaManager,name=PartitionCount"
  - "kafka.controller:type=KafkaController,name=ActiveBrokerCount"
  - "kafka.controller:type=KafkaController,name=FencedBrokerCount"
`;

/** A KRaft cluster id: 16 random bytes in URL-safe base64 without padding (22 characters). */
export function newKafkaClusterId(random: Buffer): string {
  return random.subarray(0, 16).toString("base64url");
}
