import { createKafkaUserInput, kafkaUserRefInput, listKafkaUsersInput, rotateKafkaUserInput } from "@weir/domain";
import { z } from "zod";
import { clusterProcedure, router } from "../trpc.ts";

const kafkaUser = z.object({
  name: z.string(),
  principal: z.string().describe("The principal to use in ACLs, User:<name>"),
  mechanism: z.string(),
  managed: z.boolean(),
  status: z.string(),
  statusReason: z.string(),
  generation: z.number(),
  observedGeneration: z.number(),
  passwordSetAt: z.date().nullable(),
  createdAt: z.date().nullable(),
});
const withPassword = z.object({
  user: kafkaUser,
  password: z.string().describe("Shown once: Weir keeps no copy, Kafka keeps only a salted credential"),
});

const path = "/clusters/{clusterId}/users";

export const kafkaUsersRouter = router({
  list: clusterProcedure
    .meta({ openapi: { method: "GET", path, tags: ["kafka users"], summary: "SCRAM-SHA-512 users of a cluster" } })
    .input(listKafkaUsersInput)
    .output(
      z.object({
        items: z.array(kafkaUser.extend({ inKafka: z.boolean().nullable() })),
        kafkaError: z.string().nullable(),
      }),
    )
    .query(({ ctx, input }) => ctx.domain.kafkaUsers.list(ctx.scope, input)),

  create: clusterProcedure
    .meta({
      openapi: {
        method: "POST",
        path,
        tags: ["kafka users"],
        summary: "Create a SCRAM-SHA-512 user; the password (generated unless given) is returned once",
      },
    })
    .input(createKafkaUserInput)
    .output(withPassword)
    .mutation(({ ctx, input }) => ctx.domain.kafkaUsers.create(ctx.scope, input)),

  rotate: clusterProcedure
    .meta({
      openapi: {
        method: "POST",
        path: `${path}/{name}/rotate`,
        tags: ["kafka users"],
        summary: "Replace the user's password; the new one is returned once",
      },
    })
    .input(rotateKafkaUserInput)
    .output(withPassword)
    .mutation(({ ctx, input }) => ctx.domain.kafkaUsers.rotate(ctx.scope, input)),

  delete: clusterProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: `${path}/{name}`,
        tags: ["kafka users"],
        summary: "Delete the user's credential and the ACLs Weir holds for it",
      },
    })
    .input(kafkaUserRefInput)
    .output(kafkaUser)
    .mutation(({ ctx, input }) => ctx.domain.kafkaUsers.delete(ctx.scope, input)),
});
