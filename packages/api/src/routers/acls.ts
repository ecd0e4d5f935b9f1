import { aclPresetInput, aclRefInput, createAclInput, listAclsInput } from "@weir/domain";
import { z } from "zod";
import { clusterProcedure, router } from "../trpc.ts";

const binding = z.object({
  principal: z.string(),
  resourceType: z.enum(["TOPIC", "GROUP", "CLUSTER", "TRANSACTIONAL_ID"]),
  resourceName: z.string(),
  patternType: z.enum(["LITERAL", "PREFIXED"]),
  operation: z.string(),
  permission: z.enum(["ALLOW", "DENY"]),
  host: z.string(),
});
const acl = binding.extend({
  id: z.string().nullable().describe("null for a binding created outside Weir"),
  managed: z.boolean(),
  status: z.string(),
  statusReason: z.string(),
  generation: z.number(),
  observedGeneration: z.number(),
});

const path = "/clusters/{clusterId}/acls";

export const aclsRouter = router({
  list: clusterProcedure
    .meta({
      openapi: {
        method: "GET",
        path,
        tags: ["acls"],
        summary: "ACL bindings (Weir's and Kafka's); with topic=, who may do what on that topic",
      },
    })
    .input(listAclsInput)
    .output(
      z.object({
        items: z.array(acl.extend({ inKafka: z.boolean().nullable() })),
        topicView: z
          .array(
            z.object({
              principal: z.string(),
              host: z.string(),
              operation: z.string(),
              permission: z.string(),
              via: z.string(),
            }),
          )
          .nullable(),
        kafkaError: z.string().nullable(),
      }),
    )
    .query(({ ctx, input }) => ctx.domain.acls.list(ctx.scope, input)),

  create: clusterProcedure
    .meta({ openapi: { method: "POST", path, tags: ["acls"], summary: "Create one ACL binding" } })
    .input(createAclInput)
    .output(acl)
    .mutation(({ ctx, input }) => ctx.domain.acls.create(ctx.scope, input)),

  applyPreset: clusterProcedure
    .meta({
      openapi: {
        method: "POST",
        path: `${path}/presets`,
        tags: ["acls"],
        summary: 'Create the bindings of a preset: "produce", "consume" (topic + group) or "admin-prefix"',
      },
    })
    .input(aclPresetInput)
    .output(z.object({ bindings: z.array(binding), items: z.array(acl) }))
    .mutation(({ ctx, input }) => ctx.domain.acls.applyPreset(ctx.scope, input)),

  delete: clusterProcedure
    .meta({ openapi: { method: "DELETE", path: `${path}/{aclId}`, tags: ["acls"], summary: "Delete an ACL binding" } })
    .input(aclRefInput)
    .output(acl)
    .mutation(({ ctx, input }) => ctx.domain.acls.delete(ctx.scope, input)),
});
