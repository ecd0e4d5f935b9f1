// A Kafka cluster's provisioned storage per broker, watched against what its log dirs hold: one
// set of thresholds for the controller (warn, degrade, protect), the API (a decrease that would
// not fit) and the console (the disk bars). Pure: the console imports it.

/** At this share of a broker's storage the cluster warns (a condition and an event). */
export const STORAGE_WARN_RATIO = 0.8;
/** At this share the cluster is DEGRADED and the protection is applied. */
export const STORAGE_DEGRADED_RATIO = 0.95;
/** What the retention caps aim for, so a protected broker falls back below the warning. */
export const STORAGE_TARGET_RATIO = 0.7;

/**
 * What the controller does when a broker passes STORAGE_DEGRADED_RATIO:
 * - "retention-bytes": set retention.bytes on the largest topics so their partitions fit the
 *   storage (Kafka then deletes their oldest segments); topics are never deleted;
 * - "alert-only": only the condition, the event and the DEGRADED status.
 */
export const STORAGE_PROTECTIONS = ["retention-bytes", "alert-only"] as const;
export type StorageProtection = (typeof STORAGE_PROTECTIONS)[number];
export const DEFAULT_STORAGE_PROTECTION: StorageProtection = "retention-bytes";

export type StorageLevel = "ok" | "warn" | "full";

export function storageLevel(usedBytes: number, quotaBytes: number): StorageLevel {
  if (quotaBytes <= 0) return "ok";
  const ratio = usedBytes / quotaBytes;
  return ratio >= STORAGE_DEGRADED_RATIO ? "full" : ratio >= STORAGE_WARN_RATIO ? "warn" : "ok";
}

/** "12.3 MB" style, 1024-based like the quota. */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}
