"use client";
import { Button } from "@weir/ui";
import { CodeField } from "@/components/console/code-field";
import { errorMessage } from "@/lib/errors";
import { useInferSchema } from "./hooks";

/**
 * The JSON values' schema as Spark DDL, with "Infer from messages": Weir samples the topic's
 * latest messages and proposes a schema, which lands in the field for editing.
 */
export function SchemaField({
  kafkaClusterId,
  topic,
  value,
  onChange,
  error,
  label = "Value schema (JSON)",
  rows = 3,
  optional = false,
}: {
  kafkaClusterId: string;
  /** The topic sampled by "Infer"; none disables it. */
  topic: string | undefined;
  value: string;
  onChange: (schema: string) => void;
  error?: string | undefined;
  label?: string;
  rows?: number;
  optional?: boolean;
}) {
  const infer = useInferSchema();
  const canInfer = Boolean(kafkaClusterId && topic);
  return (
    <div className="flex flex-col gap-1.5">
      <CodeField
        label={label}
        rows={rows}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder="product STRING, amount DOUBLE, ts TIMESTAMP"
        error={error}
        hint={
          optional
            ? "Optional: without one the view has the raw Kafka columns (key, value as binary, topic, partition, offset, timestamp)."
            : "Spark DDL: column names and types, comma-separated."
        }
        data-testid="schema-field"
      />
      <div className="flex flex-wrap items-center gap-3">
        <Button
          type="button"
          size="sm"
          variant="secondary"
          disabled={!canInfer}
          pending={infer.isPending}
          title={canInfer ? `Sample the latest messages of ${topic}` : "Choose a source topic first"}
          onClick={() =>
            infer.mutate({ clusterId: kafkaClusterId, name: topic! }, { onSuccess: (r) => onChange(r.schema) })
          }
          data-testid="infer-schema"
        >
          Infer from messages
        </Button>
        {infer.isSuccess && (
          <span className="text-xs text-slate-500" data-testid="infer-schema-result">
            Inferred from {infer.data.sampled} {infer.data.sampled === 1 ? "message" : "messages"} of {topic}; edit it
            as needed.
          </span>
        )}
        {infer.isError && (
          <span className="text-xs text-red-600" role="alert">
            {errorMessage(infer.error)}
          </span>
        )}
      </div>
    </div>
  );
}
