// The broker driver interface the controller programs against: the local driver (supervised
// JVMs on this host) implements it today; a Kubernetes driver (Strimzi resources) next.
import type { EnsureResult, InstanceDriver } from "../instances.ts";

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

/** Instances are named by node id ("1", "9001"). */
export interface BrokerRuntime extends InstanceDriver {
  /** Idempotent: formats the node's storage if needed, then starts it unless it already runs. */
  ensureNode(spec: KafkaClusterSpec, nodeId: number): Promise<EnsureResult>;
  stopNode(clusterId: string, nodeId: number): Promise<void>;
  /** Stops the node and deletes its data. */
  removeNode(clusterId: string, nodeId: number): Promise<void>;
}
