import {
  connectClusterIdInput,
  createConnectClusterInput,
  deleteConnectClusterInput,
  updateConnectClusterInput,
} from "@weir/domain";
import { z } from "zod";
import * as s from "../schemas.ts";
import { orgProcedure, router } from "../trpc.ts";
import { resourceOperations } from "./operations.ts";

const tags = ["connect clusters"];

const connectWorker = z.object({
  index: z.number(),
  address: z.string().describe("The worker's REST API on 127.0.0.1 (not exposed)"),
  status: s.status,
  statusReason: z.string(),
  pid: z.number().nullable(),
  startedAt: z.date().nullable(),
  restartCount: z.number(),
});

const connectCluster = z.object({
  id: z.string(),
  name: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  connectVersion: z.string(),
  kafkaCluster: z.object({ id: z.string(), name: z.string(), status: s.status }).nullable(),
  workerCount: z.number(),
  workerInstanceType: z.string(),
  kafkaUsername: z.string().describe("The workers' own Kafka user"),
  groupId: z.string(),
  internalTopics: z.object({ config: z.string(), offset: z.string(), status: z.string() }),
  connectorCount: z.number(),
  status: s.status,
  statusReason: z.string(),
  generation: z.number(),
  observedGeneration: z.number(),
  conditions: z.array(s.condition),
  progress: z.object({ done: z.number(), total: z.number() }),
  createdAt: z.date(),
  updatedAt: z.date(),
  workers: z.array(connectWorker),
});

const connectOptions = z.object({
  connectVersion: z.string(),
  instanceTypes: z.array(z.object({ sku: z.string(), vcpu: z.number(), memoryGib: z.number(), hourly: z.string() })),
  kafkaClusters: z.array(z.object({ id: z.string(), name: z.string(), status: s.status })),
  maxWorkers: z.number(),
});

const op = resourceOperations(tags, connectCluster);

export const connectClustersRouter = router({
  list: op.list(
    {
      path: "/connect-clusters",
      summary: "Kafka Connect clusters, with live status",
      input: z.strictObject({}).optional(),
    },
    ({ domain, scope }) => domain.connectClusters.list(scope),
  ),

  options: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/connect-clusters/options",
        tags,
        summary: "Worker instance types (with prices), Kafka clusters and limits a new Connect cluster may use",
      },
    })
    .input(z.strictObject({}).optional())
    .output(connectOptions)
    .query(({ ctx }) => ctx.domain.connectClusters.options(ctx.scope)),

  create: op.change(
    "POST",
    {
      path: "/connect-clusters",
      summary:
        "Create a Kafka Connect cluster on a Weir Kafka cluster, with its own Kafka user; PROVISIONING until every worker's REST API answers",
      input: createConnectClusterInput,
    },
    ({ domain, scope }, input) => domain.connectClusters.create(scope, input),
  ),

  get: op.get(
    { path: "/connect-clusters/{id}", summary: "A Connect cluster with its workers", input: connectClusterIdInput },
    ({ domain, scope }, input) => domain.connectClusters.get(scope, input),
  ),

  update: op.change(
    "PATCH",
    {
      path: "/connect-clusters/{id}",
      summary: "Change the worker count; Connect rebalances connectors and tasks over the workers",
      input: updateConnectClusterInput,
    },
    ({ domain, scope }, input) => domain.connectClusters.update(scope, input),
  ),

  delete: op.change(
    "DELETE",
    {
      path: "/connect-clusters/{id}",
      summary:
        "Delete the connectors, stop the workers, remove the Kafka user, its ACLs and the internal topics (confirmName: the cluster's name)",
      input: deleteConnectClusterInput,
    },
    ({ domain, scope }, input) => domain.connectClusters.delete(scope, input),
  ),

  events: op.events(
    { path: "/connect-clusters/{id}/events", input: connectClusterIdInput },
    ({ domain, scope }, input) => domain.connectClusters.events(scope, input),
  ),
});
