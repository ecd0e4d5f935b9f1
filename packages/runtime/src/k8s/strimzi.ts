// Pure builders of the Strimzi resources that run one Weir Kafka cluster on Kubernetes: a
// `Kafka` (KRaft, node pools, one TLS listener with SCRAM-SHA-512, simple authorization with
// Weir's admin user as super user), a `KafkaNodePool` per role group, `KafkaTopic` and
// `KafkaUser` (SCRAM-SHA-512 with ACLs, password from a Secret Weir writes). No I/O: the driver
// (strimzi-runtime.ts) applies them, the tests validate them against Strimzi's own CRDs.
import type { NodeRole } from "../kafka/runtime.ts";

/** The Strimzi release line that runs a Kafka version, and the API it serves. */
export interface StrimziRelease {
  strimzi: string;
  apiVersion: "kafka.strimzi.io/v1beta2" | "kafka.strimzi.io/v1";
  /** 0.45 still runs ZooKeeper by default: KRaft and node pools are opted into by annotations. */
  kraftAnnotations: boolean;
}

/** See infra/k8s/README.md; only 0.45 (Kafka 3.9, Weir's pinned line) is tested against its CRDs. */
export function strimziReleaseFor(kafkaVersion: string): StrimziRelease {
  const [major, minor] = kafkaVersion.split(".").map(Number);
  if (major === 3 && (minor === 8 || minor === 9)) {
    return { strimzi: "0.45", apiVersion: "kafka.strimzi.io/v1beta2", kraftAnnotations: true };
  }
  if (major === 4 && (minor === 0 || minor === 1)) {
    return { strimzi: "0.48", apiVersion: "kafka.strimzi.io/v1beta2", kraftAnnotations: false };
  }
  if (major === 4 && minor! >= 2) return { strimzi: "1.2", apiVersion: "kafka.strimzi.io/v1", kraftAnnotations: false };
  throw new StrimziUnsupportedError(`No Strimzi release Weir renders for runs Kafka ${kafkaVersion}.`);
}

export class StrimziUnsupportedError extends Error {}

export const MANAGED_BY = { "app.kubernetes.io/managed-by": "weir" } as const;
export const CLUSTER_ID_LABEL = "weir.dev/kafka-cluster-id";
/** The admin credential's Secret key. */
export const PASSWORD_KEY = "password";

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface StrimziClusterInput {
  /** Weir's cluster id: names and labels derive from it. */
  clusterId: string;
  namespace: string;
  kafkaVersion: string;
  /** Desired nodes (node ids and roles), as the local driver plans them (initialNodes/scaleNodes). */
  nodes: { nodeId: number; roles: NodeRole }[];
  storageGbPerBroker: number;
  instanceType: { vcpu: number; memoryGib: number };
  defaultReplication: number;
  adminUsername: string;
}

/** Short, DNS-safe and unique per cluster (Strimzi prefixes pods and services with it). */
export function kafkaResourceName(clusterId: string): string {
  return `weir-${clusterId.replace(/-/g, "").slice(0, 10)}`;
}

/** The Secret Weir writes the admin password to (the User Operator writes its own, named after the user). */
export const adminSecretName = (clusterId: string) => `${kafkaResourceName(clusterId)}-admin-password`;

/** Weir's admin user of a Strimzi cluster (a KafkaUser's name is its SCRAM user name, and every
 * cluster in the namespace shares that name space). */
export const strimziAdminUsername = (clusterId: string) => `${kafkaResourceName(clusterId)}-admin`;

/** Node pools by role group; the pools' node-id ranges keep Strimzi's ids equal to Weir's. */
export type PoolRole = "combined" | "controllers" | "brokers";
export const POOL_ROLES: PoolRole[] = ["combined", "controllers", "brokers"];
export const poolName = (clusterId: string, role: PoolRole) => `${kafkaResourceName(clusterId)}-${role}`;
const poolRoleOf = (roles: string): PoolRole =>
  roles === "broker,controller" ? "combined" : roles === "controller" ? "controllers" : "brokers";

/** Strimzi names a node's pod <kafka>-<pool>-<node id>. */
export const strimziPodName = (clusterId: string, roles: string, nodeId: number) =>
  `${kafkaResourceName(clusterId)}-${poolName(clusterId, poolRoleOf(roles))}-${nodeId}`;

const labels = (clusterId: string, extra: Record<string, string> = {}) => ({
  ...MANAGED_BY,
  [CLUSTER_ID_LABEL]: clusterId,
  ...extra,
});

/** "[1-3]" / "[4-8999]": the ids Strimzi gives the pool's next nodes, from Weir's own plan. */
function nodeIdRange(ids: number[], role: PoolRole): string {
  if (role === "brokers") return `[${Math.min(...ids)}-8999]`;
  return `[${Math.min(...ids)}-${Math.max(...ids)}]`;
}

/** Requests equal to limits (Guaranteed QoS): a broker's page cache is its performance. */
export function brokerResources(t: { vcpu: number; memoryGib: number }) {
  const r = { cpu: String(t.vcpu), memory: `${t.memoryGib}Gi` };
  return { requests: r, limits: r };
}

/** Heap a quarter of the pod's memory (at most 6 GiB); the rest is page cache. */
export function brokerHeap(memoryGib: number): string {
  return `${Math.max(512, Math.min(6144, Math.round((memoryGib * 1024) / 4)))}m`;
}

const CONTROLLER_RESOURCES = { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "1", memory: "2Gi" } };
const CONTROLLER_STORAGE_GB = 10;

export function kafkaResource(input: StrimziClusterInput): K8sObject {
  const release = strimziReleaseFor(input.kafkaVersion);
  const r = input.defaultReplication;
  const minIsr = Math.max(1, Math.min(2, r - 1));
  return {
    apiVersion: release.apiVersion,
    kind: "Kafka",
    metadata: {
      name: kafkaResourceName(input.clusterId),
      namespace: input.namespace,
      labels: labels(input.clusterId),
      ...(release.kraftAnnotations
        ? { annotations: { "strimzi.io/kraft": "enabled", "strimzi.io/node-pools": "enabled" } }
        : {}),
    },
    spec: {
      kafka: {
        version: input.kafkaVersion,
        listeners: [
          {
            name: "tls",
            port: 9093,
            type: "internal",
            tls: true,
            authentication: { type: "scram-sha-512" },
          },
        ],
        authorization: { type: "simple", superUsers: [input.adminUsername] },
        config: {
          "offsets.topic.replication.factor": r,
          "transaction.state.log.replication.factor": r,
          "transaction.state.log.min.isr": minIsr,
          "default.replication.factor": r,
          "min.insync.replicas": minIsr,
          "auto.create.topics.enable": false,
        },
      },
      // Topics and users are Weir's (KafkaTopic/KafkaUser below): the operators that apply them.
      entityOperator: { topicOperator: {}, userOperator: {} },
    },
  };
}

/** One pool per role group that has nodes; an empty group has no pool (the driver deletes it). */
export function nodePoolResources(input: StrimziClusterInput): K8sObject[] {
  const release = strimziReleaseFor(input.kafkaVersion);
  return POOL_ROLES.flatMap((role) => {
    const ids = input.nodes.filter((n) => poolRoleOf(n.roles) === role).map((n) => n.nodeId);
    if (ids.length === 0) return [];
    const controllerOnly = role === "controllers";
    const sizeGb = controllerOnly ? CONTROLLER_STORAGE_GB : input.storageGbPerBroker;
    return [
      {
        apiVersion: release.apiVersion,
        kind: "KafkaNodePool",
        metadata: {
          name: poolName(input.clusterId, role),
          namespace: input.namespace,
          labels: labels(input.clusterId, { "strimzi.io/cluster": kafkaResourceName(input.clusterId) }),
          annotations: { "strimzi.io/next-node-ids": nodeIdRange(ids, role) },
        },
        spec: {
          replicas: ids.length,
          roles: role === "combined" ? ["controller", "broker"] : controllerOnly ? ["controller"] : ["broker"],
          storage: {
            type: "jbod",
            volumes: [
              {
                id: 0,
                type: "persistent-claim",
                size: `${sizeGb}Gi`,
                deleteClaim: true,
                kraftMetadata: "shared",
              },
            ],
          },
          resources: controllerOnly ? CONTROLLER_RESOURCES : brokerResources(input.instanceType),
          ...(controllerOnly
            ? {}
            : {
                jvmOptions: {
                  "-Xms": brokerHeap(input.instanceType.memoryGib),
                  "-Xmx": brokerHeap(input.instanceType.memoryGib),
                },
              }),
        },
      },
    ];
  });
}

/** The admin user's password, which the KafkaUser below reads (Strimzi never generates it). */
export function adminSecret(input: { clusterId: string; namespace: string; password: string }): K8sObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: adminSecretName(input.clusterId), namespace: input.namespace, labels: labels(input.clusterId) },
    type: "Opaque",
    stringData: { [PASSWORD_KEY]: input.password },
  };
}

export interface StrimziAcl {
  resourceType: "TOPIC" | "GROUP" | "CLUSTER" | "TRANSACTIONAL_ID";
  resourceName: string;
  patternType: "LITERAL" | "PREFIXED";
  /** Kafka's operation name as Weir stores it: READ, WRITE, DESCRIBE_CONFIGS, … */
  operation: string;
  permission: "ALLOW" | "DENY";
  host: string;
}

const RESOURCE_TYPES = {
  TOPIC: "topic",
  GROUP: "group",
  CLUSTER: "cluster",
  TRANSACTIONAL_ID: "transactionalId",
} as const;

/** READ → Read, DESCRIBE_CONFIGS → DescribeConfigs (Strimzi's enum spelling). */
export const strimziOperation = (op: string) =>
  op
    .toLowerCase()
    .split("_")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");

/** A Kubernetes name for a Kafka name that may hold "_" or "." or capitals; unique by a hash. */
export function k8sName(prefix: string, kafkaName: string): string {
  let h = 0;
  for (const c of kafkaName) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  const safe = kafkaName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${prefix}-${safe || "x"}-${h.toString(36)}`;
}

export function kafkaUserResource(input: {
  clusterId: string;
  namespace: string;
  kafkaVersion: string;
  username: string;
  /** The Secret (and key) holding the password; unset: Strimzi generates one into a Secret. */
  passwordSecret?: { name: string; key: string };
  acls: StrimziAcl[];
}): K8sObject {
  const release = strimziReleaseFor(input.kafkaVersion);
  return {
    apiVersion: release.apiVersion,
    kind: "KafkaUser",
    metadata: {
      // The User Operator names the SCRAM user after the resource, so it must be the username.
      name: input.username,
      namespace: input.namespace,
      labels: labels(input.clusterId, { "strimzi.io/cluster": kafkaResourceName(input.clusterId) }),
    },
    spec: {
      authentication: {
        type: "scram-sha-512",
        ...(input.passwordSecret
          ? {
              password: {
                valueFrom: { secretKeyRef: { name: input.passwordSecret.name, key: input.passwordSecret.key } },
              },
            }
          : {}),
      },
      ...(input.acls.length > 0
        ? {
            authorization: {
              type: "simple",
              acls: input.acls.map((a) => ({
                resource:
                  a.resourceType === "CLUSTER"
                    ? { type: "cluster" }
                    : {
                        type: RESOURCE_TYPES[a.resourceType],
                        name: a.resourceName,
                        patternType: a.patternType === "PREFIXED" ? "prefix" : "literal",
                      },
                operations: [strimziOperation(a.operation)],
                host: a.host,
                type: a.permission === "DENY" ? "deny" : "allow",
              })),
            },
          }
        : {}),
    },
  };
}

export function kafkaTopicResource(input: {
  clusterId: string;
  namespace: string;
  kafkaVersion: string;
  topic: string;
  partitions: number;
  replicationFactor: number;
  config?: Record<string, string>;
}): K8sObject {
  const release = strimziReleaseFor(input.kafkaVersion);
  return {
    apiVersion: release.apiVersion,
    kind: "KafkaTopic",
    metadata: {
      name: k8sName(kafkaResourceName(input.clusterId), input.topic),
      namespace: input.namespace,
      labels: labels(input.clusterId, { "strimzi.io/cluster": kafkaResourceName(input.clusterId) }),
    },
    spec: {
      topicName: input.topic,
      partitions: input.partitions,
      replicas: input.replicationFactor,
      config: input.config ?? {},
    },
  };
}

/** The Secret holding a Weir user's password (the KafkaUser reads it). */
export const userSecretName = (clusterId: string, username: string) =>
  k8sName(`${kafkaResourceName(clusterId)}-user`, username);

export function userPasswordSecret(input: {
  clusterId: string;
  namespace: string;
  username: string;
  password: string;
}): K8sObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: userSecretName(input.clusterId, input.username),
      namespace: input.namespace,
      labels: labels(input.clusterId),
    },
    type: "Opaque",
    stringData: { [PASSWORD_KEY]: input.password },
  };
}

/** A KafkaTopic's or KafkaUser's state: Ready at its generation, or why not. */
export function strimziChildStatus(
  o: (K8sObject & { metadata: { generation?: number }; status?: Record<string, unknown> }) | null,
): { exists: boolean; ready: boolean; message: string | null } {
  if (!o) return { exists: false, ready: false, message: "The resource does not exist" };
  const status = (o.status ?? {}) as { conditions?: Condition[]; observedGeneration?: number };
  const ready = readyCondition(o as { status?: { conditions?: Condition[] } });
  const caughtUp = (status.observedGeneration ?? 0) >= (o.metadata.generation ?? 0);
  if (ready?.status === "True" && caughtUp) return { exists: true, ready: true, message: null };
  const message = !status.conditions
    ? `Waiting for Strimzi's ${o.kind === "KafkaTopic" ? "Topic" : "User"} Operator to pick it up`
    : !caughtUp
      ? `Waiting for Strimzi's ${o.kind === "KafkaTopic" ? "Topic" : "User"} Operator to apply the latest spec`
      : (ready?.message ?? ready?.reason ?? "Strimzi reports it not ready");
  return { exists: true, ready: false, message };
}

/** Everything Weir applies for a cluster, in order (the Secret before the user that reads it). */
export function strimziClusterResources(input: StrimziClusterInput & { adminPassword: string }): K8sObject[] {
  return [
    adminSecret({ clusterId: input.clusterId, namespace: input.namespace, password: input.adminPassword }),
    kafkaResource(input),
    ...nodePoolResources(input),
    kafkaUserResource({
      clusterId: input.clusterId,
      namespace: input.namespace,
      kafkaVersion: input.kafkaVersion,
      username: input.adminUsername,
      passwordSecret: { name: adminSecretName(input.clusterId), key: PASSWORD_KEY },
      acls: [],
    }),
  ];
}

// ---------------------------------------------------------------- status

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface StrimziClusterStatus {
  /** The Kafka resource exists. */
  exists: boolean;
  /** Ready=True for the spec Weir last applied (observedGeneration caught up). */
  ready: boolean;
  /** Why not ready, in Strimzi's words, or that the operator has not caught up. */
  message: string | null;
  /** Since when Ready has been True (the pods' run time for metering). */
  readySince: Date | null;
  bootstrapServers: string | null;
  /** Node ids Strimzi reports, over every pool. */
  nodeIds: number[];
}

const readyCondition = (o: { status?: { conditions?: Condition[] } } | null) =>
  o?.status?.conditions?.find((c) => c.type === "Ready");

/** The cluster's state from its Kafka and KafkaNodePool resources (pure: the driver reads them). */
export function strimziClusterStatus(
  kafka: (K8sObject & { metadata: { generation?: number }; status?: Record<string, unknown> }) | null,
  pools: (K8sObject & { metadata: { generation?: number }; status?: Record<string, unknown> })[],
): StrimziClusterStatus {
  if (!kafka) {
    return {
      exists: false,
      ready: false,
      message: "The Kafka resource does not exist yet",
      readySince: null,
      bootstrapServers: null,
      nodeIds: [],
    };
  }
  const status = (kafka.status ?? {}) as {
    conditions?: Condition[];
    observedGeneration?: number;
    listeners?: { name?: string; bootstrapServers?: string }[];
  };
  const ready = readyCondition(kafka as { status?: { conditions?: Condition[] } });
  const generation = kafka.metadata.generation ?? 0;
  const caughtUp =
    (status.observedGeneration ?? 0) >= generation &&
    pools.every(
      (p) =>
        ((p.status as { observedGeneration?: number } | undefined)?.observedGeneration ?? 0) >=
        (p.metadata.generation ?? 0),
    );
  const isReady = ready?.status === "True" && caughtUp;
  const nodeIds = pools
    .flatMap((p) => (p.status as { nodeIds?: number[] } | undefined)?.nodeIds ?? [])
    .sort((a, b) => a - b);
  const listener = status.listeners?.find((l) => l.name === "tls") ?? status.listeners?.[0];
  let message: string | null = null;
  if (!isReady) {
    const notReady = status.conditions?.find((c) => c.status === "True" && c.type === "NotReady");
    message = !status.conditions
      ? "Waiting for the Strimzi operator to pick the cluster up"
      : !caughtUp
        ? "Waiting for the Strimzi operator to apply the latest spec"
        : (ready?.message ?? notReady?.message ?? ready?.reason ?? "Strimzi reports the cluster not ready");
  }
  return {
    exists: true,
    ready: isReady,
    message,
    readySince: isReady && ready?.lastTransitionTime ? new Date(ready.lastTransitionTime) : null,
    bootstrapServers: listener?.bootstrapServers ?? null,
    nodeIds,
  };
}
