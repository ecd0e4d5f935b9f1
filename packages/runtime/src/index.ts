// Driver interfaces the controller programs against. The local driver (child processes on this
// host) implements them today; a Kubernetes driver (Strimzi manifests) would implement the same.

export type NodeRole = "broker" | "controller" | "broker,controller";

export interface KafkaNodeSpec {
  nodeId: number;
  roles: NodeRole;
  host: string;
  port: number;
  controllerPort: number;
  metricsPort: number;
}

export interface KafkaClusterSpec {
  clusterId: string;
  /** The KRaft cluster id written at storage-format time. */
  kafkaClusterId: string;
  kafkaVersion: string;
  nodes: KafkaNodeSpec[];
  /** Replication factor for internal topics and the default for new topics (fixed at creation). */
  defaultReplication: number;
  admin: { username: string; password: string };
  instanceType: { sku: string; vcpu: number; memoryGib: number };
}

export interface ObservedNode {
  nodeId: number;
  pid: number | null;
  running: boolean;
  startedAt: Date | null;
  /** Exit code (or signal name) of the last run this driver saw end, if any. */
  lastExit: string | null;
  diskUsedBytes: number;
}

export interface EnsureResult {
  nodeId: number;
  pid: number;
  /** "started" a new process, "adopted" one left running by an earlier controller, or "running". */
  outcome: "started" | "adopted" | "running";
}

export interface BrokerRuntime {
  /** Idempotent: formats the node's storage if needed, then starts it unless it already runs. */
  ensureNode(spec: KafkaClusterSpec, nodeId: number): Promise<EnsureResult>;
  stopNode(clusterId: string, nodeId: number): Promise<void>;
  /** Stops the node and deletes its data. */
  removeNode(clusterId: string, nodeId: number): Promise<void>;
  observe(clusterId: string, nodeIds: number[]): Promise<ObservedNode[]>;
  logTail(clusterId: string, nodeId: number, lines?: number): string;
  /** Stops every process of the cluster and deletes its data. */
  deleteCluster(clusterId: string): Promise<void>;
  /** Called when a process this driver started exits (crash detection without polling). */
  onExit(listener: (clusterId: string, nodeId: number, code: string) => void): void;
}

export * from "./kafka/config.ts";
export { LocalKafkaRuntime, stopAllLocalBrokers, PLANNED_EXIT } from "./local/kafka.ts";
export { KafkaAdmin, type ClusterDescription, type TopicPartitions } from "./kafka/admin.ts";
export { balancedAssignment } from "./kafka/assignment.ts";
export { KAFKA_VERSIONS, DEFAULT_KAFKA_VERSION, RuntimeSetupError, ensureKafka } from "./artifacts.ts";
export { freePorts } from "./local/ports.ts";
export * from "./kafka/errors.ts";
export * from "./kafka/topics.ts";
export * from "./kafka/users.ts";
export * from "./kafka/acls.ts";
export * from "./kafka/groups.ts";
export * from "./kafka/messages.ts";
export { newLocalClusterSpec } from "./local/spec.ts";
