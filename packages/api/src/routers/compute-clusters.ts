import {
  computeClusterIdInput,
  computeMetricsInput,
  createComputeClusterInput,
  deleteComputeClusterInput,
  updateComputeClusterInput,
} from "@weir/domain";
import { z } from "zod";
import * as s from "../schemas.ts";
import { orgProcedure, router } from "../trpc.ts";
import { resourceOperations } from "./operations.ts";

const tags = ["compute clusters"];

const sparkNode = z.object({
  role: z.enum(["master", "worker", "connect"]),
  index: z.number(),
  address: z.string(),
  status: s.status,
  statusReason: z.string(),
  pid: z.number().nullable(),
  cores: z.number(),
  memoryMb: z.number(),
  startedAt: z.date().nullable(),
  restartCount: z.number(),
  uiPath: z.string().nullable(),
});

const computeCluster = z.object({
  id: z.string(),
  name: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  sparkVersion: z.string(),
  workerCount: z.number(),
  workerInstanceType: z.string(),
  kafkaCluster: z.object({ id: z.string(), name: z.string() }).nullable(),
  masterUrl: z.string().nullable(),
  runtime: z
    .enum(["local", "kubernetes"])
    .describe(
      "The driver that runs it: Spark processes on the controller's host, or a namespace with a quota whose jobs are Spark Operator SparkApplications",
    ),
  status: s.status,
  statusReason: z.string(),
  generation: z.number(),
  observedGeneration: z.number(),
  conditions: z.array(s.condition),
  progress: z.object({ done: z.number(), total: z.number() }),
  createdAt: z.date(),
  updatedAt: z.date(),
  master: sparkNode.nullable(),
  workers: z.array(sparkNode),
  connect: sparkNode.nullable().describe("The Spark Connect server of the SQL workspace (its own status)"),
});

const computeOptions = z.object({
  sparkVersion: z.string(),
  instanceTypes: z.array(
    z.object({
      sku: z.string(),
      vcpu: z.number(),
      memoryGib: z.number(),
      hourly: z.string(),
      local: z.object({ cores: z.number(), memoryMb: z.number() }),
    }),
  ),
  kafkaClusters: z.array(z.object({ id: z.string(), name: z.string(), status: s.status })),
  maxWorkers: z.number(),
  runtimes: z
    .array(z.enum(["local", "kubernetes"]))
    .describe("The runtimes a new cluster may have (kubernetes only when a Kubernetes API is configured)"),
  defaultRuntime: z.enum(["local", "kubernetes"]).describe("WEIR_RUNTIME: what a cluster gets when none is named"),
});

const computeMetrics = z.object({
  samples: z.array(
    z.object({
      at: z.date(),
      workersAlive: z.number(),
      coresUsed: z.number(),
      coresTotal: z.number(),
      memoryUsedMb: z.number(),
      memoryTotalMb: z.number(),
      runningApps: z.number(),
    }),
  ),
});

const op = resourceOperations(tags, computeCluster);

export const computeClustersRouter = router({
  list: op.list(
    {
      path: "/compute-clusters",
      summary: "Spark compute clusters, with live status",
      input: z.strictObject({}).optional(),
    },
    ({ domain, scope }) => domain.computeClusters.list(scope),
  ),

  options: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/compute-clusters/options",
        tags,
        summary: "Worker instance types (with prices), Kafka clusters and limits a new compute cluster may use",
      },
    })
    .input(z.strictObject({}).optional())
    .output(computeOptions)
    .query(({ ctx }) => ctx.domain.computeClusters.options(ctx.scope)),

  create: op.change(
    "POST",
    {
      path: "/compute-clusters",
      summary: "Create a Spark compute cluster; it is PROVISIONING until the master and every worker run",
      input: createComputeClusterInput,
    },
    ({ domain, scope }, input) => domain.computeClusters.create(scope, input),
  ),

  get: op.get(
    {
      path: "/compute-clusters/{id}",
      summary: "A compute cluster with its master and workers",
      input: computeClusterIdInput,
    },
    ({ domain, scope }, input) => domain.computeClusters.get(scope, input),
  ),

  update: op.change(
    "PATCH",
    {
      path: "/compute-clusters/{id}",
      summary: "Change the worker count; leaving workers are decommissioned first",
      input: updateComputeClusterInput,
    },
    ({ domain, scope }, input) => domain.computeClusters.update(scope, input),
  ),

  delete: op.change(
    "DELETE",
    {
      path: "/compute-clusters/{id}",
      summary: "Stop the master and workers and delete the cluster's data",
      input: deleteComputeClusterInput,
    },
    ({ domain, scope }, input) => domain.computeClusters.delete(scope, input),
  ),

  events: op.events(
    { path: "/compute-clusters/{id}/events", input: computeClusterIdInput },
    ({ domain, scope }, input) => domain.computeClusters.events(scope, input),
  ),

  metrics: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/compute-clusters/{id}/metrics",
        tags,
        summary: "Workers alive, cores and memory used of total, running applications",
      },
    })
    .input(computeMetricsInput)
    .output(computeMetrics)
    .query(({ ctx, input }) => ctx.domain.computeClusters.metrics(ctx.scope, input)),
});
