// What the billing page and API read: usage, invoices, month-to-date with a forecast, daily
// spend per resource, CSV exports and the organisation's budget.
import type { Db, Prisma, UsageDimension } from "@weir/db";
import { Dec, hoursInMonthOf, price, type Line, type UsageItem } from "@weir/pricing";
import { z } from "zod";
import { recordAudit } from "../audit/record.ts";
import type { OrgScope } from "../context.ts";
import { notFound } from "../errors.ts";
import { requireRole } from "../roles.ts";
import { monthString } from "./dates.ts";
import { checkBudget, priceBookForInvoice, refreshInvoice, usageItems } from "./invoices.ts";
import { floorHour, monthStartOf, nextMonthStart } from "./metering.ts";

const HOUR_MS = 3_600_000;

const month = monthString.optional().describe("Calendar month (UTC) as YYYY-MM; the current month when absent");

export const billingMonthInput = z.strictObject({ month });

export const usageInput = z.strictObject({
  month,
  granularity: z.enum(["hour", "day", "month"]).default("day"),
  resourceId: z.string().max(64).optional(),
});

export const invoiceIdInput = z.strictObject({ id: z.uuid() });

export const setBudgetInput = z.strictObject({
  monthlyAmount: z
    .union([z.number(), z.string()])
    .transform((v) => String(v))
    .pipe(
      z
        .string()
        .regex(/^\d{1,12}(\.\d{1,2})?$/, "Must be an amount such as 500 or 499.99")
        .refine((v) => Number(v) > 0, "Must be more than zero"),
    ),
  thresholdPercent: z.int().min(1).max(100).default(80),
});

/** The unit each dimension is metered in (prices may be per another unit, e.g. GB-month). */
export const meteredUnit: Record<UsageDimension, string> = {
  BROKER_HOURS: "hour",
  STORAGE_GB_HOURS: "GB-hour",
  DATA_IN_GB: "GB",
  DATA_OUT_GB: "GB",
  COMPUTE_NODE_HOURS: "hour",
  JOB_HOURS: "hour",
  CONNECT_WORKER_HOURS: "hour",
};

function periodOf(m: string | undefined, now = new Date()) {
  const start = m ? new Date(`${m}-01T00:00:00.000Z`) : monthStartOf(now);
  return { start, end: nextMonthStart(start), label: start.toISOString().slice(0, 7) };
}

function csv(rows: Array<Array<string | number>>): string {
  const cell = (v: string | number) => {
    let s = String(v);
    // Spreadsheets run cells that start like a formula.
    if (/^[=+\-@]/.test(s) && Number.isNaN(Number(s))) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

type InvoiceRow = Prisma.InvoiceGetPayload<{ include: { priceBookVersion: true } }>;

function invoiceView(i: InvoiceRow) {
  return {
    id: i.id,
    month: i.periodStart.toISOString().slice(0, 7),
    periodStart: i.periodStart,
    periodEnd: i.periodEnd,
    status: i.status,
    currency: i.currency,
    subtotal: i.subtotal.toFixed(2),
    total: i.total.toFixed(2),
    priceBookVersion: i.priceBookVersion.version,
    finalizedAt: i.finalizedAt,
  };
}

const lineView = (l: Line) => ({
  resourceKind: l.resourceKind,
  resourceId: l.resourceId,
  resourceName: l.resourceName,
  dimension: l.dimension,
  sku: l.sku,
  quantity: l.quantity,
  unit: l.unit,
  unitPrice: l.unitPrice,
  amount: l.amount,
});

export function billingService(db: Db) {
  /** The month's invoice, recomputed first while the month is open (month-to-date). */
  async function currentInvoice(orgId: string, periodStart: Date, now: Date) {
    const existing = await db.invoice.findUnique({ where: { orgId_periodStart: { orgId, periodStart } } });
    if (existing?.status !== "FINAL") await refreshInvoice(db, orgId, periodStart, now);
    return db.invoice.findUnique({
      where: { orgId_periodStart: { orgId, periodStart } },
      include: { priceBookVersion: true },
    });
  }

  async function usageRows(orgId: string, input: z.infer<typeof usageInput>) {
    const p = periodOf(input.month);
    const rows = await db.$queryRaw<
      Array<{
        period: Date;
        resource_kind: string;
        resource_id: string;
        resource_name: string;
        dimension: UsageDimension;
        sku: string;
        quantity: string;
      }>
    >`
      SELECT date_trunc(${input.granularity}::text, hour_start, 'UTC') AS period, resource_kind, resource_id,
             max(resource_name) AS resource_name, dimension, sku, sum(quantity)::text AS quantity
      FROM usage_records
      WHERE org_id = ${orgId}::uuid AND hour_start >= ${p.start}::timestamptz AND hour_start < ${p.end}::timestamptz
        AND (${input.resourceId ?? null}::text IS NULL OR resource_id = ${input.resourceId ?? null}::text)
      GROUP BY 1, resource_kind, resource_id, dimension, sku
      ORDER BY 1, resource_name, resource_id, dimension, sku`;
    return {
      month: p.label,
      granularity: input.granularity,
      items: rows.map((r) => ({
        periodStart: r.period,
        resourceKind: r.resource_kind,
        resourceId: r.resource_id,
        resourceName: r.resource_name,
        dimension: r.dimension,
        sku: r.sku,
        quantity: new Dec(r.quantity).toString(),
        unit: meteredUnit[r.dimension],
      })),
    };
  }

  async function budgetStatus(orgId: string, periodStart: Date, monthToDate: string) {
    const b = await db.budget.findUnique({ where: { orgId } });
    if (!b) return null;
    const amount = new Dec(b.monthlyAmount.toString());
    const threshold = amount.times(b.thresholdPercent).div(100);
    const mtd = new Dec(monthToDate);
    return {
      monthlyAmount: amount.toFixed(2),
      thresholdPercent: b.thresholdPercent,
      thresholdAmount: threshold.toFixed(2),
      monthToDate: mtd.toFixed(2),
      percentUsed: Number(mtd.div(amount).times(100).toFixed(1)),
      crossed: !mtd.isZero() && mtd.gte(threshold),
      notifiedForMonth: b.notifiedPeriod?.getTime() === periodStart.getTime(),
    };
  }

  return {
    usage: (scope: OrgScope, input: z.infer<typeof usageInput>) => usageRows(scope.orgId, input),

    async usageCsv(scope: OrgScope, input: z.infer<typeof usageInput>) {
      const u = await usageRows(scope.orgId, input);
      return {
        filename: `weir-usage-${u.month}-${u.granularity}.csv`,
        contentType: "text/csv",
        csv: csv([
          ["period_start", "resource_kind", "resource_id", "resource_name", "dimension", "sku", "quantity", "unit"],
          ...u.items.map((i) => [
            i.periodStart.toISOString(),
            i.resourceKind,
            i.resourceId,
            i.resourceName,
            i.dimension,
            i.sku,
            i.quantity,
            i.unit,
          ]),
        ]),
      };
    },

    async invoices(scope: OrgScope) {
      await currentInvoice(scope.orgId, monthStartOf(new Date()), new Date());
      const rows = await db.invoice.findMany({
        where: { orgId: scope.orgId },
        include: { priceBookVersion: true },
        orderBy: { periodStart: "desc" },
      });
      return rows.map(invoiceView);
    },

    async invoice(scope: OrgScope, input: z.infer<typeof invoiceIdInput>) {
      const found = await db.invoice.findFirst({ where: { id: input.id, orgId: scope.orgId } });
      if (!found) throw notFound("Invoice");
      const inv = await currentInvoice(scope.orgId, found.periodStart, new Date());
      if (!inv) throw notFound("Invoice");
      const lines = await db.invoiceLine.findMany({ where: { invoiceId: inv.id } });
      return {
        ...invoiceView(inv),
        lines: lines
          .map((l) => ({
            resourceKind: l.resourceKind,
            resourceId: l.resourceId,
            resourceName: l.resourceName,
            dimension: l.dimension,
            sku: l.sku,
            quantity: new Dec(l.quantity.toString()).toString(),
            unit: l.unit,
            unitPrice: new Dec(l.unitPrice.toString()).toString(),
            amount: l.amount.toFixed(2),
          }))
          .sort((a, b) => a.resourceName.localeCompare(b.resourceName) || a.dimension.localeCompare(b.dimension)),
      };
    },

    async invoiceCsv(scope: OrgScope, input: z.infer<typeof invoiceIdInput>) {
      const inv = await this.invoice(scope, input);
      return {
        filename: `weir-invoice-${inv.month}.csv`,
        contentType: "text/csv",
        csv: csv([
          [
            "invoice_id",
            "month",
            "price_book_version",
            "resource_kind",
            "resource_id",
            "resource_name",
            "dimension",
            "sku",
            "quantity",
            "unit",
            "unit_price",
            "amount",
            "currency",
          ],
          ...inv.lines.map((l) => [
            inv.id,
            inv.month,
            inv.priceBookVersion,
            l.resourceKind,
            l.resourceId,
            l.resourceName,
            l.dimension,
            l.sku,
            l.quantity,
            l.unit,
            l.unitPrice,
            l.amount,
            inv.currency,
          ]),
        ]),
      };
    },

    /** Month-to-date, the end-of-month forecast, daily spend per resource and the budget. */
    async summary(scope: OrgScope, input: z.infer<typeof billingMonthInput>) {
      const now = new Date();
      const p = periodOf(input.month, now);
      const inv = await currentInvoice(scope.orgId, p.start, now);
      const { book } = await priceBookForInvoice(db, p.start, inv?.priceBookVersionId);
      const hoursInMonth = hoursInMonthOf(p.start);
      const mtdItems = await usageItems(db, scope.orgId, p.start, p.end);
      const monthToDate = inv ? inv.total.toFixed(2) : "0.00";

      // Forecast: what ran so far, plus what runs now kept running to the end of the month,
      // plus data transfer at its average hourly rate so far; priced like the invoice.
      const nextHour = new Date(floorHour(now).getTime() + HOUR_MS);
      const remaining =
        now >= p.end ? 0 : Math.max(0, (p.end.getTime() - Math.max(nextHour.getTime(), p.start.getTime())) / HOUR_MS);
      const elapsed = Math.max(1, (Math.min(nextHour.getTime(), p.end.getTime()) - p.start.getTime()) / HOUR_MS);
      const projected: UsageItem[] = [];
      if (remaining > 0) {
        const open = await db.runInterval.groupBy({
          by: ["resourceKind", "resourceId", "dimension", "sku"],
          where: { orgId: scope.orgId, endedAt: null },
          _sum: { quantity: true },
          _max: { resourceName: true },
        });
        for (const o of open) {
          projected.push({
            resourceKind: o.resourceKind,
            resourceId: o.resourceId,
            resourceName: o._max.resourceName ?? o.resourceId,
            dimension: o.dimension,
            sku: o.sku,
            quantity: new Dec((o._sum.quantity ?? 0).toString()).times(remaining),
          });
        }
        for (const i of mtdItems) {
          if (i.dimension === "DATA_IN_GB" || i.dimension === "DATA_OUT_GB") {
            projected.push({ ...i, quantity: new Dec(i.quantity).div(elapsed).times(remaining) });
          }
        }
      }
      const forecast = price({ hoursInMonth, items: [...mtdItems, ...projected] }, book);

      const daily = await db.$queryRaw<
        Array<{
          day: Date;
          resource_kind: string;
          resource_id: string;
          resource_name: string;
          dimension: UsageDimension;
          sku: string;
          quantity: string;
        }>
      >`
        SELECT date_trunc('day', hour_start, 'UTC') AS day, resource_kind, resource_id, max(resource_name) AS resource_name,
               dimension, sku, sum(quantity)::text AS quantity
        FROM usage_records
        WHERE org_id = ${scope.orgId}::uuid AND hour_start >= ${p.start}::timestamptz AND hour_start < ${p.end}::timestamptz
        GROUP BY 1, resource_kind, resource_id, dimension, sku`;
      const byDay = new Map<string, UsageItem[]>();
      for (const r of daily) {
        const key = r.day.toISOString().slice(0, 10);
        const list = byDay.get(key) ?? [];
        list.push({
          resourceKind: r.resource_kind,
          resourceId: r.resource_id,
          resourceName: r.resource_name,
          dimension: r.dimension,
          sku: r.sku,
          quantity: r.quantity,
        });
        byDay.set(key, list);
      }
      const dailySpend: Array<{ day: string; resourceId: string; resourceName: string; amount: string }> = [];
      for (const [day, items] of [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        const perResource = new Map<string, { resourceName: string; amount: InstanceType<typeof Dec> }>();
        for (const l of price({ hoursInMonth, items }, book).lines) {
          const cur = perResource.get(l.resourceId) ?? { resourceName: l.resourceName, amount: new Dec(0) };
          cur.amount = cur.amount.plus(l.amount);
          perResource.set(l.resourceId, cur);
        }
        for (const [resourceId, v] of perResource)
          dailySpend.push({ day, resourceId, resourceName: v.resourceName, amount: v.amount.toFixed(2) });
      }

      return {
        month: p.label,
        periodStart: p.start,
        periodEnd: p.end,
        currency: book.currency,
        priceBookVersion: book.version,
        invoiceId: inv?.id ?? null,
        status: inv?.status ?? ("OPEN" as const),
        monthToDate,
        forecast: forecast.total,
        forecastLines: forecast.lines.map(lineView),
        dailySpend,
        budget: await budgetStatus(scope.orgId, p.start, monthToDate),
      };
    },

    async budget(scope: OrgScope) {
      const start = monthStartOf(new Date());
      const inv = await currentInvoice(scope.orgId, start, new Date());
      return budgetStatus(scope.orgId, start, inv ? inv.total.toFixed(2) : "0.00");
    },

    async setBudget(scope: OrgScope, input: z.infer<typeof setBudgetInput>) {
      requireRole(scope.role, "ADMIN", "set the budget");
      await db.$transaction(async (tx) => {
        const before = await tx.budget.findUnique({ where: { orgId: scope.orgId } });
        await tx.budget.upsert({
          where: { orgId: scope.orgId },
          create: { orgId: scope.orgId, monthlyAmount: input.monthlyAmount, thresholdPercent: input.thresholdPercent },
          // A changed budget gets a fresh notice when spend reaches its new threshold.
          update: {
            monthlyAmount: input.monthlyAmount,
            thresholdPercent: input.thresholdPercent,
            notifiedPeriod: null,
          },
        });
        await recordAudit(tx, scope, {
          action: "budget.update",
          resourceType: "budget",
          resourceId: scope.orgId,
          details: {
            monthlyAmount: input.monthlyAmount,
            thresholdPercent: input.thresholdPercent,
            ...(before
              ? { from: { monthlyAmount: before.monthlyAmount.toFixed(2), thresholdPercent: before.thresholdPercent } }
              : {}),
          },
        });
      });
      const start = monthStartOf(new Date());
      const inv = await currentInvoice(scope.orgId, start, new Date());
      const mtd = inv ? inv.total.toFixed(2) : "0.00";
      await checkBudget(db, scope.orgId, start, mtd);
      return (await budgetStatus(scope.orgId, start, mtd))!;
    },

    async deleteBudget(scope: OrgScope) {
      requireRole(scope.role, "ADMIN", "remove the budget");
      await db.$transaction(async (tx) => {
        const gone = await tx.budget.deleteMany({ where: { orgId: scope.orgId } });
        if (gone.count === 0) throw notFound("Budget");
        await recordAudit(tx, scope, { action: "budget.delete", resourceType: "budget", resourceId: scope.orgId });
      });
      return { removed: true };
    },
  };
}
