import type { Db } from "@weir/db";
import { defaultPriceBook, type PriceEntry } from "@weir/pricing";

const priceRow = (versionId: string, p: PriceEntry) => ({
  versionId,
  sku: p.sku,
  dimension: p.dimension,
  unit: p.unit,
  unitPrice: p.unitPrice,
  description: p.description,
  vcpu: p.vcpu ?? null,
  memoryGib: p.memoryGib ?? null,
});

/**
 * Seeds price book version 1 on an empty database. On a database seeded by an older Weir, whose
 * newest version lacks SKUs the default book has gained since (JOB_HOURS' spark-job-driver, for
 * one), publishes the next version: the newest one's prices unchanged plus the missing defaults,
 * in force from now. Past versions are never edited (invoices keep theirs), and a version always
 * prices everything its predecessor did, so once the newest has every default SKU this is a no-op.
 */
export async function seedPriceBook(db: Db, now: Date = new Date()): Promise<"SEEDED" | "UPDATED" | "NOOP"> {
  return db.$transaction(async (tx) => {
    // Two Weir processes starting at once must not both publish.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('weir_price_book_seed'))`;
    const newest = await tx.priceBookVersion.findFirst({ orderBy: { version: "desc" }, include: { prices: true } });
    if (!newest) {
      const v = await tx.priceBookVersion.create({
        data: { version: 1, effectiveFrom: new Date(defaultPriceBook.effectiveFrom), notes: defaultPriceBook.notes },
      });
      await tx.price.createMany({ data: defaultPriceBook.prices.map((p) => priceRow(v.id, p)) });
      return "SEEDED";
    }
    const have = new Set(newest.prices.map((p) => `${p.dimension}:${p.sku}`));
    const missing = defaultPriceBook.prices.filter((p) => !have.has(`${p.dimension}:${p.sku}`));
    if (missing.length === 0) return "NOOP";
    const v = await tx.priceBookVersion.create({
      data: {
        version: newest.version + 1,
        // A version an admin scheduled for later keeps its date: this one joins it then.
        effectiveFrom: newest.effectiveFrom > now ? newest.effectiveFrom : now,
        currency: newest.currency,
        notes: `Version ${newest.version} plus Weir's new default prices: ${missing.map((p) => p.sku).join(", ")}.`,
      },
    });
    await tx.price.createMany({
      data: [
        ...newest.prices.map(({ id: _id, versionId: _v, ...p }) => ({ ...p, versionId: v.id })),
        ...missing.map((p) => priceRow(v.id, p)),
      ],
    });
    return "UPDATED";
  });
}
