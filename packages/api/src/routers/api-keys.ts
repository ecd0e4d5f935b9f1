import { createApiKeyInput, revokeApiKeyInput } from "@weir/domain";
import { z } from "zod";
import * as s from "../schemas.ts";
import { orgProcedure, router } from "../trpc.ts";

const tags = ["api keys"];

export const apiKeysRouter = router({
  list: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/api-keys",
        tags,
        summary: "API keys of the organisation (never the keys themselves)",
      },
    })
    .input(z.strictObject({}).optional())
    .output(z.object({ items: z.array(s.apiKey) }))
    .query(async ({ ctx }) => ({ items: await ctx.domain.apiKeys.list(ctx.scope) })),

  create: orgProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/api-keys",
        tags,
        summary: "Create an API key; `key` is shown in this response only",
      },
    })
    .input(createApiKeyInput)
    .output(s.apiKey.extend({ key: z.string() }))
    .mutation(({ ctx, input }) => ctx.domain.apiKeys.create(ctx.scope, input)),

  revoke: orgProcedure
    .meta({ openapi: { method: "DELETE", path: "/api-keys/{id}", tags, summary: "Revoke an API key" } })
    .input(revokeApiKeyInput)
    .output(s.apiKey)
    .mutation(({ ctx, input }) => ctx.domain.apiKeys.revoke(ctx.scope, input)),
});
