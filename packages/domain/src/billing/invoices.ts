// Invoices per organisation and calendar month (UTC), priced by the pricing engine from the
// hourly usage records.
//
// - An invoice is priced with the price book version in force at the start of its month (or the
//   first version, for a month that began before any), and keeps that version when recomputed:
//   a price change applies from the next month, and past invoices never change. A SKU its version
//   lacks (a type introduced later) is priced from the newest version that has it.
// - While its month runs an invoice is OPEN and recomputed by metering; once the month has ended
//   metering finalises it (FINAL) and never touches it again.
import type { Db, Prisma } from "@weir/db";
import { Dec, hoursInMonthOf, price, type UsageItem } from "@weir/pricing";
import { recordAudit } from "../audit/record.ts";
import { monthStartOf, nextMonthStart } from "./metering.ts";
import { toPriceBook } from "./price-book.ts";

type Tx = Prisma.TransactionClient | Db;

/** The book an invoice of the month starting at `periodStart` is priced with, and its id. */
export async function priceBookForInvoice(tx: Tx, periodStart: Date, versionId?: string) {
  const include = { prices: true } as const;
  const own = versionId
    ? await tx.priceBookVersion.findUniqueOrThrow({ where: { id: versionId }, include })
    : ((await tx.priceBookVersion.findFirst({
        where: { effectiveFrom: { lte: periodStart } },
        orderBy: [{ effectiveFrom: "desc" }, { version: "desc" }],
        include,
      })) ?? (await tx.priceBookVersion.findFirst({ orderBy: { version: "asc" }, include })));
  if (!own) throw new Error("no price book version exists");
  const book = toPriceBook(own);
  const newest = await tx.priceBookVersion.findFirst({ orderBy: { version: "desc" }, include });
  const have = new Set(book.prices.map((p) => `${p.dimension}:${p.sku}`));
  for (const p of newest ? toPriceBook(newest).prices : []) {
    if (!have.has(`${p.dimension}:${p.sku}`)) book.prices.push(p);
  }
  return { versionId: own.id, book };
}

/** Usage of an organisation between two instants, summed per resource, dimension and SKU. */
export async function usageItems(tx: Tx, orgId: string, from: Date, to: Date): Promise<UsageItem[]> {
  const rows = await tx.usageRecord.groupBy({
    by: ["resourceKind", "resourceId", "dimension", "sku"],
    where: { orgId, hourStart: { gte: from, lt: to } },
    _sum: { quantity: true },
    _max: { resourceName: true },
  });
  return rows.map((r) => ({
    resourceKind: r.resourceKind,
    resourceId: r.resourceId,
    resourceName: r._max.resourceName ?? r.resourceId,
    dimension: r.dimension,
    sku: r.sku,
    quantity: (r._sum.quantity ?? 0).toString(),
  }));
}

/**
 * Recomputes the invoice of one organisation and month from its usage records, keeping its price
 * book version; a FINAL invoice is returned untouched. Creates the invoice when the month has usage.
 */
export async function refreshInvoice(db: Db, orgId: string, periodStart: Date, now: Date = new Date()) {
  const periodEnd = nextMonthStart(periodStart);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('weir_invoice'), hashtext(${`${orgId}:${periodStart.toISOString()}`}))`;
    const existing = await tx.invoice.findUnique({ where: { orgId_periodStart: { orgId, periodStart } } });
    if (existing?.status === "FINAL") return existing;
    const items = await usageItems(tx, orgId, periodStart, periodEnd);
    if (!existing && items.length === 0) return null;
    const { versionId, book } = await priceBookForInvoice(tx, periodStart, existing?.priceBookVersionId);
    const priced = price({ hoursInMonth: hoursInMonthOf(periodStart), items }, book);
    const final = now >= periodEnd;
    const data = {
      periodEnd,
      priceBookVersionId: versionId,
      currency: book.currency,
      subtotal: priced.subtotal,
      total: priced.total,
      status: final ? ("FINAL" as const) : ("OPEN" as const),
      finalizedAt: final ? now : null,
    };
    const invoice = await tx.invoice.upsert({
      where: { orgId_periodStart: { orgId, periodStart } },
      create: { orgId, periodStart, ...data },
      update: data,
    });
    await tx.invoiceLine.deleteMany({ where: { invoiceId: invoice.id } });
    await tx.invoiceLine.createMany({
      data: priced.lines
        .filter((l) => new Dec(l.quantity).gt(0) || new Dec(l.amount).gt(0))
        .map((l) => ({
          invoiceId: invoice.id,
          resourceKind: l.resourceKind,
          resourceId: l.resourceId,
          resourceName: l.resourceName,
          dimension: l.dimension,
          sku: l.sku,
          quantity: l.quantity,
          unit: l.unit,
          unitPrice: l.unitPrice,
          amount: l.amount,
        })),
    });
    return invoice;
  });
}

/**
 * Raises a budget's notice once per month: when month-to-date spend reaches the threshold, marks
 * the month notified and writes an audit event, both or neither. Returns whether it did.
 */
export async function checkBudget(db: Db, orgId: string, periodStart: Date, monthToDate: string): Promise<boolean> {
  const budget = await db.budget.findUnique({ where: { orgId } });
  if (!budget) return false;
  const threshold = new Dec(budget.monthlyAmount.toString()).times(budget.thresholdPercent).div(100);
  if (new Dec(monthToDate).lt(threshold) || new Dec(monthToDate).isZero()) return false;
  return db.$transaction(async (tx) => {
    const claimed = await tx.budget.updateMany({
      where: { orgId, OR: [{ notifiedPeriod: null }, { notifiedPeriod: { lt: periodStart } }] },
      data: { notifiedPeriod: periodStart },
    });
    if (claimed.count === 0) return false;
    await recordAudit(
      tx,
      { system: "billing" },
      {
        orgId,
        action: "budget.threshold_crossed",
        resourceType: "budget",
        resourceId: orgId,
        details: {
          month: periodStart.toISOString().slice(0, 7),
          monthToDate,
          monthlyAmount: budget.monthlyAmount.toFixed(2),
          thresholdPercent: budget.thresholdPercent,
        },
      },
    );
    return true;
  });
}

/** Invoices every organisation metered in the window, finalises ended months, checks budgets. */
export async function invoiceMeteredOrgs(db: Db, orgIds: string[], from: Date, now: Date = new Date()) {
  let invoices = 0;
  const current = monthStartOf(now);
  for (const orgId of orgIds) {
    for (let m = monthStartOf(from); m <= current; m = nextMonthStart(m)) {
      const inv = await refreshInvoice(db, orgId, m, now);
      if (!inv) continue;
      invoices++;
      if (m.getTime() === current.getTime()) await checkBudget(db, orgId, m, inv.total.toFixed(2));
    }
  }
  // Months that ended with an invoice still OPEN (e.g. no usage in the last window) are closed too.
  const stale = await db.invoice.findMany({ where: { status: "OPEN", periodEnd: { lte: now } } });
  for (const inv of stale) await refreshInvoice(db, inv.orgId, inv.periodStart, now);
  return invoices;
}
