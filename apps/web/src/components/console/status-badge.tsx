import type { ResourceStatusName } from "@weir/domain/status";
import { Badge, type BadgeTone } from "@weir/ui";

const tone: Record<ResourceStatusName, BadgeTone> = {
  READY: "success",
  RUNNING: "success",
  PROVISIONING: "brand",
  UPDATING: "brand",
  DELETING: "warning",
  DEGRADED: "warning",
  FAILED: "danger",
};

export function StatusBadge({ status, ...rest }: { status: string; "data-testid"?: string }) {
  return (
    <Badge
      tone={Object.hasOwn(tone, status) ? tone[status as ResourceStatusName] : "neutral"}
      data-testid={rest["data-testid"]}
      data-status={status}
    >
      {status.charAt(0) + status.slice(1).toLowerCase()}
    </Badge>
  );
}
