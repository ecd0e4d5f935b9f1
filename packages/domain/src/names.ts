import { z } from "zod";

/** A display name: 1-64 printable characters, no leading or trailing space. */
export const displayName = z
  .string()
  .trim()
  .min(1, "Must not be empty")
  .max(64, "Must be at most 64 characters")
  .regex(/^[^\p{Cc}]+$/u, "Must not contain control characters");

/** A resource name used in URLs and runtimes: lowercase letters, digits and hyphens. */
export const resourceName = z
  .string()
  .min(1, "Must not be empty")
  .max(40, "Must be at most 40 characters")
  .regex(
    /^[a-z]([a-z0-9-]*[a-z0-9])?$/,
    "Use lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen",
  );

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "Must be at most 254 characters")
  .email("Must be an email address");

export const password = z.string().min(10, "Must be at least 10 characters").max(200, "Must be at most 200 characters");

export function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return base || "org";
}
