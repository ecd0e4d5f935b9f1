export { Controller, type ControllerOptions } from "./framework/controller.ts";
export * from "./framework/types.ts";
export { organizationReconciler } from "./reconcilers/organization.ts";
export { kafkaClusterReconciler, ADMIN_USERNAME } from "./reconcilers/kafka-cluster/index.ts";
export { computeClusterReconciler } from "./reconcilers/compute-cluster/index.ts";
export { jobReconciler } from "./reconcilers/job/index.ts";
export { connectClusterReconciler } from "./reconcilers/connect-cluster/index.ts";
export { connectorReconciler } from "./reconcilers/connect-connector/index.ts";

import type {
  BrokerRuntime,
  DeclarativeBrokerRuntime,
  DeclarativeJobRuntime,
  EngineRuntime,
  JobRuntime,
} from "@weir/runtime";
import type { KubernetesComputeRuntime } from "@weir/runtime/k8s";
import { computeClusterReconciler } from "./reconcilers/compute-cluster/index.ts";
import { organizationReconciler } from "./reconcilers/organization.ts";
import { kafkaClusterReconciler } from "./reconcilers/kafka-cluster/index.ts";
import type { Reconciler } from "./framework/types.ts";
import { topicReconciler } from "./reconcilers/topic.ts";
import { kafkaUserReconciler } from "./reconcilers/kafka-user.ts";
import { aclReconciler } from "./reconcilers/acl.ts";
import { jobReconciler } from "./reconcilers/job/index.ts";
import { connectClusterReconciler, type ConnectWorkerDriver } from "./reconcilers/connect-cluster/index.ts";
import { connectorReconciler, type ConnectSecretStore } from "./reconcilers/connect-connector/index.ts";

export interface ReconcilerDeps {
  runtime: BrokerRuntime;
  /** Runs the Kafka clusters whose runtime is "kubernetes" (Strimzi); WEIR_RUNTIME=kubernetes. */
  kubernetes?: DeclarativeBrokerRuntime;
  /** The Spark driver; without it compute clusters are not reconciled (Kafka-only tests). */
  engine?: EngineRuntime;
  /** The job driver; without it jobs are not reconciled. */
  jobs?: JobRuntime;
  /** Compute clusters and jobs whose runtime is "kubernetes": quotas and SparkApplications. */
  kubernetesSpark?: { compute: KubernetesComputeRuntime; jobs: DeclarativeJobRuntime };
  /** The Connect driver; without it Connect clusters and connectors are not reconciled. */
  connect?: { runtime: ConnectWorkerDriver & ConnectSecretStore };
  /** Decrypts the credentials Weir keeps to administer clusters. */
  secretKey: string;
}

/** Every kind the controller reconciles, with what they need. `close()` releases their clients. */
export function createReconcilers(deps: ReconcilerDeps): { reconcilers: Reconciler[]; close(): Promise<void> } {
  const clusters = kafkaClusterReconciler(deps);
  return {
    reconcilers: [
      organizationReconciler,
      clusters,
      topicReconciler(deps),
      kafkaUserReconciler(deps),
      aclReconciler(deps),
      ...(deps.engine
        ? [computeClusterReconciler({ runtime: deps.engine, kubernetes: deps.kubernetesSpark?.compute })]
        : []),
      ...(deps.jobs
        ? [jobReconciler({ runtime: deps.jobs, kubernetes: deps.kubernetesSpark?.jobs, secretKey: deps.secretKey })]
        : []),
      ...(deps.connect
        ? [
            connectClusterReconciler({ ...deps.connect, secretKey: deps.secretKey }),
            connectorReconciler({ runtime: deps.connect.runtime, secretKey: deps.secretKey }),
          ]
        : []),
    ],
    close: () => clusters.close(),
  };
}
