import { billingMonthInput, invoiceIdInput, setBudgetInput, usageInput } from "@weir/domain";
import { z } from "zod";
import * as s from "../schemas.ts";
import { orgProcedure, router } from "../trpc.ts";

const none = z.strictObject({}).optional();

export const billingRouter = router({
  summary: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/billing/summary",
        tags: ["billing"],
        summary: "Month-to-date, end-of-month forecast, daily spend per resource and the budget",
      },
    })
    .input(billingMonthInput)
    .output(s.billingSummary)
    .query(({ ctx, input }) => ctx.domain.billing.summary(ctx.scope, input)),

  usage: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/billing/usage",
        tags: ["billing"],
        summary: "Metered usage per resource, dimension and SKU, by hour, day or month",
      },
    })
    .input(usageInput)
    .output(s.usage)
    .query(({ ctx, input }) => ctx.domain.billing.usage(ctx.scope, input)),

  usageCsv: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/billing/usage/csv",
        tags: ["billing"],
        summary: "The same usage as CSV (in the `csv` field)",
      },
    })
    .input(usageInput)
    .output(s.csvExport)
    .query(({ ctx, input }) => ctx.domain.billing.usageCsv(ctx.scope, input)),

  invoices: orgProcedure
    .meta({
      openapi: { method: "GET", path: "/billing/invoices", tags: ["billing"], summary: "Invoices, newest month first" },
    })
    .input(none)
    .output(z.object({ items: z.array(s.invoice) }))
    .query(async ({ ctx }) => ({ items: await ctx.domain.billing.invoices(ctx.scope) })),

  invoice: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/billing/invoices/{id}",
        tags: ["billing"],
        summary: "One invoice with its lines per resource and dimension",
      },
    })
    .input(invoiceIdInput)
    .output(s.invoiceDetail)
    .query(({ ctx, input }) => ctx.domain.billing.invoice(ctx.scope, input)),

  invoiceCsv: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/billing/invoices/{id}/csv",
        tags: ["billing"],
        summary: "An invoice's lines as CSV (in the `csv` field)",
      },
    })
    .input(invoiceIdInput)
    .output(s.csvExport)
    .query(({ ctx, input }) => ctx.domain.billing.invoiceCsv(ctx.scope, input)),

  budget: orgProcedure
    .meta({
      openapi: { method: "GET", path: "/billing/budget", tags: ["billing"], summary: "The monthly budget, if any" },
    })
    .input(none)
    .output(z.object({ budget: s.budget.nullable() }))
    .query(async ({ ctx }) => ({ budget: await ctx.domain.billing.budget(ctx.scope) })),

  setBudget: orgProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/billing/budget",
        tags: ["billing"],
        summary: "Set the monthly budget and the threshold that raises a notice (owner or admin)",
      },
    })
    .input(setBudgetInput)
    .output(s.budget)
    .mutation(({ ctx, input }) => ctx.domain.billing.setBudget(ctx.scope, input)),

  deleteBudget: orgProcedure
    .meta({
      openapi: { method: "DELETE", path: "/billing/budget", tags: ["billing"], summary: "Remove the budget" },
    })
    .input(none)
    .output(z.object({ removed: z.boolean() }))
    .mutation(({ ctx }) => ctx.domain.billing.deleteBudget(ctx.scope)),
});
