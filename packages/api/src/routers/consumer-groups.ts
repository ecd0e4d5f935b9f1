import { groupRefInput, listGroupsInput, resetOffsetsInput } from "@weir/domain";
import { z } from "zod";
import { clusterProcedure, router } from "../trpc.ts";

const group = z.object({
  id: z.string(),
  state: z.string(),
  protocolType: z.string(),
  memberCount: z.number(),
  members: z.array(
    z.object({
      id: z.string(),
      clientId: z.string(),
      host: z.string(),
      assignments: z.array(z.object({ topic: z.string(), partitions: z.array(z.number()) })),
    }),
  ),
  topics: z.array(z.string()),
  partitions: z.array(
    z.object({
      topic: z.string(),
      partition: z.number(),
      committed: z.string().nullable(),
      latest: z.string(),
      lag: z.string(),
      memberId: z.string().nullable(),
    }),
  ),
  totalLag: z.string(),
});

const path = "/clusters/{clusterId}/consumer-groups";

export const consumerGroupsRouter = router({
  list: clusterProcedure
    .meta({
      openapi: {
        method: "GET",
        path,
        tags: ["consumer groups"],
        summary: "Consumer groups with state, members, assignments and lag, paged and searched server-side",
      },
    })
    .input(listGroupsInput)
    .output(z.object({ items: z.array(group), total: z.number(), page: z.number(), pageSize: z.number() }))
    .query(({ ctx, input }) => ctx.domain.consumerGroups.list(ctx.scope, input)),

  get: clusterProcedure
    .meta({ openapi: { method: "GET", path: `${path}/{group}`, tags: ["consumer groups"], summary: "One group" } })
    .input(groupRefInput)
    .output(group)
    .query(({ ctx, input }) => ctx.domain.consumerGroups.get(ctx.scope, input)),

  resetOffsets: clusterProcedure
    .meta({
      openapi: {
        method: "POST",
        path: `${path}/{group}/reset-offsets`,
        tags: ["consumer groups"],
        summary: "Reset offsets of an empty group (dryRun, the default, previews old → new)",
      },
    })
    .input(resetOffsetsInput)
    .output(
      z.object({
        group: z.string(),
        dryRun: z.boolean(),
        changes: z.array(
          z.object({
            topic: z.string(),
            partition: z.number(),
            from: z.string().nullable(),
            to: z.string(),
            clamped: z.boolean(),
          }),
        ),
      }),
    )
    .mutation(({ ctx, input }) => ctx.domain.consumerGroups.resetOffsets(ctx.scope, input)),
});
