import { Badge, Table, Td, Th } from "@weir/ui";
import type { ReactNode } from "react";
import { formatDateTime, formatRelative } from "@/lib/format";

/** One labelled figure in a status card's grid. */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-slate-900">{children}</dd>
    </div>
  );
}

interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastTransitionTime: string;
}

/** The conditions the controller reports on a resource, as Kubernetes shows them. */
export function ConditionsTable({ conditions }: { conditions: readonly Condition[] }) {
  if (conditions.length === 0) return null;
  return (
    <div className="overflow-hidden rounded-md border border-slate-200">
      <Table data-testid="cluster-conditions">
        <thead>
          <tr>
            <Th>Condition</Th>
            <Th>Status</Th>
            <Th>Reason</Th>
            <Th>Since</Th>
          </tr>
        </thead>
        <tbody>
          {conditions.map((k) => (
            <tr key={k.type} data-testid="condition-row" data-type={k.type} data-status={k.status}>
              <Td className="font-medium text-slate-900">{k.type}</Td>
              <Td>
                <Badge tone={k.status === "True" ? "success" : k.status === "False" ? "warning" : "neutral"}>
                  {k.status}
                </Badge>
              </Td>
              <Td>
                <span className="font-medium text-slate-700">{k.reason}</span>
                {k.message && <span className="block text-xs text-slate-500">{k.message}</span>}
              </Td>
              <Td className="whitespace-nowrap" title={formatDateTime(k.lastTransitionTime)}>
                {formatRelative(k.lastTransitionTime)}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}
