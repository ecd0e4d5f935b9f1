// The monthly estimates the create forms show beside the price: decimal all the way (money never
// passes a float), over a 30-day month as the cost estimator prices it, so the two agree.
import { Dec } from "@weir/pricing";

export const HOURS_PER_MONTH = 720;

/** count × hourly × 720 h, exact; null while the count is not a whole number of at least 1. */
export function monthlyForNodes(hourly: string | undefined, count: number): Dec | null {
  if (!hourly || !Number.isInteger(count) || count < 1) return null;
  return new Dec(hourly).times(count).times(HOURS_PER_MONTH);
}
