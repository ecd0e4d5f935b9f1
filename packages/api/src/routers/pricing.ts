import { estimateInput, priceBookAtInput, publishPriceBookInput } from "@weir/domain";
import { z } from "zod";
import * as s from "../schemas.ts";
import { authedProcedure, publicProcedure, router } from "../trpc.ts";

export const pricingRouter = router({
  priceBook: publicProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/pricing/price-book",
        tags: ["pricing"],
        summary: "The price book version in force now (or at `at`); no sign-in needed",
      },
      alsoAnswers: [404],
    })
    .input(priceBookAtInput)
    .output(s.priceBook)
    .query(({ ctx, input }) => ctx.domain.priceBook.current(input)),

  versions: publicProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/pricing/price-book/versions",
        tags: ["pricing"],
        summary: "Every published price book version, newest first",
      },
    })
    .input(z.strictObject({}).optional())
    .output(z.object({ items: z.array(s.priceBookVersion) }))
    .query(async ({ ctx }) => ({ items: await ctx.domain.priceBook.versions() })),

  create: authedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/pricing/price-book",
        tags: ["pricing"],
        summary: "Publish a new price book version (platform owners, WEIR_PLATFORM_ADMINS)",
      },
    })
    .input(publishPriceBookInput)
    .output(s.priceBook)
    .mutation(({ ctx, input }) => ctx.domain.priceBook.publish(ctx.caller, input)),

  estimate: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/pricing/estimate",
        tags: ["pricing"],
        summary: "Size a Kafka cluster for a workload and price a month of it; no sign-in needed",
      },
    })
    .input(estimateInput)
    .output(s.estimate)
    .mutation(({ ctx, input }) => ctx.domain.estimator.estimate(input)),
});
