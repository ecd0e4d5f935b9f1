// Kafka Connect, pure builders: the pinned plugins, a distributed worker's .properties text, the
// names of its internal topics, the ACLs its Kafka user needs. No I/O.
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
  username: string;
  password: string;
  restPort: number;
  configTopic: string;
  offsetTopic: string;
  statusTopic: string;
  replicationFactor: number;
  pluginPath: string[];
  secretsDir: string;
}

export function connectInternalTopics(clusterId: string): {
  group: string;
  config: string;
  offset: string;
  status: string;
} {
  void clusterId;
  throw new Error("not built yet");
}

export function connectWorkerProperties(i: ConnectWorkerInput): string {
  void i;
  throw new Error("not built yet");
}

/** The ACLs a worker's own Kafka user needs (resource, name, pattern, operations). */
export function connectWorkerAcls(clusterId: string): {
  resourceType: "TOPIC" | "GROUP";
  name: string;
  patternType: "LITERAL" | "PREFIXED";
  operations: string[];
}[] {
  void clusterId;
  throw new Error("not built yet");
}

/** The JAAS line of a SCRAM-SHA-512 client (store it as a secret; never put it in a config). */
export function scramJaasConfig(username: string, password: string): string {
  void username;
  void password;
  throw new Error("not built yet");
}

/** `${dir:<secretsDir>:<name>}`: how a connector config refers to a secret file. */
export function secretRef(secretsDir: string, name: string): string {
  return `\${dir:${secretsDir}:${name}}`;
}

/**
 * A connector's own Kafka credential: producer/consumer/admin overrides whose JAAS line is a
 * secret reference (the worker allows overrides of the principal only).
 */
export function connectorClientOverrides(jaasRef: string): Record<string, string> {
  void jaasRef;
  throw new Error("not built yet");
}
