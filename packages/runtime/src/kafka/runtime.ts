// The broker driver interfaces the controller programs against: BrokerRuntime for drivers that
// start nodes one by one (the local driver: supervised JVMs on this host), and
// DeclarativeBrokerRuntime for drivers handed the whole desired cluster (Kubernetes: Strimzi
// resources, which its operator turns into pods). Both share the InstanceDriver view of nodes.
import type { EnsureResult, InstanceDriver } from "../instances.ts";
import type { BrokerConfig } from "./broker-config.ts";
import type { StrimziAcl } from "../k8s/strimzi.ts";

export type NodeRole = "broker" | "controller" | "broker,controller";

export interface KafkaNodeSpec {
  nodeId: number;
  roles: NodeRole;
  host: string;
  port: number;
  controllerPort: number;
  metricsPort: number;
  /** TLS clusters: the node's certificate (signed by the cluster's CA) and its key, PEM. */
  cert?: { certPem: string; keyPem: string };
  /** The loopback SASL_PLAINTEXT listener's port (clusters whose spec asks for one). */
  loopbackPort?: number;
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
  /** Zones the brokers are spread over (1-3): above 1, each node's broker.rack is its zone. */
  zoneCount?: number;
  /** SASL_SSL listeners (client, inter-broker, controller) trusting this CA; absent: SASL_PLAINTEXT. */
  tls?: { caPem: string };
  /** The nodes' loopback listener (loopbackPort): SASL_PLAINTEXT, or bare PLAINTEXT for bench/tls. */
  loopbackProtocol?: "SASL_PLAINTEXT" | "PLAINTEXT";
  /** The user's cluster-level broker configs; the restart-only ones go into server.properties. */
  brokerConfig?: BrokerConfig;
}

/** Instances are named by node id ("1", "9001"). */
export interface BrokerRuntime extends InstanceDriver {
  /** Idempotent: formats the node's storage if needed, then starts it unless it already runs. */
  ensureNode(spec: KafkaClusterSpec, nodeId: number): Promise<EnsureResult>;
  stopNode(clusterId: string, nodeId: number): Promise<void>;
  /** Stops the node and deletes its data. */
  removeNode(clusterId: string, nodeId: number): Promise<void>;
}

/** The desired cluster as a declarative driver takes it: nodes are ids and roles, no ports. */
export interface DeclarativeClusterSpec {
  clusterId: string;
  kafkaVersion: string;
  nodes: { nodeId: number; roles: NodeRole }[];
  storageGbPerBroker: number;
  instanceType: { vcpu: number; memoryGib: number };
  defaultReplication: number;
  admin: { username: string; password: string };
}

/** What a declarative driver reads back about a cluster. */
export interface ObservedCluster {
  exists: boolean;
  /** The platform reports the cluster ready at the spec last applied. */
  ready: boolean;
  /** Why not ready, in the platform's words. */
  message: string | null;
  bootstrapServers: string | null;
  /** The node ids that exist (pods). */
  nodeIds: number[];
}

/**
 * A driver handed the whole desired cluster (Strimzi on Kubernetes). `observe` reports a node
 * as running while it exists; `deleteGroup` removes everything the driver created.
 */
export interface DeclarativeBrokerRuntime extends InstanceDriver {
  readonly kind: "kubernetes";
  /** Idempotent: applies the cluster's resources and deletes the ones no longer wanted. */
  applyCluster(spec: DeclarativeClusterSpec): Promise<void>;
  observeCluster(clusterId: string): Promise<ObservedCluster>;
  /** Topics and users as the platform's own resources (Strimzi's KafkaTopic and KafkaUser). */
  applyTopic(t: DeclarativeTopic): Promise<void>;
  deleteTopic(clusterId: string, kafkaVersion: string, name: string): Promise<void>;
  /** `password` is written when set; the user keeps the last one otherwise. */
  applyUser(u: DeclarativeUser): Promise<void>;
  deleteUser(clusterId: string, kafkaVersion: string, name: string): Promise<void>;
  observeChild(clusterId: string, kafkaVersion: string, kind: "topic" | "user", name: string): Promise<ObservedChild>;
}

export interface DeclarativeTopic {
  clusterId: string;
  kafkaVersion: string;
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export interface DeclarativeUser {
  clusterId: string;
  kafkaVersion: string;
  name: string;
  password: string | null;
  acls: StrimziAcl[];
}

export interface ObservedChild {
  exists: boolean;
  /** Ready at the spec last applied. */
  ready: boolean;
  message: string | null;
}
