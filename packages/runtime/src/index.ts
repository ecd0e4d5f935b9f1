// Driver interfaces the controller programs against. The local driver (child processes on this
// host) and the Kubernetes driver (Strimzi / Spark Operator manifests) implement them; the
// broker-clusters and compute issues add the implementations.

export interface InstanceSpec {
  clusterId: string;
  instanceType: { sku: string; vcpu: number; memoryGib: number };
}

export interface ObservedInstance {
  id: string;
  pid: number | null;
  running: boolean;
  startedAt: Date | null;
  logTail: string;
}

export interface BrokerRuntime {
  /** Idempotent: starts whatever brokers of the spec are not running, adopting live ones. */
  ensureBrokers(spec: InstanceSpec & { brokerCount: number; storageGbPerBroker: number }): Promise<ObservedInstance[]>;
  observe(clusterId: string): Promise<ObservedInstance[]>;
  deleteCluster(clusterId: string): Promise<void>;
}

export interface EngineRuntime {
  ensureWorkers(spec: InstanceSpec & { workerCount: number }): Promise<ObservedInstance[]>;
  observe(clusterId: string): Promise<ObservedInstance[]>;
  deleteCluster(clusterId: string): Promise<void>;
}
