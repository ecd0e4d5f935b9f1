"use client";

// What every metrics card of a console page shares: the time ranges offered, the window the
// charts span, the loading / error / empty states around the charts, and one titled chart.
import { Spinner } from "@weir/ui";
import type { ReactNode } from "react";
import { errorMessage } from "@/lib/errors";

export const METRIC_RANGES = [
  { value: "15", label: "Last 15 minutes" },
  { value: "60", label: "Last hour" },
  { value: "360", label: "Last 6 hours" },
  { value: "1440", label: "Last 24 hours" },
  { value: "4320", label: "Last 3 days" },
];

/**
 * The span of the charts: it ends at the last fetch, so the charts move along as samples arrive,
 * and starts no earlier than the resource (a minute at least), so a new one's samples fill the width.
 */
export function chartWindow(dataUpdatedAt: number, createdAt: string | Date, minutes: number) {
  const to = dataUpdatedAt || Date.now();
  const created = new Date(createdAt).getTime();
  return { from: Math.max(to - minutes * 60_000, Math.min(created - 15_000, to - 60_000)), to };
}

/** The charts of a metrics query, or its loading, error or empty state. */
export function MetricsBody({
  query,
  sampleCount,
  empty,
  children,
}: {
  query: { isPending: boolean; isError: boolean; error: unknown; isPlaceholderData: boolean; isFetching: boolean };
  sampleCount: number;
  /** Said when the range has no samples. */
  empty: ReactNode;
  children: ReactNode;
}) {
  if (query.isPending) {
    return (
      <div className="flex justify-center py-12 text-slate-400">
        <Spinner label="Loading metrics" />
      </div>
    );
  }
  if (query.isError) return <p className="px-5 py-8 text-sm text-amber-800">{errorMessage(query.error)}</p>;
  if (sampleCount === 0) {
    return (
      <p className="px-5 py-10 text-center text-sm text-slate-500" data-testid="metrics-empty">
        {empty}
      </p>
    );
  }
  return (
    <div
      className={`grid gap-x-8 gap-y-6 px-5 py-5 lg:grid-cols-2 ${query.isPlaceholderData ? "opacity-60" : ""}`}
      aria-busy={query.isFetching || undefined}
    >
      {children}
    </div>
  );
}

/** One chart with its title and unit. */
export function ChartSection({ title, unit, children }: { title: string; unit: ReactNode; children: ReactNode }) {
  return (
    <section className="flex min-w-0 flex-col gap-2">
      <div className="flex items-baseline justify-between gap-3">
        <h3 className="text-sm font-medium text-slate-900">{title}</h3>
        <span className="text-xs text-slate-500">{unit}</span>
      </div>
      {children}
    </section>
  );
}
