import { cn } from "@weir/ui";
import { StatusBadge } from "./status-badge";

/** The colour of the controller's reason beside a status: red when failed, amber when degraded. */
export const reasonTone = (status: string, otherwise: string) =>
  status === "FAILED" ? "text-red-700" : status === "DEGRADED" ? "text-amber-800" : otherwise;

export function ProgressBar({
  done,
  total,
  label,
  className,
}: {
  done: number;
  total: number;
  label: string;
  className?: string;
}) {
  const pct = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <div className={cn("flex items-center gap-2", className)}>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${done} of ${total} steps`}
        className="h-1.5 w-full min-w-16 overflow-hidden rounded-full bg-slate-200"
        data-testid="cluster-progress"
      >
        <div
          className="h-full rounded-full bg-brand-600 transition-[width] duration-500"
          style={{ width: `${pct}%` }}
        />
      </div>
      <span className="shrink-0 text-xs text-slate-500 tabular-nums">
        {done}/{total}
      </span>
    </div>
  );
}

/**
 * A resource's status badge, the controller's reason beside it, and the progress while
 * provisioning: the same for a Kafka cluster and a compute cluster.
 */
export function ResourceStatus({
  resource,
  layout = "stacked",
}: {
  resource: { name: string; status: string; statusReason: string; progress: { done: number; total: number } };
  layout?: "stacked" | "inline";
}) {
  const { status, statusReason, progress } = resource;
  return (
    <div className={cn("flex min-w-0 gap-x-2 gap-y-1", layout === "stacked" ? "flex-col" : "flex-wrap items-center")}>
      <div className="flex min-w-0 items-center gap-2">
        <StatusBadge status={status} data-testid="cluster-status" />
        {statusReason && (
          <span
            className={cn("min-w-0 text-xs", layout === "stacked" && "truncate", reasonTone(status, "text-slate-500"))}
            title={statusReason}
            data-testid="cluster-status-reason"
          >
            {statusReason}
          </span>
        )}
      </div>
      {status === "PROVISIONING" && progress.total > 0 && (
        <ProgressBar
          done={progress.done}
          total={progress.total}
          label={`Provisioning ${resource.name}`}
          className={layout === "inline" ? "w-48" : "max-w-56"}
        />
      )}
    </div>
  );
}
