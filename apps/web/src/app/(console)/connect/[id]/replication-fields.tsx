"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { describeAclPatterns, mirrorRegexProblem, regexAclPatterns, REPLICATION_POLICY_NOTE } from "@weir/domain/rules";
import { SelectField, TextField } from "@weir/ui";
import { useTRPC } from "@/lib/trpc";
import { useClusters } from "../../clusters/hooks";
import type { ConnectCluster } from "../hooks";

export interface ReplicationFieldsValue {
  sourceKafkaClusterId: string;
  topics: string;
  syncGroupOffsets: boolean;
  groups: string;
}

export const EMPTY_REPLICATION: ReplicationFieldsValue = {
  sourceKafkaClusterId: "",
  topics: "",
  syncGroupOffsets: true,
  groups: ".*",
};

/** The server's field names for what this form shows. */
export const REPLICATION_FIELDS = ["sourceKafkaClusterId", "topics", "groups", "syncGroupOffsets"];

/** The create body, or the form field that is wrong (checked here first, as the API does). */
type ReplicationBody = {
  id: string;
  name: string;
  sourceKafkaClusterId: string;
  topics: string;
  syncGroupOffsets: boolean;
  groups?: string;
};

export function replicationBody(
  clusterId: string,
  name: string,
  v: ReplicationFieldsValue,
): { body: ReplicationBody } | { field: string; error: string } {
  if (!v.sourceKafkaClusterId) return { field: "sourceKafkaClusterId", error: "Pick the cluster to copy from" };
  const topics = mirrorRegexProblem(v.topics);
  if (topics) return { field: "topics", error: topics };
  const groups = v.syncGroupOffsets ? mirrorRegexProblem(v.groups) : null;
  if (groups) return { field: "groups", error: groups };
  return {
    body: {
      id: clusterId,
      name,
      sourceKafkaClusterId: v.sourceKafkaClusterId,
      topics: v.topics,
      syncGroupOffsets: v.syncGroupOffsets,
      ...(v.syncGroupOffsets ? { groups: v.groups } : {}),
    },
  };
}

export function useCreateReplication() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.connectors.createReplication.mutationOptions({
      // The form shows the objections under each field, not in a toast.
      meta: { toast: false },
      onSuccess: () =>
        Promise.all([
          queryClient.invalidateQueries(trpc.connectors.pathFilter()),
          queryClient.invalidateQueries(trpc.connectClusters.pathFilter()),
        ]),
    }),
  );
}

/**
 * "Replicate from another Weir cluster": MirrorMaker 2 copying the topics a regex matches from
 * another Kafka cluster of the organisation into this Connect cluster's own, under the same names,
 * with consumer groups' offsets following; a preview of what each side's user may do.
 */
export function ReplicationFields({
  cluster: c,
  value: v,
  onChange,
  errors,
}: {
  cluster: ConnectCluster;
  value: ReplicationFieldsValue;
  onChange: (v: ReplicationFieldsValue) => void;
  errors: Record<string, string | undefined>;
}) {
  const set = (patch: Partial<ReplicationFieldsValue>) => onChange({ ...v, ...patch });
  const clusters = useClusters();
  const sources = (clusters.data?.items ?? []).filter((k) => k.id !== c.kafkaCluster?.id && k.status !== "DELETING");
  const source = sources.find((k) => k.id === v.sourceKafkaClusterId);
  const topicsProblem = v.topics ? mirrorRegexProblem(v.topics) : null;
  const covers = v.topics && !topicsProblem ? describeAclPatterns(regexAclPatterns(v.topics)) : null;
  return (
    <>
      <SelectField
        label="Source Kafka cluster"
        name="sourceKafkaClusterId"
        value={v.sourceKafkaClusterId}
        onChange={(e) => set({ sourceKafkaClusterId: e.target.value })}
        options={[
          { value: "", label: sources.length === 0 ? "No other Kafka cluster in this organisation" : "Pick a cluster" },
          ...sources.map((k) => ({ value: k.id, label: `${k.name} (${k.status.toLowerCase()})` })),
        ]}
        error={errors.sourceKafkaClusterId}
        hint={`Copied into ${c.kafkaCluster?.name ?? "this Connect cluster's Kafka cluster"}.`}
      />
      <TextField
        label="Topics (regex)"
        name="topics"
        value={v.topics}
        onChange={(e) => set({ topics: e.target.value })}
        placeholder="orders.* or .* for every topic"
        error={errors.topics ?? topicsProblem ?? undefined}
        hint="A Java regex matched against whole topic names; alternatives with |. New matching topics are picked up within 30 s."
      />
      <label className="flex items-start gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          name="syncGroupOffsets"
          checked={v.syncGroupOffsets}
          onChange={(e) => set({ syncGroupOffsets: e.target.checked })}
          className="mt-0.5"
        />
        <span>
          Sync consumer-group offsets
          <span className="block text-xs text-slate-500">
            Groups that committed offsets on the source get them translated here, so a consumer moved over resumes where
            it stopped instead of from the start (only while the group has no member here).
          </span>
        </span>
      </label>
      {v.syncGroupOffsets && (
        <TextField
          label="Consumer groups (regex)"
          name="groups"
          value={v.groups}
          onChange={(e) => set({ groups: e.target.value })}
          error={errors.groups ?? (v.groups ? (mirrorRegexProblem(v.groups) ?? undefined) : undefined)}
        />
      )}
      <div className="rounded-md bg-slate-50 px-3 py-2 text-sm" data-testid="replication-preview">
        <p className="font-medium text-slate-700">Replication policy: topic names kept</p>
        <p className="mt-1 text-xs text-slate-600">{REPLICATION_POLICY_NOTE}</p>
        {covers && (
          <p className="mt-1 text-xs text-slate-600">
            Weir creates a read-only user on {source?.name ?? "the source"} that may read {covers}
            {v.syncGroupOffsets ? " and describe the consumer groups" : ""}; the connector&rsquo;s own user here may
            write {covers} and MirrorMaker 2&rsquo;s offset-sync{v.syncGroupOffsets ? " and checkpoint" : ""} topics.
            Neither password is ever shown.
          </p>
        )}
      </div>
    </>
  );
}
