// The Kubernetes broker driver: a Weir Kafka cluster is a set of Strimzi resources (strimzi.ts)
// applied with server-side apply; Strimzi's operator runs the pods, and the driver reads the
// cluster's state back from the resources' status. It never talks to the pods itself.
import type { KubeConfig } from "@kubernetes/client-node";
import type { ObservedInstance } from "../instances.ts";
import type {
  DeclarativeBrokerRuntime,
  DeclarativeClusterSpec,
  DeclarativeTopic,
  DeclarativeUser,
  ObservedChild,
  ObservedCluster,
} from "../kafka/runtime.ts";
import { KubernetesClient } from "./client.ts";
import {
  CLUSTER_ID_LABEL,
  k8sName,
  kafkaResourceName,
  kafkaTopicResource,
  kafkaUserResource,
  PASSWORD_KEY,
  strimziChildStatus,
  userPasswordSecret,
  userSecretName,
  POOL_ROLES,
  poolName,
  strimziClusterResources,
  strimziClusterStatus,
  strimziReleaseFor,
  type K8sObject,
} from "./strimzi.ts";

type Resource = K8sObject & { metadata: { generation?: number }; status?: Record<string, unknown> };

/** Kinds Weir creates for a cluster, in the order they are deleted (users before the cluster). */
const OWNED_KINDS = ["KafkaUser", "KafkaTopic", "KafkaNodePool", "Kafka"] as const;

export class KubernetesKafkaRuntime implements DeclarativeBrokerRuntime {
  readonly kind = "kubernetes" as const;
  private readonly client: KubernetesClient;
  /** Each cluster's Strimzi API version, learnt when applied (deletion and reads need it). */
  private readonly apiVersions = new Map<string, string>();

  constructor(
    kc: KubeConfig,
    readonly namespace: string,
  ) {
    this.client = new KubernetesClient(kc);
  }

  private apiVersion(clusterId: string): string {
    return this.apiVersions.get(clusterId) ?? strimziReleaseFor("3.9").apiVersion;
  }

  async applyCluster(spec: DeclarativeClusterSpec): Promise<void> {
    const resources = strimziClusterResources({
      clusterId: spec.clusterId,
      namespace: this.namespace,
      kafkaVersion: spec.kafkaVersion,
      nodes: spec.nodes,
      storageGbPerBroker: spec.storageGbPerBroker,
      instanceType: spec.instanceType,
      defaultReplication: spec.defaultReplication,
      adminUsername: spec.admin.username,
      adminPassword: spec.admin.password,
    });
    const apiVersion = strimziReleaseFor(spec.kafkaVersion).apiVersion;
    this.apiVersions.set(spec.clusterId, apiVersion);
    for (const r of resources) await this.client.apply(r);
    // A role group that lost its last node (brokers scaled back in to the combined ones) has no pool.
    const wanted = new Set(resources.filter((r) => r.kind === "KafkaNodePool").map((r) => r.metadata.name));
    for (const role of POOL_ROLES) {
      const name = poolName(spec.clusterId, role);
      if (!wanted.has(name)) {
        await this.client.delete({ apiVersion, kind: "KafkaNodePool", metadata: { name, namespace: this.namespace } });
      }
    }
  }

  async observeCluster(clusterId: string): Promise<ObservedCluster> {
    const apiVersion = this.apiVersion(clusterId);
    const kafka = await this.client.read<Resource>({
      apiVersion,
      kind: "Kafka",
      metadata: { name: kafkaResourceName(clusterId), namespace: this.namespace },
    });
    const pools = await this.client.list<Resource>(
      apiVersion,
      "KafkaNodePool",
      this.namespace,
      `${CLUSTER_ID_LABEL}=${clusterId}`,
    );
    const s = strimziClusterStatus(kafka, pools);
    this.lastReadySince.set(clusterId, s.readySince);
    return {
      exists: s.exists,
      ready: s.ready,
      message: s.message,
      bootstrapServers: s.bootstrapServers,
      nodeIds: s.nodeIds,
    };
  }

  private readonly lastReadySince = new Map<string, Date | null>();

  async applyTopic(t: DeclarativeTopic): Promise<void> {
    await this.client.apply(
      kafkaTopicResource({
        clusterId: t.clusterId,
        namespace: this.namespace,
        kafkaVersion: t.kafkaVersion,
        topic: t.name,
        partitions: t.partitions,
        replicationFactor: t.replicationFactor,
        config: t.configs,
      }),
    );
  }

  async deleteTopic(clusterId: string, kafkaVersion: string, name: string): Promise<void> {
    await this.client.delete({
      apiVersion: strimziReleaseFor(kafkaVersion).apiVersion,
      kind: "KafkaTopic",
      metadata: { name: k8sName(kafkaResourceName(clusterId), name), namespace: this.namespace },
    });
  }

  /** The password goes into a Secret the KafkaUser reads; it is never logged or returned. */
  async applyUser(u: DeclarativeUser): Promise<void> {
    if (u.password !== null) {
      await this.client.apply(
        userPasswordSecret({
          clusterId: u.clusterId,
          namespace: this.namespace,
          username: u.name,
          password: u.password,
        }),
      );
    }
    await this.client.apply(
      kafkaUserResource({
        clusterId: u.clusterId,
        namespace: this.namespace,
        kafkaVersion: u.kafkaVersion,
        username: u.name,
        passwordSecret: { name: userSecretName(u.clusterId, u.name), key: PASSWORD_KEY },
        acls: u.acls,
      }),
    );
  }

  async deleteUser(clusterId: string, kafkaVersion: string, name: string): Promise<void> {
    await this.client.delete({
      apiVersion: strimziReleaseFor(kafkaVersion).apiVersion,
      kind: "KafkaUser",
      metadata: { name, namespace: this.namespace },
    });
    await this.client.delete({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: userSecretName(clusterId, name), namespace: this.namespace },
    });
  }

  async observeChild(
    clusterId: string,
    kafkaVersion: string,
    kind: "topic" | "user",
    name: string,
  ): Promise<ObservedChild> {
    const o = await this.client.read<Resource>({
      apiVersion: strimziReleaseFor(kafkaVersion).apiVersion,
      kind: kind === "topic" ? "KafkaTopic" : "KafkaUser",
      metadata: {
        name: kind === "topic" ? k8sName(kafkaResourceName(clusterId), name) : name,
        namespace: this.namespace,
      },
    });
    return strimziChildStatus(o);
  }

  /** A node runs while its pool lists it; it has run since the cluster last became Ready. */
  async observe(clusterId: string, names: string[]): Promise<ObservedInstance[]> {
    const s = await this.observeCluster(clusterId);
    const since = this.lastReadySince.get(clusterId) ?? null;
    return names.map((name) => {
      const running = s.nodeIds.includes(Number(name));
      return {
        name,
        pid: null,
        running,
        startedAt: running ? since : null,
        lastExit: null,
        diskUsedBytes: 0,
        managed: true,
      };
    });
  }

  logTail(clusterId: string, name: string): string {
    return `Node ${name} runs in a pod of ${kafkaResourceName(clusterId)} in namespace ${this.namespace}: read its log with kubectl logs.`;
  }

  /** Pods are the operator's: a crash shows in the resources' status at the next pass. */
  onExit(): void {}

  async deleteGroup(clusterId: string): Promise<void> {
    const apiVersion = this.apiVersion(clusterId);
    const selector = `${CLUSTER_ID_LABEL}=${clusterId}`;
    for (const kind of OWNED_KINDS) {
      for (const o of await this.client.list<Resource>(apiVersion, kind, this.namespace, selector)) {
        await this.client.delete({ apiVersion, kind, metadata: { name: o.metadata.name, namespace: this.namespace } });
      }
    }
    for (const o of await this.client.list<Resource>("v1", "Secret", this.namespace, selector)) {
      await this.client.delete({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: o.metadata.name, namespace: this.namespace },
      });
    }
  }
}
