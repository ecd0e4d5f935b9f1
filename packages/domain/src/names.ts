// The schemas for names, e-mail addresses and passwords, built from the limits in name-rules.ts.
import { z } from "zod";
import {
  DISPLAY_NAME_MAX,
  EMAIL_MAX,
  PASSWORD_MAX,
  PASSWORD_MIN,
  RESOURCE_NAME_MAX,
  RESOURCE_NAME_PATTERN,
  RESOURCE_NAME_RULE,
} from "./name-rules.ts";

/** A display name: printable characters, no leading or trailing space. */
export const displayName = z
  .string()
  .trim()
  .min(1, "Must not be empty")
  .max(DISPLAY_NAME_MAX, `Must be at most ${DISPLAY_NAME_MAX} characters`)
  .regex(/^[^\p{Cc}]+$/u, "Must not contain control characters");

/** A resource name used in URLs and runtimes. */
export const resourceName = z
  .string()
  .min(1, "Must not be empty")
  .max(RESOURCE_NAME_MAX, `Must be at most ${RESOURCE_NAME_MAX} characters`)
  .regex(RESOURCE_NAME_PATTERN, RESOURCE_NAME_RULE);

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(EMAIL_MAX, `Must be at most ${EMAIL_MAX} characters`)
  .email("Must be an email address");

export const password = z
  .string()
  .min(PASSWORD_MIN, `Must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `Must be at most ${PASSWORD_MAX} characters`);

export function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return base || "org";
}
