import { connectorNameInput, createConnectorInput, restartConnectorInput, updateConnectorInput } from "@weir/domain";
import { CONNECT_PLUGINS } from "@weir/runtime";
import { z } from "zod";
import * as s from "../schemas.ts";
import { orgProcedure, router } from "../trpc.ts";

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
  tasks: z.array(z.object({ id: z.number(), state: z.string(), workerId: z.string(), trace: z.string().nullable() })),
  generation: z.number(),
  observedGeneration: z.number(),
  conditions: z.array(s.condition),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const connectorsRouter = router({
  list: orgProcedure
    .meta({
      openapi: { method: "GET", path: base, tags, summary: "Connectors of a Connect cluster, with their tasks" },
    })
    .input(z.strictObject({ id: z.uuid() }))
    .output(z.object({ items: z.array(connector) }))
    .query(async ({ ctx, input }) => ({ items: await ctx.domain.connectors.list(ctx.scope, input) })),

  create: orgProcedure
    .meta({
      openapi: {
        method: "POST",
        path: base,
        tags,
        summary:
          "Create a connector: its config is validated by Kafka Connect first (400 naming each field it rejects); secrets are kept encrypted and never answered",
      },
    })
    .input(createConnectorInput)
    .output(connector)
    .mutation(({ ctx, input }) => ctx.domain.connectors.create(ctx.scope, input)),

  get: orgProcedure
    .meta({
      openapi: { method: "GET", path: `${base}/{name}`, tags, summary: "A connector, its status and each task's" },
    })
    .input(connectorNameInput)
    .output(connector)
    .query(({ ctx, input }) => ctx.domain.connectors.get(ctx.scope, input)),

  update: orgProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: `${base}/{name}`,
        tags,
        summary: "Change a connector's config or secrets (validated by Kafka Connect first)",
      },
    })
    .input(updateConnectorInput)
    .output(connector)
    .mutation(({ ctx, input }) => ctx.domain.connectors.update(ctx.scope, input)),

  delete: orgProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: `${base}/{name}`,
        tags,
        summary: "Delete a connector from Connect with its secrets, Kafka user and ACLs",
      },
    })
    .input(connectorNameInput)
    .output(connector)
    .mutation(({ ctx, input }) => ctx.domain.connectors.delete(ctx.scope, input)),

  pause: orgProcedure
    .meta({
      openapi: { method: "POST", path: `${base}/{name}/pause`, tags, summary: "Pause the connector and its tasks" },
    })
    .input(connectorNameInput)
    .output(connector)
    .mutation(({ ctx, input }) => ctx.domain.connectors.pause(ctx.scope, input)),

  resume: orgProcedure
    .meta({ openapi: { method: "POST", path: `${base}/{name}/resume`, tags, summary: "Resume a paused connector" } })
    .input(connectorNameInput)
    .output(connector)
    .mutation(({ ctx, input }) => ctx.domain.connectors.resume(ctx.scope, input)),

  restart: orgProcedure
    .meta({
      openapi: {
        method: "POST",
        path: `${base}/{name}/restart`,
        tags,
        summary: "Restart the connector and its failed tasks",
      },
    })
    .input(restartConnectorInput)
    .output(connector)
    .mutation(({ ctx, input }) => ctx.domain.connectors.restart(ctx.scope, input)),

  events: orgProcedure
    .meta({
      openapi: { method: "GET", path: `${base}/{name}/events`, tags, summary: "What the controller did and saw" },
    })
    .input(connectorNameInput)
    .output(z.object({ items: z.array(s.resourceEvent) }))
    .query(async ({ ctx, input }) => ({ items: await ctx.domain.connectors.events(ctx.scope, input) })),
});
