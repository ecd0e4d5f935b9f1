// Compute clusters (Spark standalone: one master, N workers) as desired state: the API
// validates, authorises and records what the user asked for (and an audit event) in one
// transaction, then wakes the controller, which starts the JVMs. Nothing here starts a process.
import fs from "node:fs";
import type { Db } from "@weir/db";
import { env } from "@weir/env";
import { SPARK_VERSION, workerResources } from "@weir/runtime";
import { z } from "zod";
import { notifyReconcile, recordAudit } from "../audit/record.ts";
import {
  type ClusterKind,
  confirmTypedName,
  markDeleting,
  scaleWorkers,
  projectForNewCluster,
  checkWorkerLimit,
} from "../cluster-changes.ts";
import { priceBookInForce } from "../billing/price-book.ts";
import { asConditions } from "../conditions.ts";
import { resourceEvents } from "../events.ts";
import type { OrgScope } from "../context.ts";
import { asNameConflict, conflict, invalid, notFound } from "../errors.ts";
import { resourceName } from "../names.ts";
import { requireRole } from "../roles.ts";

/** Which driver runs a cluster: processes on the controller's host, or operator resources on Kubernetes. */
export const clusterRuntime = z.enum(["local", "kubernetes"]);
export type ClusterRuntime = z.infer<typeof clusterRuntime>;

/** The service account token a pod gets: Weir runs inside a cluster (in-cluster config). */
const IN_CLUSTER_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/** A Kubernetes API is configured: WEIR_KUBECONFIG, or Weir runs in a pod. */
export const kubernetesConfigured = () => !!env().WEIR_KUBECONFIG || fs.existsSync(IN_CLUSTER_TOKEN);

/** The runtimes a create form may offer (Kubernetes only when configured), the default first. */
export function runtimeChoices(): { runtimes: ClusterRuntime[]; defaultRuntime: ClusterRuntime } {
  const runtimes: ClusterRuntime[] = kubernetesConfigured() ? ["local", "kubernetes"] : ["local"];
  return { runtimes, defaultRuntime: env().WEIR_RUNTIME };
}

/** The runtime a new cluster gets: the one asked for, else WEIR_RUNTIME; Kubernetes only when configured. */
export function chooseRuntime(requested: ClusterRuntime | undefined): ClusterRuntime {
  const runtime = requested ?? env().WEIR_RUNTIME;
  if (runtime === "kubernetes" && !kubernetesConfigured()) {
    throw invalid(
      "runtime",
      `Kubernetes is not configured${requested ? "" : " (WEIR_RUNTIME=kubernetes is the default)"}: set WEIR_KUBECONFIG, or run Weir in a cluster with its service account`,
    );
  }
  return runtime;
}

/**
 * Why a job on a `compute` cluster cannot reach a Kafka cluster of another runtime (null: it can).
 * Pods reach no broker on the controller's loopback; a driver on the controller's host resolves no
 * Service inside Kubernetes and has no Strimzi cluster CA to trust its TLS listener.
 */
export function unreachableKafka(compute: ClusterRuntime, kafka: { name: string; runtime: string }): string | null {
  if (compute === kafka.runtime) return null;
  return compute === "kubernetes"
    ? `The Kafka cluster "${kafka.name}" runs on this host (local): Spark pods on Kubernetes cannot reach its brokers; use a Kafka cluster on Kubernetes`
    : `The Kafka cluster "${kafka.name}" runs on Kubernetes (Strimzi): drivers on this host cannot reach its in-cluster TLS listener; use a local Kafka cluster or a compute cluster on Kubernetes`;
}

const workerCount = z.number().int("Must be a whole number").min(1, "Must be at least 1").max(1000);

export const createComputeClusterInput = z.strictObject({
  name: resourceName,
  projectId: z.uuid().optional(),
  workerCount,
  workerInstanceType: z.string().min(1, "Must not be empty").max(64),
  /** The Kafka cluster its jobs read from by default. */
  kafkaClusterId: z.uuid().optional(),
  /** Default: WEIR_RUNTIME. "kubernetes" needs a configured Kubernetes API. */
  runtime: clusterRuntime.optional(),
});

export const computeClusterIdInput = z.strictObject({ id: z.uuid() });

export const updateComputeClusterInput = z.strictObject({
  id: z.uuid(),
  workerCount,
  /** Optional optimistic concurrency: the generation the caller saw. */
  generation: z.number().int().optional(),
});

export const deleteComputeClusterInput = z.strictObject({
  id: z.uuid(),
  /** The console asks the user to type the cluster's name; the API accepts it as a check. */
  confirmName: z.string().max(200).optional(),
});

export const computeMetricsInput = z.strictObject({
  id: z.uuid(),
  minutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(72 * 60)
    .default(60),
});

const include = {
  nodes: { orderBy: [{ role: "asc" as const }, { index: "asc" as const }] },
  project: { select: { name: true } },
  kafkaCluster: { select: { id: true, name: true } },
};

type Row = NonNullable<Awaited<ReturnType<Db["computeCluster"]["findFirst"]>>> & {
  nodes: Awaited<ReturnType<Db["computeNode"]["findMany"]>>;
  project: { name: string };
  kafkaCluster: { id: string; name: string } | null;
};

const nodeView = (n: Row["nodes"][number]) => ({
  role: n.role as "master" | "worker" | "connect",
  index: n.index,
  address: `${n.host}:${n.port}`,
  status: n.status,
  statusReason: n.statusReason,
  pid: n.pid,
  cores: n.cores,
  memoryMb: n.memoryMb,
  startedAt: n.status === "RUNNING" || n.status === "PROVISIONING" ? n.startedAt : null,
  restartCount: n.restartCount,
  /**
   * The node's Spark UI through the console's authenticated proxy (workers' through the master's);
   * null for the connect server, whose UI (loopback only) is not proxied.
   */
  uiPath: n.role === "master" ? "" : n.role === "worker" && n.sparkId ? `proxy/${n.sparkId}/` : null,
});

const view = (c: Row) => ({
  id: c.id,
  name: c.name,
  projectId: c.projectId,
  projectName: c.project.name,
  sparkVersion: c.sparkVersion,
  workerCount: c.workerCount,
  workerInstanceType: c.workerInstanceType,
  kafkaCluster: c.kafkaCluster,
  masterUrl: c.masterUrl,
  runtime: c.runtime as ClusterRuntime,
  status: c.status,
  statusReason: c.statusReason,
  generation: c.generation,
  observedGeneration: c.observedGeneration,
  conditions: asConditions(c.conditions),
  progress: { done: c.progressDone, total: c.progressTotal },
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
  master: c.nodes.filter((n) => n.role === "master").map(nodeView)[0] ?? null,
  workers: c.nodes.filter((n) => n.role === "worker").map(nodeView),
  /** The Spark Connect server behind the SQL workspace; its status is its own, not the cluster's. */
  connect: c.nodes.filter((n) => n.role === "connect").map(nodeView)[0] ?? null,
});

export type ComputeClusterView = ReturnType<typeof view>;

const kind: ClusterKind<Row> = {
  kind: "ComputeCluster",
  label: "compute cluster",
  auditType: "compute_cluster",
  refusal: () => "The compute cluster is being deleted.",
  write: (tx, id, data) => tx.computeCluster.update({ where: { id }, data, include }),
};

export function computeClustersService(db: Db) {
  async function find(scope: OrgScope, id: string): Promise<Row> {
    const c = await db.computeCluster.findFirst({ where: { id, orgId: scope.orgId }, include });
    if (!c) throw notFound("Compute cluster");
    return c;
  }

  async function instanceType(sku: string) {
    const book = await priceBookInForce(db);
    const types = (book?.prices ?? []).filter((p) => p.dimension === "COMPUTE_NODE_HOURS");
    const type = types.find((p) => p.sku === sku);
    if (!type) {
      throw invalid(
        "workerInstanceType",
        `Unknown worker instance type; choose one of ${types.map((p) => p.sku).join(", ")}`,
      );
    }
    return type;
  }

  return {
    async list(scope: OrgScope) {
      const rows = await db.computeCluster.findMany({
        where: { orgId: scope.orgId },
        include,
        orderBy: { createdAt: "desc" },
      });
      return rows.map(view);
    },

    async get(scope: OrgScope, input: z.infer<typeof computeClusterIdInput>) {
      return view(await find(scope, input.id));
    },

    /** What the create form offers: worker types from the price book in force, Kafka clusters, limits. */
    async options(scope: OrgScope) {
      const book = await priceBookInForce(db);
      const project = await db.project.findFirst({ where: { orgId: scope.orgId, isDefault: true } });
      const kafka = await db.kafkaCluster.findMany({
        where: { orgId: scope.orgId, status: { not: "DELETING" } },
        select: { id: true, name: true, status: true },
        orderBy: { createdAt: "desc" },
      });
      return {
        sparkVersion: SPARK_VERSION,
        instanceTypes: (book?.prices ?? [])
          .filter((p) => p.dimension === "COMPUTE_NODE_HOURS")
          .map((p) => {
            const vcpu = p.vcpu ?? 1;
            const memoryGib = Number(p.memoryGib ?? 2);
            return {
              sku: p.sku,
              vcpu,
              memoryGib,
              hourly: p.unitPrice.toString(),
              local: workerResources({ vcpu, memoryGib }),
            };
          }),
        kafkaClusters: kafka,
        maxWorkers: project?.maxWorkersPerCluster ?? 8,
        ...runtimeChoices(),
      };
    },

    async create(scope: OrgScope, input: z.infer<typeof createComputeClusterInput>) {
      requireRole(scope.role, "DEVELOPER", "create compute clusters");
      const project = await projectForNewCluster(db, scope, input.projectId);
      checkWorkerLimit(project, input.workerCount);
      await instanceType(input.workerInstanceType);
      const runtime = chooseRuntime(input.runtime);
      if (input.kafkaClusterId) {
        const k = await db.kafkaCluster.findFirst({ where: { id: input.kafkaClusterId, orgId: scope.orgId } });
        if (!k) throw invalid("kafkaClusterId", "No such Kafka cluster in this organisation");
        const why = unreachableKafka(runtime, k);
        if (why) throw invalid("kafkaClusterId", why);
      }
      try {
        const cluster = await db.$transaction(async (tx) => {
          const count = await tx.computeCluster.count({ where: { projectId: project.id } });
          if (count >= project.maxComputeClusters) {
            throw conflict(
              `The project already has ${count} compute clusters, its limit; delete one first.`,
              "projectId",
            );
          }
          const c = await tx.computeCluster.create({
            data: {
              orgId: scope.orgId,
              projectId: project.id,
              name: input.name,
              sparkVersion: SPARK_VERSION,
              workerCount: input.workerCount,
              workerInstanceType: input.workerInstanceType,
              runtime,
              kafkaClusterId: input.kafkaClusterId ?? null,
              statusReason: "Waiting for the controller",
              progressTotal: input.workerCount + 2,
            },
            include,
          });
          await recordAudit(tx, scope, {
            action: "compute_cluster.create",
            resourceType: "compute_cluster",
            resourceId: c.id,
            resourceName: c.name,
            details: { workerCount: c.workerCount, workerInstanceType: c.workerInstanceType },
          });
          await notifyReconcile(tx, "ComputeCluster", c.id);
          return c;
        });
        return view(cluster);
      } catch (err) {
        throw asNameConflict(err, `A compute cluster named "${input.name}" already exists in this project`);
      }
    },

    /** Changes the worker count; the controller adds workers or decommissions the highest ones. */
    async update(scope: OrgScope, input: z.infer<typeof updateComputeClusterInput>) {
      requireRole(scope.role, "DEVELOPER", "change compute clusters");
      return view(await scaleWorkers(db, scope, kind, await find(scope, input.id), input));
    },

    async delete(scope: OrgScope, input: z.infer<typeof deleteComputeClusterInput>) {
      requireRole(scope.role, "DEVELOPER", "delete compute clusters");
      const c = await find(scope, input.id);
      confirmTypedName(kind, c, input.confirmName);
      const updated = await markDeleting(db, scope, kind, c, "Stopping Spark and deleting data", async (tx) => {
        // Its jobs go first: the controller stops each driver and removes the job's Kafka user
        // and ACLs, and the cluster waits for them before it stops Spark.
        const jobs = await tx.job.findMany({ where: { computeClusterId: c.id, status: { not: "DELETING" } } });
        if (jobs.length > 0) {
          await tx.job.updateMany({
            where: { id: { in: jobs.map((j) => j.id) } },
            data: {
              status: "DELETING",
              statusReason: "Deleted with its compute cluster",
              desiredState: "stopped",
              generation: { increment: 1 },
            },
          });
          for (const j of jobs) await notifyReconcile(tx, "Job", j.id);
        }
      });
      return view(updated);
    },

    async events(scope: OrgScope, input: z.infer<typeof computeClusterIdInput>) {
      await find(scope, input.id);
      return resourceEvents(db, "ComputeCluster", input.id);
    },

    async metrics(scope: OrgScope, input: z.infer<typeof computeMetricsInput>) {
      const c = await find(scope, input.id);
      const rows = await db.computeMetricSample.findMany({
        where: { computeClusterId: c.id, sampledAt: { gte: new Date(Date.now() - input.minutes * 60_000) } },
        orderBy: { sampledAt: "asc" },
        take: 5000,
      });
      return {
        samples: rows.map((r) => ({
          at: r.sampledAt,
          workersAlive: r.workersAlive,
          coresUsed: r.coresUsed,
          coresTotal: r.coresTotal,
          memoryUsedMb: r.memoryUsedMb,
          memoryTotalMb: r.memoryTotalMb,
          runningApps: r.runningApps,
        })),
      };
    },

    /** Where the console's proxy reaches a node's Spark UI (never handed to the browser). */
    async uiTarget(scope: OrgScope, input: { id: string; node: string }) {
      const c = await find(scope, input.id);
      const node =
        input.node === "master"
          ? c.nodes.find((n) => n.role === "master")
          : c.nodes.find((n) => n.role === "worker" && `worker-${n.index}` === input.node);
      if (!node) throw notFound("Spark node");
      return { host: node.host, port: node.uiPort, status: node.status };
    },
  };
}
