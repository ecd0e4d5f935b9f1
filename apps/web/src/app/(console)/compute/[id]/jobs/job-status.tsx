import { JOB_STATUS_MEANINGS, SINK_GUARANTEES, type JobStatusName, type SinkType } from "@weir/domain/rules";
import { Badge, cn, type BadgeTone } from "@weir/ui";

const tone: Record<JobStatusName, BadgeTone> = {
  QUEUED: "brand",
  STARTING: "brand",
  RUNNING: "success",
  STOPPING: "brand",
  STOPPED: "neutral",
  FINISHED: "success",
  FAILED: "danger",
  DELETING: "warning",
};

const known = (status: string): status is JobStatusName => Object.hasOwn(tone, status);

/** A job's status; its meaning (JOB_STATUS_MEANINGS) is the tooltip. */
export function JobStatusBadge({ status, ...rest }: { status: string; "data-testid"?: string }) {
  return (
    <Badge
      tone={known(status) ? tone[status] : "neutral"}
      title={known(status) ? JOB_STATUS_MEANINGS[status] : undefined}
      data-testid={rest["data-testid"] ?? "job-status"}
      data-status={status}
    >
      {status.charAt(0) + status.slice(1).toLowerCase()}
    </Badge>
  );
}

export const jobStatusMeaning = (status: string) => (known(status) ? JOB_STATUS_MEANINGS[status] : "");

/** The controller's reason beside a status, red for a failure. */
export function JobReason({ status, reason, className }: { status: string; reason: string; className?: string }) {
  if (!reason) return null;
  return (
    <span
      className={cn("text-xs", status === "FAILED" ? "text-red-700" : "text-slate-500", className)}
      title={reason}
      data-testid="job-status-reason"
    >
      {reason}
    </span>
  );
}

/** "at-least-once" with its explanation, for a sink type. */
export function SinkGuarantee({ type, verbose = false }: { type: SinkType; verbose?: boolean }) {
  const g = SINK_GUARANTEES[type];
  return (
    <span data-testid="sink-guarantee" data-guarantee={g.guarantee}>
      <Badge tone={type === "postgres" ? "success" : "neutral"} title={g.detail}>
        {g.guarantee}
      </Badge>
      {verbose && <span className="ml-2 text-sm text-slate-600">{g.detail}</span>}
    </span>
  );
}
