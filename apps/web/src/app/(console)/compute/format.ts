/** Spark reports memory in MiB: "512 MiB", "1 GiB", "1.5 GiB". */
export function formatMemoryMb(mb: number): string {
  if (mb < 1024) return `${Math.round(mb)} MiB`;
  const gib = mb / 1024;
  return `${Number.isInteger(gib) || gib >= 100 ? gib.toFixed(0) : gib.toFixed(1)} GiB`;
}
