import {
  connectorLagInput,
  connectorNameInput,
  createConnectorInput,
  createReplicationInput,
  restartConnectorInput,
  updateConnectorInput,
} from "@weir/domain";
import { CONNECT_PLUGINS } from "@weir/runtime";
import { z } from "zod";
import * as s from "../schemas.ts";
import { orgProcedure, router } from "../trpc.ts";
import { resourceOperations } from "./operations.ts";

const tags = ["connectors"];
const base = "/connect-clusters/{id}/connectors";

const connector = z.object({
  id: z.string(),
  connectClusterId: z.string(),
  name: z.string(),
  plugin: z.enum(CONNECT_PLUGINS.map((p) => p.id) as [string, ...string[]]),
  connectorClass: z.string(),
  config: z.record(z.string(), z.string()).describe("The config as given, without secrets"),
  secretKeys: z.array(z.string()).describe("Which secret keys are stored; their values are never answered"),
  desiredState: z.enum(["RUNNING", "PAUSED"]),
  kafkaUsername: z.string().nullable().describe("The connector's own Kafka user (ACLs limited to its topics)"),
  status: z.enum(["PROVISIONING", "RUNNING", "PAUSED", "UPDATING", "DEGRADED", "FAILED", "DELETING"]),
  statusReason: z.string(),
  connectorState: z.string().nullable().describe("Connect's own state of the connector"),
  trace: z.string().nullable().describe("The first lines of the connector's error trace"),
  tasks: z.array(
    z.object({
      id: z.number(),
      state: z.string(),
      workerId: z.string(),
      trace: z.string().nullable(),
      connector: z
        .string()
        .optional()
        .describe("For a replication: which of its Connect connectors (<name> or <name>-checkpoints) runs the task"),
    }),
  ),
  throughput: z
    .object({
      recordsInPerSec: z.number().describe("A source: rows read from the database; a sink: records read from Kafka"),
      recordsOutPerSec: z
        .number()
        .describe("A source: records written to Kafka; a sink: records written to the database"),
      recordsInTotal: z.number().describe("Since its tasks last started"),
      recordsOutTotal: z.number().describe("Since its tasks last started"),
      tasks: z.number().describe("How many of its tasks reported"),
      sampledAt: z.string().describe("When the workers' task metrics were read (ISO 8601)"),
    })
    .nullable()
    .describe(
      "Records per second in and out, summed over its tasks, from the workers' task metrics; null until sampled",
    ),
  replication: z
    .object({
      sourceKafkaClusterId: z.string().describe("The Weir Kafka cluster it copies from"),
      topics: z.string().describe("The regex of the topics it copies"),
      groups: z.string().describe("The regex of the consumer groups whose offsets follow"),
      syncGroupOffsets: z.boolean(),
      replicationPolicy: z
        .literal("identity")
        .describe("Topics keep their names on the target (MirrorMaker 2's IdentityReplicationPolicy)"),
    })
    .nullable()
    .describe("Set for a replication from another Weir Kafka cluster (MirrorMaker 2)"),
  generation: z.number(),
  observedGeneration: z.number(),
  conditions: z.array(s.condition),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const op = resourceOperations(tags, connector);

export const connectorsRouter = router({
  list: op.list(
    {
      path: base,
      summary: "Connectors of a Connect cluster, with their tasks",
      input: z.strictObject({ id: z.uuid() }),
    },
    ({ domain, scope }, input) => domain.connectors.list(scope, input),
  ),

  create: op.change(
    "POST",
    {
      path: base,
      summary:
        "Create a connector: its config is validated by Kafka Connect first (400 naming each field it rejects); secrets are kept encrypted and never answered",
      input: createConnectorInput,
    },
    ({ domain, scope }, input) => domain.connectors.create(scope, input),
  ),

  createReplication: op.change(
    "POST",
    {
      path: "/connect-clusters/{id}/replications",
      summary:
        "Replicate topics from another Weir Kafka cluster of the organisation into this Connect cluster's own (MirrorMaker 2): topic names kept, consumer-group offsets translated; Weir makes a read-only user on the source. The result is a connector managed like the others",
      input: createReplicationInput,
    },
    ({ domain, scope }, input) => domain.connectors.createReplication(scope, input),
  ),

  get: op.get(
    { path: `${base}/{name}`, summary: "A connector, its status and each task's", input: connectorNameInput },
    ({ domain, scope }, input) => domain.connectors.get(scope, input),
  ),

  update: op.change(
    "PATCH",
    {
      path: `${base}/{name}`,
      summary: "Change a connector's config or secrets (validated by Kafka Connect first)",
      input: updateConnectorInput,
    },
    ({ domain, scope }, input) => domain.connectors.update(scope, input),
  ),

  delete: op.change(
    "DELETE",
    {
      path: `${base}/{name}`,
      summary: "Delete a connector from Connect with its secrets, Kafka user and ACLs",
      input: connectorNameInput,
    },
    ({ domain, scope }, input) => domain.connectors.delete(scope, input),
  ),

  pause: op.change(
    "POST",
    { path: `${base}/{name}/pause`, summary: "Pause the connector and its tasks", input: connectorNameInput },
    ({ domain, scope }, input) => domain.connectors.pause(scope, input),
  ),

  resume: op.change(
    "POST",
    { path: `${base}/{name}/resume`, summary: "Resume a paused connector", input: connectorNameInput },
    ({ domain, scope }, input) => domain.connectors.resume(scope, input),
  ),

  restart: op.change(
    "POST",
    {
      path: `${base}/{name}/restart`,
      summary: "Restart the connector and its failed tasks",
      input: restartConnectorInput,
    },
    ({ domain, scope }, input) => domain.connectors.restart(scope, input),
  ),

  lag: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: `${base}/{name}/lag`,
        tags,
        summary:
          "A replication's lag in the last `minutes`, oldest first: records in the source's matching topics not yet on the target (end offsets on both, read by the controller every 10 s)",
      },
    })
    .input(connectorLagInput)
    .output(
      z.object({
        samples: z.array(
          z.object({
            at: z.date(),
            records: z.number().describe("The source's end offsets minus the target's, summed over partitions"),
            topics: z.number().describe("How many topics matched on the source"),
          }),
        ),
      }),
    )
    .query(({ ctx, input }) => ctx.domain.connectors.lag(ctx.scope, input)),

  events: op.events({ path: `${base}/{name}/events`, input: connectorNameInput }, ({ domain, scope }, input) =>
    domain.connectors.events(scope, input),
  ),
});
