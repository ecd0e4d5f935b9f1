"use client";
import { SelectField } from "@weir/ui";

export type ClusterRuntime = "local" | "kubernetes";

export const RUNTIME_LABELS: Record<ClusterRuntime, string> = {
  local: "This host (local processes)",
  kubernetes: "Kubernetes (operator resources)",
};

/**
 * Where a new cluster runs; shown only when the server offers more than one runtime (Kubernetes is
 * offered once a Kubernetes API is configured). `what` says what Kubernetes runs for this kind.
 */
export function RuntimeField(props: {
  runtimes: ClusterRuntime[];
  value: ClusterRuntime;
  onChange: (runtime: ClusterRuntime) => void;
  error?: string | undefined;
  what: string;
}) {
  if (props.runtimes.length < 2) return null;
  return (
    <SelectField
      label="Runs on"
      name="runtime"
      value={props.value}
      onChange={(e) => props.onChange(e.target.value as ClusterRuntime)}
      options={props.runtimes.map((r) => ({ value: r, label: RUNTIME_LABELS[r] }))}
      error={props.error}
      hint={props.value === "kubernetes" ? props.what : "Processes the controller starts and supervises on its host."}
    />
  );
}
