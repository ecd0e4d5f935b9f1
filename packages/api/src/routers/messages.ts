import { browseMessagesInput, exportMessagesInput, produceMessageInput } from "@weir/domain";
import { z } from "zod";
import { clusterProcedure, router } from "../trpc.ts";

const bytes = z.object({
  encoding: z.enum(["json", "text", "base64", "null"]),
  text: z.string().nullable(),
  size: z.number(),
});

const path = "/clusters/{clusterId}/topics/{name}/messages";

export const messagesRouter = router({
  browse: clusterProcedure
    .meta({
      openapi: {
        method: "GET",
        path,
        tags: ["messages"],
        summary: "Read messages by offset, timestamp or newest, filtered server-side within a scan bound",
      },
    })
    .input(browseMessagesInput)
    .output(
      z.object({
        messages: z.array(
          z.object({
            partition: z.number(),
            offset: z.string(),
            timestamp: z.date(),
            key: bytes,
            value: bytes,
            headers: z.array(z.object({ key: z.string(), value: bytes })),
          }),
        ),
        scanned: z.number().describe("Records read from Kafka, matching or not"),
        returned: z.number(),
        truncated: z.boolean().describe("The scan bound stopped the read before the end"),
        ranges: z.array(
          z.object({
            partition: z.number(),
            from: z.string(),
            to: z.string(),
            earliest: z.string(),
            latest: z.string(),
          }),
        ),
      }),
    )
    .query(({ ctx, input }) => ctx.domain.messages.browse(ctx.scope, input)),

  export: clusterProcedure
    .meta({
      openapi: {
        method: "GET",
        path: `${path}/export`,
        tags: ["messages"],
        summary: "The same read as a JSON or CSV document (in `content`)",
      },
    })
    .input(exportMessagesInput)
    .output(z.object({ filename: z.string(), contentType: z.string(), content: z.string() }))
    .query(({ ctx, input }) => ctx.domain.messages.export(ctx.scope, input)),

  produce: clusterProcedure
    .meta({
      openapi: {
        method: "POST",
        path,
        tags: ["messages"],
        summary: "Produce one message with key, value and headers, to a partition or the default one",
      },
    })
    .input(produceMessageInput)
    .output(z.object({ partition: z.number(), offset: z.string() }))
    .mutation(({ ctx, input }) => ctx.domain.messages.produce(ctx.scope, input)),
});
