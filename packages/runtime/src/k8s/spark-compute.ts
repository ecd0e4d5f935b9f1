// A Weir compute cluster on Kubernetes: a namespace of its own holding a ResourceQuota (what its
// plan buys: workers × the instance type's vCPU and memory, drivers and executors included) and a
// LimitRange (defaults for driver and executor pods that name no resources, and no container larger
// than one instance), plus the service account its Spark drivers run as, bound to the ClusterRole
// the Helm chart installs for them (drivers create their executor pods). A quota is enforced on
// every pod of its namespace, so clusters sharing a namespace would all be held to the smallest
// one: hence a namespace per cluster. Jobs (SparkApplications) run in their cluster's namespace.
import type { KubeConfig } from "@kubernetes/client-node";
import { KubernetesClient } from "./client.ts";
import { MANAGED_BY, type K8sObject } from "./strimzi.ts";

export const COMPUTE_CLUSTER_ID_LABEL = "weir.dev/compute-cluster-id";
export const QUOTA_NAME = "weir-compute-quota";
export const LIMIT_RANGE_NAME = "weir-compute-defaults";
/** The service account Spark drivers run as in a compute cluster's namespace. */
export const SPARK_SERVICE_ACCOUNT = "weir-spark";
/** The ClusterRole (installed by the chart) a driver needs: pods, services, configmaps, PVCs. */
export const SPARK_DRIVER_CLUSTER_ROLE = "weir-spark-driver";

/** `<base>-cc-<first 10 hex of the id>`: DNS-safe, at most 63 characters. */
export function computeNamespace(base: string, computeClusterId: string): string {
  return `${base.slice(0, 48)}-cc-${computeClusterId.replace(/-/g, "").slice(0, 10)}`;
}

export interface ComputeQuotaInput {
  computeClusterId: string;
  namespace: string;
  workers: number;
  instanceType: { vcpu: number; memoryGib: number };
}

/** A manifest, namespaced or not (the Namespace itself). */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

const labels = (computeClusterId: string) => ({ ...MANAGED_BY, [COMPUTE_CLUSTER_ID_LABEL]: computeClusterId });

/** Memory as the API server writes it back (whole GiB as Gi), so an unchanged quota reads as applied. */
export function memoryQuantity(gib: number): string {
  const mi = Math.round(gib * 1024);
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

/** What the plan buys, as quota values (pure). */
export function computeQuotaHard(workers: number, t: { vcpu: number; memoryGib: number }): Record<string, string> {
  const cpu = String(workers * t.vcpu);
  const memory = memoryQuantity(workers * t.memoryGib);
  return { "requests.cpu": cpu, "limits.cpu": cpu, "requests.memory": memory, "limits.memory": memory };
}

/** The cluster's namespace, quota, limit range, drivers' service account and its binding (pure). */
export function computeClusterResources(input: ComputeQuotaInput): Manifest[] {
  const { namespace, computeClusterId: id, instanceType: t } = input;
  const meta = (name: string) => ({ name, namespace, labels: labels(id) });
  return [
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: namespace, labels: labels(id) },
    },
    {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: meta(QUOTA_NAME),
      spec: { hard: computeQuotaHard(input.workers, t) },
    },
    {
      apiVersion: "v1",
      kind: "LimitRange",
      metadata: meta(LIMIT_RANGE_NAME),
      spec: {
        limits: [
          {
            type: "Container",
            // A pod without resources (a quota requires them) gets one core and 1 GiB.
            default: { cpu: "1", memory: "1Gi" },
            defaultRequest: { cpu: "1", memory: "1Gi" },
            max: { cpu: String(t.vcpu), memory: memoryQuantity(t.memoryGib) },
          },
        ],
      },
    },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(SPARK_SERVICE_ACCOUNT) },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta(SPARK_SERVICE_ACCOUNT),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: SPARK_DRIVER_CLUSTER_ROLE },
      subjects: [{ kind: "ServiceAccount", name: SPARK_SERVICE_ACCOUNT, namespace }],
    },
  ];
}

export interface ObservedComputeCluster {
  namespace: string;
  /** The quota and the limit range exist. */
  ready: boolean;
  /** The quota's hard limits as the server holds them. */
  hard: Record<string, string> | null;
  /** What the pods of the namespace use of it. */
  used: Record<string, string> | null;
  /** The namespace is being deleted (it stays Terminating until its contents are gone). */
  terminating: boolean;
}

type Obj = K8sObject & {
  status?: { hard?: Record<string, string>; used?: Record<string, string>; phase?: string };
  metadata: { deletionTimestamp?: Date };
};

/** Compute clusters on Kubernetes: applied, observed and deleted by the ComputeCluster reconciler. */
export class KubernetesComputeRuntime {
  readonly kind = "kubernetes" as const;
  private readonly client: KubernetesClient;

  constructor(
    kc: KubeConfig,
    /** WEIR_K8S_NAMESPACE: each compute cluster's namespace is named after it. */
    readonly baseNamespace: string,
  ) {
    this.client = new KubernetesClient(kc);
  }

  namespaceOf(computeClusterId: string): string {
    return computeNamespace(this.baseNamespace, computeClusterId);
  }

  /** Idempotent: a change of worker count or instance type changes the quota and the limits. */
  async applyComputeCluster(input: Omit<ComputeQuotaInput, "namespace">): Promise<void> {
    const namespace = this.namespaceOf(input.computeClusterId);
    for (const r of computeClusterResources({ ...input, namespace })) await this.client.apply(r);
  }

  async observeComputeCluster(computeClusterId: string): Promise<ObservedComputeCluster> {
    const namespace = this.namespaceOf(computeClusterId);
    const ref = (apiVersion: string, kind: string, name: string) => ({
      apiVersion,
      kind,
      metadata: { name, namespace },
    });
    const [ns, quota, limits] = await Promise.all([
      this.client.read<Obj>({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }),
      this.client.read<Obj>(ref("v1", "ResourceQuota", QUOTA_NAME)),
      this.client.read<Obj>(ref("v1", "LimitRange", LIMIT_RANGE_NAME)),
    ]);
    const terminating = !!ns?.metadata.deletionTimestamp || ns?.status?.phase === "Terminating";
    return {
      namespace,
      ready: !!quota && !!limits && !!ns && !terminating,
      hard: (quota?.spec as { hard?: Record<string, string> } | undefined)?.hard ?? null,
      used: quota?.status?.used ?? null,
      terminating,
    };
  }

  /**
   * Deletes what Weir made in the namespace, then the namespace (whose deletion removes anything
   * left, such as pods of jobs deleted meanwhile). Already gone is fine.
   */
  async deleteComputeCluster(computeClusterId: string): Promise<void> {
    const namespace = this.namespaceOf(computeClusterId);
    const resources = computeClusterResources({
      computeClusterId,
      namespace,
      workers: 0,
      instanceType: { vcpu: 0, memoryGib: 0 },
    });
    for (const r of resources.reverse()) {
      await this.client.delete({
        apiVersion: r.apiVersion,
        kind: r.kind,
        metadata: r.kind === "Namespace" ? { name: namespace } : { name: r.metadata.name, namespace },
      });
    }
  }
}
