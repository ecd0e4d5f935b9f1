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

export const computeClustersRouter = router({
  list: orgProcedure
    .meta({
      openapi: { method: "GET", path: "/compute-clusters", tags, summary: "Spark compute clusters, with live status" },
    })
    .input(z.strictObject({}).optional())
    .output(z.object({ items: z.array(computeCluster) }))
    .query(async ({ ctx }) => ({ items: await ctx.domain.computeClusters.list(ctx.scope) })),

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

  create: orgProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/compute-clusters",
        tags,
        summary: "Create a Spark compute cluster; it is PROVISIONING until the master and every worker run",
      },
    })
    .input(createComputeClusterInput)
    .output(computeCluster)
    .mutation(({ ctx, input }) => ctx.domain.computeClusters.create(ctx.scope, input)),

  get: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/compute-clusters/{id}",
        tags,
        summary: "A compute cluster with its master and workers",
      },
    })
    .input(computeClusterIdInput)
    .output(computeCluster)
    .query(({ ctx, input }) => ctx.domain.computeClusters.get(ctx.scope, input)),

  update: orgProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/compute-clusters/{id}",
        tags,
        summary: "Change the worker count; leaving workers are decommissioned first",
      },
    })
    .input(updateComputeClusterInput)
    .output(computeCluster)
    .mutation(({ ctx, input }) => ctx.domain.computeClusters.update(ctx.scope, input)),

  delete: orgProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/compute-clusters/{id}",
        tags,
        summary: "Stop the master and workers and delete the cluster's data",
      },
    })
    .input(deleteComputeClusterInput)
    .output(computeCluster)
    .mutation(({ ctx, input }) => ctx.domain.computeClusters.delete(ctx.scope, input)),

  events: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/compute-clusters/{id}/events",
        tags,
        summary: "What the controller did and saw",
      },
    })
    .input(computeClusterIdInput)
    .output(z.object({ items: z.array(s.resourceEvent) }))
    .query(async ({ ctx, input }) => ({ items: await ctx.domain.computeClusters.events(ctx.scope, input) })),

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
