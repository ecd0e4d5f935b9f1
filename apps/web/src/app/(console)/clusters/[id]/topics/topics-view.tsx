"use client";
import { TOPIC_CONFIGS, TOPIC_NAME_MAX, type TopicConfigKey } from "@weir/domain/rules";
import { Badge, Button, Card, CardHeader, Dialog, SelectField, Spinner, Table, Td, TextField, Th } from "@weir/ui";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { StatusBadge } from "@/components/console/status-badge";
import { fieldErrors } from "@/lib/errors";
import { useCreateTopic, useImportTopic, useTopics } from "./hooks";

const PAGE_SIZE = 50;

/** The configs offered when creating a topic (any other key can be added on the topic's page). */
export const COMMON_CONFIGS: { key: TopicConfigKey; label: string; placeholder: string; hint: string }[] = [
  { key: "retention.ms", label: "Retention (ms)", placeholder: "604800000", hint: "-1 keeps messages forever" },
  { key: "retention.bytes", label: "Retention (bytes per partition)", placeholder: "-1", hint: "-1 for no size limit" },
  {
    key: "cleanup.policy",
    label: "Cleanup policy",
    placeholder: "delete",
    hint: `${TOPIC_CONFIGS["cleanup.policy"].values.join(" or ")}, or both comma-separated`,
  },
  {
    key: "min.insync.replicas",
    label: "Min in-sync replicas",
    placeholder: "1",
    hint: "At most the replication factor",
  },
  { key: "max.message.bytes", label: "Max message bytes", placeholder: "1048588", hint: "Largest batch accepted" },
  {
    key: "compression.type",
    label: "Compression",
    placeholder: "producer",
    hint: TOPIC_CONFIGS["compression.type"].values.join(", "),
  },
];

export function TopicsView({ clusterId }: { clusterId: string }) {
  const [search, setSearch] = useState("");
  const [debounced, setDebounced] = useState("");
  const [filter, setFilter] = useState<"all" | "managed" | "unmanaged">("all");
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => {
      setDebounced(search);
      setPage(1);
    }, 250);
    return () => clearTimeout(t);
  }, [search]);
  const topics = useTopics({ clusterId, search: debounced || undefined, filter, page, pageSize: PAGE_SIZE });
  const importTopic = useImportTopic();
  const data = topics.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;

  return (
    <div className="flex flex-col gap-6">
      <Card>
        <CardHeader
          title="Topics"
          description={
            data
              ? `${data.managedCount} managed by Weir, ${data.unmanagedCount} created outside Weir`
              : "Topics of this cluster"
          }
          actions={
            <Button onClick={() => setCreating(true)} data-testid="create-topic">
              Create topic
            </Button>
          }
        />
        <div className="flex flex-col gap-3 border-b border-slate-100 px-5 py-3 sm:flex-row sm:items-end">
          <TextField
            label="Search"
            hideLabel
            placeholder="Search topics by name"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            wrapperClassName="sm:w-80"
            data-testid="topic-search"
          />
          <SelectField
            label="Show"
            hideLabel
            value={filter}
            onChange={(e) => {
              setFilter(e.target.value as typeof filter);
              setPage(1);
            }}
            options={[
              { value: "all", label: "All topics" },
              { value: "managed", label: "Managed by Weir" },
              { value: "unmanaged", label: "Created outside Weir" },
            ]}
            wrapperClassName="sm:w-56"
          />
          {data?.kafkaError && <p className="text-sm text-amber-700">{data.kafkaError}</p>}
        </div>
        {topics.isPending ? (
          <div className="flex justify-center py-10 text-slate-400">
            <Spinner label="Loading topics" />
          </div>
        ) : !data || data.items.length === 0 ? (
          <p className="px-5 py-10 text-center text-sm text-slate-500" data-testid="topics-empty">
            {debounced ? `No topic matches “${debounced}”.` : "No topics yet. Create one to start producing."}
          </p>
        ) : (
          <Table data-testid="topics-table">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th className="text-right">Partitions</Th>
                <Th className="text-right">Replicas</Th>
                <Th>Status</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((t) => (
                <tr key={t.name} data-testid="topic-row" data-name={t.name}>
                  <Td className="font-medium text-slate-900">
                    <Link
                      href={`/clusters/${clusterId}/topics/${encodeURIComponent(t.name)}`}
                      className="hover:text-brand-700 hover:underline"
                    >
                      {t.name}
                    </Link>
                  </Td>
                  <Td className="text-right tabular-nums">{t.partitions}</Td>
                  <Td className="text-right tabular-nums">
                    {t.replicationFactor}
                    {t.underReplicated ? (
                      <Badge tone="warning" className="ml-2">
                        {t.underReplicated} under-replicated
                      </Badge>
                    ) : null}
                  </Td>
                  <Td>
                    <div className="flex items-center gap-2">
                      {t.managed ? <StatusBadge status={t.status} /> : <Badge tone="neutral">Unmanaged</Badge>}
                      {t.drift && !t.drift.correctedAt && <Badge tone="warning">Drift</Badge>}
                      {t.drift?.correctedAt && (
                        <Badge tone="brand" title={`Corrected ${t.drift.correctedAt}`}>
                          Drift corrected
                        </Badge>
                      )}
                    </div>
                  </Td>
                  <Td className="text-right">
                    {!t.managed && (
                      <Button
                        size="sm"
                        variant="secondary"
                        pending={importTopic.isPending && importTopic.variables?.name === t.name}
                        onClick={() =>
                          importTopic.mutate(
                            { clusterId, name: t.name },
                            { onSuccess: () => toast.success(`Imported ${t.name}: Weir now manages it.`) },
                          )
                        }
                      >
                        Import
                      </Button>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {data && data.total > PAGE_SIZE && (
          <div
            className="flex items-center justify-between px-5 py-3 text-sm text-slate-600"
            data-testid="topics-pager"
          >
            <span>
              Page {page} of {pages} · {data.total} topics
            </span>
            <div className="flex gap-2">
              <Button size="sm" variant="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                Previous
              </Button>
              <Button size="sm" variant="secondary" disabled={page >= pages} onClick={() => setPage(page + 1)}>
                Next
              </Button>
            </div>
          </div>
        )}
      </Card>
      <CreateTopicDialog clusterId={clusterId} open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}

function CreateTopicDialog({ clusterId, open, onClose }: { clusterId: string; open: boolean; onClose: () => void }) {
  const create = useCreateTopic();
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const errors = fieldErrors(create.error);
  return (
    <Dialog
      open={open}
      onClose={() => {
        create.reset();
        onClose();
      }}
      title="Create a topic"
      description="Kafka checks the request before Weir saves it; the controller then creates the topic."
      size="lg"
      data-testid="create-topic-dialog"
      footer={
        <Button type="submit" form="create-topic-form" pending={create.isPending}>
          Create topic
        </Button>
      }
    >
      <form
        id="create-topic-form"
        ref={form}
        className="grid grid-cols-1 gap-4 sm:grid-cols-3"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const configs: Record<string, string> = {};
          for (const c of COMMON_CONFIGS) {
            const v = String(f.get(c.key) ?? "").trim();
            if (v) configs[c.key] = v;
          }
          const rf = String(f.get("replicationFactor") ?? "").trim();
          create.mutate(
            {
              clusterId,
              name: String(f.get("name")).trim(),
              partitions: Number(f.get("partitions")),
              ...(rf ? { replicationFactor: Number(rf) } : {}),
              configs,
            },
            {
              onSuccess: (t) => {
                toast.success(`Topic ${t.name} created.`);
                form.current?.reset();
                onClose();
                router.push(`/clusters/${clusterId}/topics/${encodeURIComponent(t.name)}`);
              },
            },
          );
        }}
      >
        <TextField
          label="Name"
          name="name"
          required
          maxLength={TOPIC_NAME_MAX}
          placeholder="orders.v1"
          error={errors.name}
          wrapperClassName="sm:col-span-3"
        />
        <TextField
          label="Partitions"
          name="partitions"
          type="number"
          min={1}
          defaultValue={3}
          error={errors.partitions}
        />
        <TextField
          label="Replication factor"
          name="replicationFactor"
          type="number"
          min={1}
          placeholder="Cluster default"
          error={errors.replicationFactor}
        />
        <div />
        {COMMON_CONFIGS.map((c) => (
          <TextField
            key={c.key}
            label={c.label}
            name={c.key}
            placeholder={c.placeholder}
            hint={c.hint}
            error={errors[`configs.${c.key}`]}
          />
        ))}
        {Object.entries(errors)
          .filter(([k]) => k.startsWith("configs.") && !COMMON_CONFIGS.some((c) => `configs.${c.key}` === k))
          .map(([k, v]) => (
            <p key={k} className="text-xs text-red-600 sm:col-span-3">
              {k}: {v}
            </p>
          ))}
      </form>
    </Dialog>
  );
}
