// The one pricing engine. Billing prices metered usage with it, the estimator prices the usage a
// plan would produce with it, so an estimate and a bill for the same usage cannot disagree.
//
// Rules (also in README.md, "Billing"):
// - Money is decimal (decimal.js), never a binary float.
// - Rounding: each line's amount is rounded half-up to the cent once, from the exact product of
//   quantity and unit price; subtotal = sum of the rounded lines; total = subtotal.
// - Partial hours: metering counts each UTC clock hour in which an instance ran at any moment as
//   one full hour (a started hour counts). The engine receives whole hours.
// - Storage is metered in GB-hours and priced per GB-month: GB-months = GB-hours / the hours of
//   the calendar month the usage falls in (720 for a 30-day month, 744 for a 31-day month), so a
//   GB kept for a whole month costs exactly one GB-month whatever the month's length.
// - Data transfer is priced per GB of 10^9 bytes.
import { Decimal } from "decimal.js";
import type { Dimension, PriceEntry } from "./default-price-book.ts";

/** Decimal with enough precision that only the final, explicit rounding to the cent rounds. */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof Dec>;
type Value = string | number | Dec;

export interface PriceBook {
  version: number;
  currency: string;
  prices: PriceEntry[];
}

/** Metered (or planned) quantity of one resource in one dimension and SKU. */
export interface UsageItem {
  resourceKind: string;
  resourceId: string;
  resourceName: string;
  dimension: Dimension;
  sku: string;
  /** In the metered unit: hours (brokers, nodes, jobs), GB-hours (storage) or GB (data transfer). */
  quantity: Value;
}

export interface Usage {
  /** Hours of the calendar month the usage falls in; converts storage GB-hours to GB-months. */
  hoursInMonth: number;
  items: UsageItem[];
}

export interface Line {
  resourceKind: string;
  resourceId: string;
  resourceName: string;
  dimension: Dimension;
  sku: string;
  description: string;
  /** In the priced unit (hours, GB-months, GB), at most 6 decimals; the amount uses the exact value. */
  quantity: string;
  unit: PriceEntry["unit"];
  unitPrice: string;
  /** Rounded half-up to the cent. */
  amount: string;
}

export interface Priced {
  currency: string;
  priceBookVersion: number;
  lines: Line[];
  subtotal: string;
  total: string;
}

export class MissingPriceError extends Error {
  constructor(
    readonly dimension: Dimension,
    readonly sku: string,
  ) {
    super(`The price book has no price for ${sku} (${dimension}).`);
    this.name = "MissingPriceError";
  }
}

const dimensionOrder: Dimension[] = [
  "BROKER_HOURS",
  "STORAGE_GB_HOURS",
  "DATA_IN_GB",
  "DATA_OUT_GB",
  "COMPUTE_NODE_HOURS",
  "JOB_HOURS",
  "CONNECT_WORKER_HOURS",
];

/** Hours of the UTC calendar month that `at` falls in. */
export function hoursInMonthOf(at: Date): number {
  const start = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
  const end = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
  return (end - start) / 3_600_000;
}

export function findPrice(book: PriceBook, dimension: Dimension, sku: string): PriceEntry {
  const p = book.prices.find((x) => x.dimension === dimension && x.sku === sku);
  if (!p) throw new MissingPriceError(dimension, sku);
  return p;
}

/** Converts a metered quantity to the unit the price is per. */
function pricedQuantity(dimension: Dimension, metered: Dec, hoursInMonth: number): Dec {
  return dimension === "STORAGE_GB_HOURS" ? metered.div(hoursInMonth) : metered;
}

export const toCents = (v: Value): string => new Dec(v).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);

/**
 * Prices usage: one line per resource, dimension and SKU (items for the same one are summed),
 * each rounded to the cent; the total is the sum of the lines. Throws MissingPriceError when
 * the book has no price for a SKU in the usage.
 */
export function price(usage: Usage, book: PriceBook): Priced {
  if (!(usage.hoursInMonth > 0)) throw new RangeError("hoursInMonth must be positive");
  const grouped = new Map<string, { item: UsageItem; quantity: Dec }>();
  for (const item of usage.items) {
    const key = [item.resourceKind, item.resourceId, item.dimension, item.sku].join("\u0000");
    const g = grouped.get(key);
    if (g) g.quantity = g.quantity.plus(item.quantity);
    else grouped.set(key, { item, quantity: new Dec(item.quantity) });
  }
  const lines: Line[] = [];
  let subtotal = new Dec(0);
  for (const { item, quantity } of grouped.values()) {
    if (quantity.isNeg()) throw new RangeError(`negative quantity for ${item.sku}`);
    const p = findPrice(book, item.dimension, item.sku);
    const q = pricedQuantity(item.dimension, quantity, usage.hoursInMonth);
    const amount = new Dec(toCents(q.times(p.unitPrice)));
    subtotal = subtotal.plus(amount);
    lines.push({
      resourceKind: item.resourceKind,
      resourceId: item.resourceId,
      resourceName: item.resourceName,
      dimension: item.dimension,
      sku: item.sku,
      description: p.description,
      quantity: q.toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toString(),
      unit: p.unit,
      unitPrice: new Dec(p.unitPrice).toString(),
      amount: amount.toFixed(2),
    });
  }
  lines.sort(
    (a, b) =>
      a.resourceName.localeCompare(b.resourceName) ||
      a.resourceId.localeCompare(b.resourceId) ||
      dimensionOrder.indexOf(a.dimension) - dimensionOrder.indexOf(b.dimension) ||
      a.sku.localeCompare(b.sku),
  );
  return {
    currency: book.currency,
    priceBookVersion: book.version,
    lines,
    subtotal: subtotal.toFixed(2),
    total: subtotal.toFixed(2),
  };
}

/** A deployment someone plans to run for some hours of a month. */
export interface Plan {
  /** Hours of the month being planned for; 720 (a 30-day month) unless said otherwise. */
  hoursInMonth?: number;
  kafka?: {
    name?: string;
    brokers: number;
    instanceType: string;
    storageGbPerBroker: number;
    /** Hours the brokers run; the whole month unless said otherwise. */
    hours?: number;
    dataInGb?: Value;
    dataOutGb?: Value;
  };
  compute?: {
    name?: string;
    workers: number;
    instanceType: string;
    hours: number;
  };
  connect?: {
    name?: string;
    workers: number;
    instanceType: string;
    hours: number;
  };
}

export const PLAN_KAFKA_ID = "plan-kafka";
export const PLAN_COMPUTE_ID = "plan-compute";
export const PLAN_CONNECT_ID = "plan-connect";

/** The usage running `plan` would meter: exactly what metering records for the same hours. */
export function usageOf(plan: Plan): Usage {
  const hoursInMonth = plan.hoursInMonth ?? 720;
  const items: UsageItem[] = [];
  if (plan.kafka) {
    const k = plan.kafka;
    const hours = new Dec(k.hours ?? hoursInMonth);
    const base = { resourceKind: "KafkaCluster", resourceId: PLAN_KAFKA_ID, resourceName: k.name ?? "Kafka cluster" };
    items.push(
      { ...base, dimension: "BROKER_HOURS", sku: k.instanceType, quantity: hours.times(k.brokers) },
      {
        ...base,
        dimension: "STORAGE_GB_HOURS",
        sku: "kafka.storage",
        quantity: hours.times(k.brokers).times(k.storageGbPerBroker),
      },
    );
    if (k.dataInGb !== undefined)
      items.push({ ...base, dimension: "DATA_IN_GB", sku: "kafka.data-in", quantity: k.dataInGb });
    if (k.dataOutGb !== undefined)
      items.push({ ...base, dimension: "DATA_OUT_GB", sku: "kafka.data-out", quantity: k.dataOutGb });
  }
  if (plan.compute) {
    const c = plan.compute;
    items.push({
      resourceKind: "ComputeCluster",
      resourceId: PLAN_COMPUTE_ID,
      resourceName: c.name ?? "Spark cluster",
      dimension: "COMPUTE_NODE_HOURS",
      sku: c.instanceType,
      quantity: new Dec(c.hours).times(c.workers),
    });
  }
  if (plan.connect) {
    const c = plan.connect;
    items.push({
      resourceKind: "ConnectCluster",
      resourceId: PLAN_CONNECT_ID,
      resourceName: c.name ?? "Connect cluster",
      dimension: "CONNECT_WORKER_HOURS",
      sku: c.instanceType,
      quantity: new Dec(c.hours).times(c.workers),
    });
  }
  return { hoursInMonth, items };
}

/** Defined as pricing the usage the plan would produce, so it cannot disagree with a bill. */
export function estimate(plan: Plan, book: PriceBook): Priced {
  return price(usageOf(plan), book);
}
