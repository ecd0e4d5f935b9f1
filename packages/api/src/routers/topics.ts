import { createTopicInput, deleteTopicInput, listTopicsInput, topicRefInput, updateTopicInput } from "@weir/domain";
import { z } from "zod";
import { clusterProcedure, router } from "../trpc.ts";

const drift = z
  .object({
    detectedAt: z.string(),
    correctedAt: z.string().nullable(),
    changes: z.array(z.object({ key: z.string(), desired: z.string().nullable(), actual: z.string().nullable() })),
    note: z.string().optional(),
  })
  .nullable();

const topic = z.object({
  name: z.string(),
  managed: z.boolean().describe("false: created outside Weir (import it to manage it)"),
  partitions: z.number(),
  replicationFactor: z.number(),
  configs: z.record(z.string(), z.string()),
  status: z.string(),
  statusReason: z.string(),
  generation: z.number(),
  observedGeneration: z.number(),
  drift: drift.describe("The last config change made outside Weir, and when Weir corrected it"),
  createdAt: z.date().nullable(),
});

const topicDetail = topic.extend({
  clusterId: z.string(),
  kafkaReachable: z.boolean(),
  kafka: z
    .object({
      id: z.string(),
      partitions: z.array(
        z.object({
          partition: z.number(),
          leader: z.number(),
          replicas: z.array(z.number()),
          isr: z.array(z.number()),
          earliestOffset: z.string(),
          latestOffset: z.string(),
          messages: z.string(),
          sizeBytes: z.number(),
        }),
      ),
      configs: z.array(
        z.object({ name: z.string(), value: z.string().nullable(), isTopicConfig: z.boolean(), readOnly: z.boolean() }),
      ),
      acls: z.array(
        z.object({
          principal: z.string(),
          host: z.string(),
          operation: z.string(),
          permission: z.string(),
          via: z.string(),
        }),
      ),
    })
    .nullable(),
});

const path = "/clusters/{clusterId}/topics";

export const topicsRouter = router({
  list: clusterProcedure
    .meta({
      openapi: {
        method: "GET",
        path,
        tags: ["topics"],
        summary: "Topics of a cluster, Weir's and those created outside it, paged and searched server-side",
      },
    })
    .input(listTopicsInput)
    .output(
      z.object({
        items: z.array(topic.extend({ inKafka: z.boolean().nullable(), underReplicated: z.number().nullable() })),
        total: z.number(),
        page: z.number(),
        pageSize: z.number(),
        managedCount: z.number(),
        unmanagedCount: z.number(),
        kafkaError: z.string().nullable(),
      }),
    )
    .query(({ ctx, input }) => ctx.domain.topics.list(ctx.scope, input)),

  get: clusterProcedure
    .meta({
      openapi: {
        method: "GET",
        path: `${path}/{name}`,
        tags: ["topics"],
        summary: "One topic: spec, status, drift, and Kafka's partitions, offsets, sizes, configs and ACLs",
      },
    })
    .input(topicRefInput)
    .output(topicDetail)
    .query(({ ctx, input }) => ctx.domain.topics.get(ctx.scope, input)),

  create: clusterProcedure
    .meta({
      openapi: {
        method: "POST",
        path,
        tags: ["topics"],
        summary: "Create a topic (checked by Kafka first; the controller creates it)",
      },
    })
    .input(createTopicInput)
    .output(topic)
    .mutation(({ ctx, input }) => ctx.domain.topics.create(ctx.scope, input)),

  update: clusterProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: `${path}/{name}`,
        tags: ["topics"],
        summary: "Change configs (null resets a key) or increase partitions",
      },
    })
    .input(updateTopicInput)
    .output(topic)
    .mutation(({ ctx, input }) => ctx.domain.topics.update(ctx.scope, input)),

  delete: clusterProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: `${path}/{name}`,
        tags: ["topics"],
        summary: "Delete a topic and its messages (confirm=<name> required)",
      },
    })
    .input(deleteTopicInput)
    .output(topic)
    .mutation(({ ctx, input }) => ctx.domain.topics.delete(ctx.scope, input)),

  import: clusterProcedure
    .meta({
      openapi: {
        method: "POST",
        path: `${path}/{name}/import`,
        tags: ["topics"],
        summary: "Take a topic created outside Weir under management, as it is",
      },
    })
    .input(topicRefInput)
    .output(topic)
    .mutation(({ ctx, input }) => ctx.domain.topics.import(ctx.scope, input)),
});
