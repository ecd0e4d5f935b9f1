import { cn } from "@weir/ui";
import type { JobListItem } from "./hooks";

/** Where a job's results go, in a few words. */
function sinkLabel(job: Pick<JobListItem, "kind" | "sink">): string {
  if (job.sink?.type === "kafka") return job.sink.topic ?? "—";
  if (job.sink?.type === "postgres") return `${job.sink.table ?? "—"} (PostgreSQL)`;
  if (job.kind === "batch-sql") return "result preview, CSV, JSON";
  return "the script's own outputs";
}

/** "orders, returns → revenue": a job's sources and where its results go. */
export function SpecFlow({
  job,
  compact = false,
}: {
  job: Pick<JobListItem, "kind" | "sources" | "sink">;
  compact?: boolean;
}) {
  const sources = job.sources.length > 0 ? job.sources.join(", ") : "—";
  const sink = sinkLabel(job);
  return (
    <span
      className={cn("inline-flex min-w-0 flex-wrap items-baseline gap-x-1.5", compact ? "text-xs" : "text-sm")}
      data-testid="job-flow"
    >
      <span className="truncate font-mono text-slate-800" title={sources}>
        {sources}
      </span>
      <span aria-label="to" className="text-slate-400">
        →
      </span>
      <span className="truncate font-mono text-slate-800" title={sink}>
        {sink}
      </span>
    </span>
  );
}
