// The engine driver interface the controller programs against for Spark compute clusters: the
// local driver (supervised master and worker JVMs on this host) implements it today; a
// Kubernetes driver (Spark Operator) next. It shares InstanceDriver with the broker driver.
import type { EnsureResult, InstanceDriver } from "../instances.ts";
import type { MasterState } from "./master.ts";

export interface SparkNodeSpec {
  /** "master", "worker-<index>" or "connect": the instance's name within the cluster. */
  name: string;
  /** "connect" is the cluster's Spark Connect server (the SQL workspace): a client-mode driver. */
  role: "master" | "worker" | "connect";
  host: string;
  port: number;
  uiPort: number;
  /** Workers: what they offer to executors. The connect server: the cores and memory its executor holds. */
  cores: number;
  memoryMb: number;
}

export interface SparkClusterSpec {
  clusterId: string;
  sparkVersion: string;
  master: SparkNodeSpec;
  workers: SparkNodeSpec[];
  /** The Spark Connect server (gRPC on `port`, driver UI on `uiPort`), once the cluster has one. */
  connect?: SparkNodeSpec;
  /** The path prefix under which the console proxies the master UI (links are rewritten to it). */
  uiProxyPath: string;
}

export interface EngineRuntime extends InstanceDriver {
  /** Idempotent: starts the node unless it already runs (adopting one an earlier controller started). */
  ensureNode(spec: SparkClusterSpec, name: string): Promise<EnsureResult>;
  stopNode(clusterId: string, name: string): Promise<void>;
  /** Stops the node and deletes its directory. */
  removeNode(clusterId: string, name: string): Promise<void>;
  /** Asks a worker to decommission (its executors finish or move; the master stops using it). */
  decommissionWorker(clusterId: string, name: string): Promise<boolean>;
  /** The master's own view (GET /json/), or null if it does not answer. */
  masterState(spec: SparkClusterSpec): Promise<MasterState | null>;
}

export const workerName = (index: number) => `worker-${index}`;
export const MASTER = "master";
export const CONNECT = "connect";
