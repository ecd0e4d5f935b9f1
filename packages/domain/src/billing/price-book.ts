// The versioned price book: the version in force at a time, and publishing a new one.
import { Prisma, queryRows, type Db, type UsageDimension } from "@weir/db";
import { env } from "@weir/env";
import type { PriceBook, PriceEntry } from "@weir/pricing";
import { z } from "zod";
import { recordAudit } from "../audit/record.ts";
import type { Caller } from "../context.ts";
import { AppError, conflict, invalid, isUniqueViolation, notFound } from "../errors.ts";
import { isoTime } from "./dates.ts";

type Tx = Prisma.TransactionClient | Db;

export const dimensions = [
  "BROKER_HOURS",
  "STORAGE_GB_HOURS",
  "DATA_IN_GB",
  "DATA_OUT_GB",
  "COMPUTE_NODE_HOURS",
  "JOB_HOURS",
  "CONNECT_WORKER_HOURS",
] as const satisfies readonly UsageDimension[];

/** What a price in each dimension is per; fixed, so a published version cannot get it wrong. */
export const unitOf: Record<UsageDimension, PriceEntry["unit"]> = {
  BROKER_HOURS: "hour",
  STORAGE_GB_HOURS: "GB-month",
  DATA_IN_GB: "GB",
  DATA_OUT_GB: "GB",
  COMPUTE_NODE_HOURS: "hour",
  JOB_HOURS: "hour",
  CONNECT_WORKER_HOURS: "hour",
};

const money = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,6})?$/, "Must be a decimal amount such as 0.21, with at most 6 decimals");

export const priceBookAtInput = z.strictObject({
  at: isoTime.optional().describe("ISO time; the version in force now when absent"),
});

export const publishPriceBookInput = z.strictObject({
  effectiveFrom: isoTime
    .optional()
    .describe("When the version takes effect (ISO time, not in the past); now when absent"),
  notes: z.string().max(500).default(""),
  prices: z
    .array(
      z.strictObject({
        sku: z
          .string()
          .min(1)
          .max(64)
          .regex(/^[a-z0-9][a-z0-9.-]*$/, "Use lowercase letters, digits, dots and hyphens"),
        dimension: z.enum(dimensions),
        unit: z
          .enum(["hour", "GB-month", "GB"])
          .optional()
          .describe("Implied by the dimension; accepted so a fetched price book can be sent back"),
        unitPrice: money,
        description: z.string().max(200).default(""),
        vcpu: z.int().min(1).max(1024).optional(),
        memoryGib: z.number().positive().max(100_000).optional(),
      }),
    )
    .min(1)
    .max(1000),
});

type VersionRow = Prisma.PriceBookVersionGetPayload<{ include: { prices: true } }>;

export function toPriceBook(v: VersionRow): PriceBook {
  return { version: v.version, currency: v.currency, prices: v.prices.map(toPriceEntry) };
}

function toPriceEntry(p: VersionRow["prices"][number]): PriceEntry {
  return {
    sku: p.sku,
    dimension: p.dimension,
    unit: p.unit as PriceEntry["unit"],
    unitPrice: p.unitPrice.toString(),
    description: p.description,
    ...(p.vcpu !== null ? { vcpu: p.vcpu } : {}),
    ...(p.memoryGib !== null ? { memoryGib: Number(p.memoryGib) } : {}),
  };
}

export function priceBookView(v: VersionRow) {
  return {
    id: v.id,
    version: v.version,
    effectiveFrom: v.effectiveFrom,
    currency: v.currency,
    notes: v.notes,
    prices: v.prices
      .map(toPriceEntry)
      .sort(
        (a, b) =>
          dimensions.indexOf(a.dimension) - dimensions.indexOf(b.dimension) ||
          Number(a.unitPrice) - Number(b.unitPrice) ||
          a.sku.localeCompare(b.sku),
      ),
  };
}

/**
 * The version in force at `at`: the latest effective date not after it (the newest version on a
 * tie), with its prices. One round trip (the prices aggregated in a subquery) where findFirst's
 * include makes two, sent through pg: the public price book and every create form read it (see
 * bench/api). Amounts travel as text so no decimal passes through a float.
 */
export async function priceBookInForce(db: Tx, at: Date = new Date()): Promise<VersionRow | null> {
  const sql = `
    SELECT v.id, v.version, v.effective_from AS "effectiveFrom", v.currency, v.notes,
           v.published_by_id AS "publishedById", v.created_at AS "createdAt",
           (SELECT COALESCE(json_agg(json_build_object(
                     'id', p.id, 'versionId', p.version_id, 'sku', p.sku, 'dimension', p.dimension,
                     'unit', p.unit, 'unitPrice', p.unit_price::text, 'description', p.description,
                     'vcpu', p.vcpu, 'memoryGib', p.memory_gib::text)), '[]')
              FROM prices p WHERE p.version_id = v.id) AS prices
    FROM price_book_versions v
    WHERE v.effective_from <= $1
    ORDER BY v.effective_from DESC, v.version DESC
    LIMIT 1`;
  type Row = Omit<VersionRow, "prices"> & { prices: Array<Record<string, string | number | null>> };
  const rows = await queryRows<Row>(db, sql, [at]);
  const v = rows[0];
  if (!v) return null;
  return {
    ...v,
    prices: v.prices.map((p) => ({
      ...(p as unknown as VersionRow["prices"][number]),
      unitPrice: new Prisma.Decimal(p.unitPrice as string),
      memoryGib: p.memoryGib === null ? null : new Prisma.Decimal(p.memoryGib as string),
    })),
  };
}

export async function requirePriceBookInForce(db: Tx, at: Date = new Date()): Promise<VersionRow> {
  const v = await priceBookInForce(db, at);
  if (!v) throw new AppError("UNAVAILABLE", "No price book is in force yet; start Weir with `pnpm start` to seed it.");
  return v;
}

/** Emails in WEIR_PLATFORM_ADMINS own the platform: they publish price book versions. */
export function isPlatformAdmin(caller: Caller): boolean {
  return caller.principal.kind === "user" && env().WEIR_PLATFORM_ADMINS.includes(caller.principal.email.toLowerCase());
}

/** (dimension, sku) pairs a new version must price: the previous version's and whatever is in use. */
async function skusInUse(tx: Tx): Promise<Map<string, { dimension: UsageDimension; sku: string; why: string }>> {
  const need = new Map<string, { dimension: UsageDimension; sku: string; why: string }>();
  const add = (dimension: UsageDimension, sku: string, why: string) => {
    const key = `${dimension}:${sku}`;
    if (!need.has(key)) need.set(key, { dimension, sku, why });
  };
  const latest = await tx.priceBookVersion.findFirst({ orderBy: { version: "desc" }, include: { prices: true } });
  for (const p of latest?.prices ?? []) add(p.dimension, p.sku, `priced in version ${latest!.version}`);
  for (const c of await tx.kafkaCluster.findMany({
    distinct: ["brokerInstanceType"],
    select: { brokerInstanceType: true },
  }))
    add("BROKER_HOURS", c.brokerInstanceType, "used by a Kafka cluster");
  for (const c of await tx.computeCluster.findMany({
    distinct: ["workerInstanceType"],
    select: { workerInstanceType: true },
  }))
    add("COMPUTE_NODE_HOURS", c.workerInstanceType, "used by a compute cluster");
  for (const c of await tx.connectCluster.findMany({
    distinct: ["workerInstanceType"],
    select: { workerInstanceType: true },
  }))
    add("CONNECT_WORKER_HOURS", c.workerInstanceType, "used by a Connect cluster");
  for (const r of await tx.runInterval.findMany({
    where: { endedAt: null },
    distinct: ["dimension", "sku"],
    select: { dimension: true, sku: true },
  }))
    add(r.dimension, r.sku, "running now");
  return need;
}

export function priceBookService(db: Db) {
  return {
    async current(input: z.infer<typeof priceBookAtInput>) {
      const at = input.at ? new Date(input.at) : new Date();
      const v = await priceBookInForce(db, at);
      if (!v) throw notFound(`A price book in force at ${at.toISOString()}`);
      return priceBookView(v);
    },

    async versions() {
      const rows = await db.priceBookVersion.findMany({ orderBy: { version: "desc" } });
      return rows.map((v) => ({ id: v.id, version: v.version, effectiveFrom: v.effectiveFrom, notes: v.notes }));
    },

    /** Publishes a new version; refused unless it prices every SKU in use, each once. */
    async publish(caller: Caller, input: z.infer<typeof publishPriceBookInput>) {
      if (!isPlatformAdmin(caller)) {
        throw new AppError(
          "FORBIDDEN",
          "Only the platform's owners (the emails in WEIR_PLATFORM_ADMINS) can publish a price book.",
        );
      }
      const now = new Date();
      const effectiveFrom = input.effectiveFrom ? new Date(input.effectiveFrom) : now;
      if (effectiveFrom.getTime() < now.getTime() - 60_000) {
        throw invalid("effectiveFrom", "Must not be in the past: invoices already priced keep their version.");
      }
      const seen = new Set<string>();
      for (const [i, p] of input.prices.entries()) {
        if (p.unit && p.unit !== unitOf[p.dimension]) {
          throw invalid(`prices.${i}.unit`, `${p.dimension} is priced per ${unitOf[p.dimension]}, not per ${p.unit}.`);
        }
        const key = `${p.dimension}:${p.sku}`;
        if (seen.has(key)) throw invalid("prices", `${p.sku} (${p.dimension}) is priced twice.`);
        seen.add(key);
      }
      try {
        return await db.$transaction(async (tx) => {
          const missing = [...(await skusInUse(tx)).entries()].filter(([k]) => !seen.has(k)).map(([, v]) => v);
          if (missing.length > 0) {
            const list = missing.map((m) => `${m.sku} (${m.dimension}, ${m.why})`).join(", ");
            throw new AppError("VALIDATION_FAILED", `The new version has no price for ${list}.`, {
              fields: Object.fromEntries([
                ["prices", `Missing ${missing.map((m) => m.sku).join(", ")}`],
                ...missing.map((m) => [`prices.${m.sku}`, `No price for ${m.sku} (${m.dimension}), ${m.why}`]),
              ]),
            });
          }
          const last = await tx.priceBookVersion.aggregate({ _max: { version: true } });
          const v = await tx.priceBookVersion.create({
            data: {
              version: (last._max.version ?? 0) + 1,
              effectiveFrom,
              notes: input.notes,
              publishedById: caller.principal.kind === "user" ? caller.principal.userId : null,
              prices: {
                create: input.prices.map((p) => ({
                  sku: p.sku,
                  dimension: p.dimension,
                  unit: unitOf[p.dimension],
                  unitPrice: p.unitPrice,
                  description: p.description,
                  vcpu: p.vcpu ?? null,
                  memoryGib: p.memoryGib ?? null,
                })),
              },
            },
            include: { prices: true },
          });
          await recordAudit(tx, caller, {
            orgId: null,
            action: "price_book.publish",
            resourceType: "price_book",
            resourceId: v.id,
            resourceName: `version ${v.version}`,
            details: { effectiveFrom: effectiveFrom.toISOString(), prices: v.prices.length },
          });
          return priceBookView(v);
        });
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict("Another version was published at the same time; try again.");
        throw e;
      }
    },
  };
}
