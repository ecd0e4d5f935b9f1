// Kafka Connect's names and rules that the domain, the controller and the console share: pure,
// no I/O (`@weir/domain/rules`).

/** The workers' own Kafka user: one per Connect cluster. */
export const connectKafkaUsername = (connectClusterId: string) => `weir-connect-${connectClusterId.slice(0, 8)}`;

/** A connector's own Kafka user: one per connector. */
export const connectorKafkaUsername = (connectorId: string) => `weir-connector-${connectorId.slice(0, 8)}`;

/** How the driver names a worker of a Connect cluster. */
export const connectWorkerName = (index: number) => `worker-${index}`;

/** The default Connect worker instance type (the smallest in the default price book). */
export const DEFAULT_CONNECT_INSTANCE_TYPE = "connect.1mcu";

/** Internal topics' replication: three copies where the Kafka cluster has three brokers. */
export const connectReplicationFactor = (brokerCount: number) => Math.max(1, Math.min(3, brokerCount));

/** Connect's internal topics are compacted: it keeps the latest config, offset and status per key. */
export const CONNECT_INTERNAL_TOPIC_CONFIGS = { "cleanup.policy": "compact" } as const;

export const CONNECTOR_DESIRED_STATES = ["RUNNING", "PAUSED"] as const;
export type ConnectorDesiredState = (typeof CONNECTOR_DESIRED_STATES)[number];
