// The public cost estimator: sizes a cluster for a workload and prices it with the price book in
// force, through the same engine that prices invoices, within the quota every new project gets
// (the one source of the limits the create form enforces), so "Create this cluster" can succeed.
import type { Db } from "@weir/db";
import { recommend, sizableTypes } from "@weir/pricing";
import { z } from "zod";
import { invalid } from "../errors.ts";
import { defaultProjectQuotas } from "../orgs/provision.ts";
import { requirePriceBookInForce, toPriceBook } from "./price-book.ts";

export const estimateInput = z.strictObject({
  writeMBps: z
    .number()
    .min(0)
    .max(1_000_000, "Must be at most 1,000,000 MB/s (1 TB/s)")
    .describe("Data produced, MB/s"),
  readFanout: z.number().min(0).max(100).describe("How many times each byte written is read"),
  retentionHours: z.number().min(0, "Must not be negative").max(87_600, "Must be at most 10 years"),
  replicationFactor: z.int().min(1).max(5),
  partitions: z.int().min(1).max(200_000),
  brokerInstanceType: z.string().max(64).default("auto").describe('A broker type, or "auto" to size it for you'),
  brokers: z.int().min(1, "A cluster needs at least one broker").max(1000).optional(),
  compute: z
    .strictObject({
      workers: z.int().min(1).max(1000),
      instanceType: z.string().max(64),
      hoursPerDay: z.number().min(0).max(24),
    })
    .optional(),
  connect: z
    .strictObject({
      workers: z.int().min(1).max(100),
      instanceType: z.string().max(64),
    })
    .optional()
    .describe("Kafka Connect workers, running all month"),
  days: z.int().min(28).max(31).default(30).describe("Days in the month priced (30 = 720 hours)"),
});

export function estimatorService(db: Db) {
  return {
    async estimate(input: z.infer<typeof estimateInput>) {
      const v = await requirePriceBookInForce(db);
      const book = toPriceBook(v);
      const types = sizableTypes(book);
      if (input.brokerInstanceType !== "auto" && !types.includes(input.brokerInstanceType)) {
        throw invalid("brokerInstanceType", `Must be "auto" or one of ${types.join(", ")}`);
      }
      const computeTypes = book.prices.filter((p) => p.dimension === "COMPUTE_NODE_HOURS").map((p) => p.sku);
      if (input.compute && !computeTypes.includes(input.compute.instanceType)) {
        throw invalid("compute.instanceType", `Must be one of ${computeTypes.join(", ")}`);
      }
      const connectTypes = book.prices.filter((p) => p.dimension === "CONNECT_WORKER_HOURS").map((p) => p.sku);
      if (input.connect && !connectTypes.includes(input.connect.instanceType)) {
        throw invalid("connect.instanceType", `Must be one of ${connectTypes.join(", ")}`);
      }
      return { priceBookVersion: v.version, currency: v.currency, ...recommend(input, book, defaultProjectQuotas) };
    },
  };
}
