import type { Db } from "@weir/db";
import { defaultPriceBook } from "@weir/pricing";

/** Seeds price book version 1 on an empty database; does nothing once any version exists. */
export async function seedPriceBook(db: Db): Promise<"SEEDED" | "NOOP"> {
  if ((await db.priceBookVersion.count()) > 0) return "NOOP";
  await db.$transaction(async (tx) => {
    const v = await tx.priceBookVersion.create({
      data: { version: 1, effectiveFrom: new Date(defaultPriceBook.effectiveFrom), notes: defaultPriceBook.notes },
    });
    await tx.price.createMany({
      data: defaultPriceBook.prices.map((p) => ({
        versionId: v.id,
        sku: p.sku,
        dimension: p.dimension,
        unit: p.unit,
        unitPrice: p.unitPrice,
        description: p.description,
        vcpu: p.vcpu ?? null,
        memoryGib: p.memoryGib ?? null,
      })),
    });
  });
  return "SEEDED";
}
