import { workspaceQueryInput } from "@weir/domain";
import { z } from "zod";
import { orgProcedure, router } from "../trpc.ts";

const workspaceResult = z.object({
  columns: z.array(z.object({ name: z.string(), type: z.string().describe("Spark's type name, e.g. bigint, double") })),
  rows: z.array(z.record(z.string(), z.unknown())).describe("One object per row, keyed by column name"),
  truncated: z.boolean().describe("The query had more rows than `limit`"),
  elapsedMs: z.number().describe("Server-side time, view registration included"),
});

export const workspaceRouter = router({
  query: orgProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/compute-clusters/{id}/sql",
        tags: ["sql workspace"],
        summary:
          "Run SQL over Kafka topics registered as views, on the compute cluster's Spark Connect server. " +
          "Spark's errors are a 400 with Spark's error class; 409 while the cluster or its SQL server is not running",
      },
    })
    .input(workspaceQueryInput)
    .output(workspaceResult)
    .mutation(({ ctx, input }) => ctx.domain.workspace.query(ctx.scope, input)),
});
