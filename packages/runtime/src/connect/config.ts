// Kafka Connect, pure builders: the pinned plugins, a distributed worker's .properties text, the
// names of its internal topics and group, the ACLs its Kafka user needs, and the overrides that
// give a connector a Kafka credential of its own. No I/O.
import type { AclBinding } from "../kafka/acls.ts";
import { clientSecurityPairs, scramJaasConfig, type ClientSecurityProtocol } from "../kafka/client-security.ts";
import { renderProperties } from "../kafka/config.ts";
import { DEFAULT_KAFKA_VERSION } from "../versions.ts";

/** The Connect worker runs the same Apache Kafka release as the brokers. */
export const CONNECT_KAFKA_VERSION: string = DEFAULT_KAFKA_VERSION;

export type ConnectPluginId = "debezium-postgres" | "debezium-jdbc" | "mirror";

/** Each plugin is a directory of its own on plugin.path (infra/runtimes/connect/<id>/). */
export const CONNECT_PLUGINS: readonly { id: ConnectPluginId; connectorClasses: string[] }[] = [
  { id: "debezium-postgres", connectorClasses: ["io.debezium.connector.postgresql.PostgresConnector"] },
  { id: "debezium-jdbc", connectorClasses: ["io.debezium.connector.jdbc.JdbcSinkConnector"] },
  {
    id: "mirror",
    connectorClasses: [
      "org.apache.kafka.connect.mirror.MirrorSourceConnector",
      "org.apache.kafka.connect.mirror.MirrorCheckpointConnector",
      "org.apache.kafka.connect.mirror.MirrorHeartbeatConnector",
    ],
  },
];

export interface ConnectWorkerInput {
  clusterId: string;
  groupId: string;
  bootstrapServers: string;
  /** The worker's own SCRAM-SHA-512 Kafka user (see connectWorkerAcls). */
  username: string;
  password: string;
  /** The Kafka cluster's client listener (default SASL_PLAINTEXT) and, for SASL_SSL, its CA. */
  protocol?: ClientSecurityProtocol;
  caPem?: string | null;
  /** REST listener, on 127.0.0.1 only. */
  restPort: number;
  configTopic: string;
  offsetTopic: string;
  statusTopic: string;
  replicationFactor: number;
  pluginPath: string[];
  /** The only folder the dir config provider may read (LocalConnectRuntime.secretsDir). */
  secretsDir: string;
}

/**
 * The group and internal topics of a Connect cluster. The worker creates the topics itself on its
 * first start (compacted; config 1 partition, offsets 25, status 5) if they are missing, with the
 * CREATE on each that connectWorkerAcls grants; Weir may also create them beforehand.
 */
export function connectInternalTopics(clusterId: string): {
  group: string;
  config: string;
  offset: string;
  status: string;
} {
  const base = `weir-connect-${clusterId}`;
  return { group: base, config: `${base}-configs`, offset: `${base}-offsets`, status: `${base}-status` };
}

/** Partitions Weir gives each internal topic when it creates them (Connect's own defaults). */
export const CONNECT_INTERNAL_PARTITIONS = { config: 1, offset: 25, status: 5 } as const;

/** The JAAS line of a SCRAM-SHA-512 client. Secret: store it with writeSecret, never in a config. */
export { scramJaasConfig };

/** `${dir:<secretsDir>:<name>}`: how a connector config refers to a secret file. */
export function secretRef(secretsDir: string, name: string): string {
  return `\${dir:${secretsDir}:${name}}`;
}

/** How long a departed worker's tasks wait before they are given to the others (Connect: 5 min). */
export const CONNECT_REBALANCE_DELAY_MS = 10_000;

/** The worker's .properties text (0600: it holds the worker's own Kafka password). */
export function connectWorkerProperties(i: ConnectWorkerInput): string {
  const security = {
    protocol: i.protocol ?? "SASL_PLAINTEXT",
    caPem: i.caPem,
    username: i.username,
    password: i.password,
  };
  const client = (prefix: string) => clientSecurityPairs(security, prefix);
  const rf = String(i.replicationFactor);
  return renderProperties([
    ["bootstrap.servers", i.bootstrapServers],
    ["group.id", i.groupId],
    ["client.id", `weir-connect-${i.clusterId}`],
    // The worker's own clients (group membership, internal topics) and, unless a connector
    // overrides them with its own credential, the connectors' producers, consumers and admins.
    ...client(""),
    ...client("producer."),
    ...client("consumer."),
    ...client("admin."),
    ["config.storage.topic", i.configTopic],
    ["offset.storage.topic", i.offsetTopic],
    ["status.storage.topic", i.statusTopic],
    ["config.storage.replication.factor", rf],
    ["offset.storage.replication.factor", rf],
    ["status.storage.replication.factor", rf],
    ["offset.storage.partitions", String(CONNECT_INTERNAL_PARTITIONS.offset)],
    ["status.storage.partitions", String(CONNECT_INTERNAL_PARTITIONS.status)],
    ["offset.flush.interval.ms", "5000"],
    ["scheduled.rebalance.max.delay.ms", String(CONNECT_REBALANCE_DELAY_MS)],
    ["key.converter", "org.apache.kafka.connect.json.JsonConverter"],
    ["value.converter", "org.apache.kafka.connect.json.JsonConverter"],
    // REST on the loopback only: Weir's API and console are its only clients.
    ["listeners", `http://127.0.0.1:${i.restPort}`],
    ["rest.advertised.listener", "http"],
    ["rest.advertised.host.name", "127.0.0.1"],
    ["rest.advertised.port", String(i.restPort)],
    ["plugin.path", i.pluginPath.join(",")],
    // Secrets: connector configs carry ${dir:<secretsDir>:<name>}, resolved inside the worker,
    // so neither Weir's API nor Connect's REST shows a password. Only secretsDir is readable.
    ["config.providers", "dir"],
    ["config.providers.dir.class", "org.apache.kafka.common.config.provider.DirectoryConfigProvider"],
    ["config.providers.dir.param.allowed.paths", i.secretsDir],
    // A connector may bring its own Kafka credential (connectorClientOverrides), nothing else.
    ["connector.client.config.override.policy", "Principal"],
  ]);
}

/**
 * The ACLs of a worker's own user: its group, and its three internal topics. Connectors that run
 * with the worker's credential need their topics on top; with connectorClientOverrides they bring
 * their own user.
 */
export function connectWorkerAcls(username: string, clusterId: string): AclBinding[] {
  const t = connectInternalTopics(clusterId);
  const allow = (
    resourceType: AclBinding["resourceType"],
    resourceName: string,
    operation: AclBinding["operation"],
  ) => ({
    principal: `User:${username}`,
    host: "*",
    resourceType,
    resourceName,
    patternType: "LITERAL" as const,
    operation,
    permission: "ALLOW" as const,
  });
  return [
    allow("GROUP", t.group, "READ"),
    allow("GROUP", t.group, "DESCRIBE"),
    ...[t.config, t.offset, t.status].flatMap((topic) =>
      (["READ", "WRITE", "DESCRIBE", "DESCRIBE_CONFIGS", "CREATE"] as const).map((op) => allow("TOPIC", topic, op)),
    ),
  ];
}

/**
 * A connector's own Kafka credential: producer, consumer and admin overrides whose JAAS line is a
 * secret reference (`secretRef(dir, name)` of a file holding scramJaasConfig(user, password)).
 * The worker's override policy ("Principal") allows exactly these.
 */
export function connectorClientOverrides(
  jaasRef: string,
  cluster: { protocol: ClientSecurityProtocol } = { protocol: "SASL_PLAINTEXT" },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of ["producer", "consumer", "admin"]) {
    // The override policy "Principal" allows only these three; the truststore of a SASL_SSL
    // cluster is the worker's (producer./consumer./admin.ssl.truststore.*).
    out[`${c}.override.security.protocol`] = cluster.protocol;
    out[`${c}.override.sasl.mechanism`] = "SCRAM-SHA-512";
    out[`${c}.override.sasl.jaas.config`] = jaasRef;
  }
  return out;
}
