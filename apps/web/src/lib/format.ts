// Dates arrive from the API as ISO strings (no transformer on the wire), typed as Date.
type DateLike = Date | string | null | undefined;

const dateTime = new Intl.DateTimeFormat("en-GB", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

export function formatDateTime(d: DateLike): string {
  return d ? dateTime.format(new Date(d)) : "—";
}

const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const steps: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 86_400],
  ["month", 30 * 86_400],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];

export function formatRelative(d: DateLike, now = Date.now()): string {
  if (!d) return "Never";
  const seconds = Math.round((new Date(d).getTime() - now) / 1000);
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

export const roleLabel = (role: string) => role.charAt(0) + role.slice(1).toLowerCase();
