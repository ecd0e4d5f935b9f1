// The months and times a billing or pricing request may name. Postgres and JavaScript hold far
// wider ranges, but disagree at the edges (year 0000 is a valid JavaScript date and an error in
// a Postgres timestamp), and nothing Weir meters or prices lies outside these years.
import { z } from "zod";

export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2999;

const inRange = (year: number) => year >= FIRST_YEAR && year <= LAST_YEAR;

/** A calendar month (UTC) as YYYY-MM. */
export const monthString = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Must be a month such as 2026-03")
  .refine((v) => inRange(Number(v.slice(0, 4))), `Must be a month from ${FIRST_YEAR}-01 to ${LAST_YEAR}-12`);

/** An ISO 8601 time with a zone offset. */
export const isoTime = z.iso
  .datetime({ offset: true })
  .refine((v) => inRange(new Date(v).getUTCFullYear()), `Must be a time in the years ${FIRST_YEAR} to ${LAST_YEAR}`);
