// Number formats shared by the charts and the pages around them. Binary units (KiB, MiB, GiB)
// because broker storage quotas are set in GiB.

const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

export function formatBytes(bytes: number, digits = 1): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return "0 B";
  if (bytes < 1024) return `${bytes < 10 && !Number.isInteger(bytes) ? bytes.toFixed(1) : Math.round(bytes)} B`;
  const i = Math.min(units.length - 1, Math.floor(Math.log(bytes) / Math.log(1024)));
  const v = bytes / 1024 ** i;
  return `${v >= 100 || Number.isInteger(v) ? v.toFixed(0) : v.toFixed(digits)} ${units[i]}`;
}

export const formatBytesPerSec = (v: number) => `${formatBytes(v)}/s`;

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

export function formatCount(v: number): string {
  if (Math.abs(v) >= 1000) return compact.format(v);
  return String(Math.round(v * (Math.abs(v) < 1 ? 100 : 10)) / (Math.abs(v) < 1 ? 100 : 10));
}

export const formatPerSec = (v: number) => `${formatCount(v)}/s`;

/** "3d 4h", "5h 12m", "42s": how long something has been up, to the two largest units. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}
