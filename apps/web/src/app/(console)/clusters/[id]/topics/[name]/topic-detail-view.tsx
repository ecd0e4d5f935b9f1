"use client";
import { Badge, Button, Card, CardHeader, Dialog, Spinner, Table, Td, TextField, Th } from "@weir/ui";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { StatusBadge } from "@/components/console/status-badge";
import { fieldErrors } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useDeleteTopic, useImportTopic, useTopic, useUpdateTopic } from "../hooks";
import { COMMON_CONFIGS } from "../topics-view";

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

export function TopicDetailView({ clusterId, name }: { clusterId: string; name: string }) {
  const topic = useTopic(clusterId, name);
  const importTopic = useImportTopic();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const t = topic.data;
  if (topic.isPending) {
    return (
      <div className="flex justify-center py-16 text-slate-400">
        <Spinner label="Loading topic" />
      </div>
    );
  }
  if (!t) return <p className="text-sm text-slate-600">{topic.error?.message ?? "Topic not found."}</p>;
  const k = t.kafka;
  const totalMessages = k ? k.partitions.reduce((n, p) => n + BigInt(p.messages), 0n) : 0n;
  const totalSize = k ? k.partitions.reduce((n, p) => n + p.sizeBytes, 0) : 0;

  return (
    <div className="flex flex-col gap-6" data-testid="topic-detail">
      <Card>
        <CardHeader
          title={t.name}
          description={t.statusReason}
          actions={
            <div className="flex items-center gap-2">
              {t.managed ? (
                <StatusBadge status={t.status} data-testid="topic-status" />
              ) : (
                <Badge tone="neutral">Unmanaged</Badge>
              )}
              <Link
                href={`/clusters/${clusterId}/messages?topic=${encodeURIComponent(t.name)}`}
                className="text-sm font-medium text-brand-700 hover:underline"
              >
                Browse messages
              </Link>
              {t.managed ? (
                <>
                  <Button size="sm" variant="secondary" onClick={() => setEditing(true)} data-testid="edit-topic">
                    Edit
                  </Button>
                  <Button size="sm" variant="danger" onClick={() => setDeleting(true)} data-testid="delete-topic">
                    Delete
                  </Button>
                </>
              ) : (
                <Button
                  size="sm"
                  pending={importTopic.isPending}
                  onClick={() => importTopic.mutate({ clusterId, name: t.name })}
                >
                  Import
                </Button>
              )}
            </div>
          }
        />
        <dl className="grid grid-cols-2 gap-4 px-5 py-4 text-sm sm:grid-cols-5">
          <Stat label="Partitions" value={String(k?.partitions.length ?? t.partitions)} />
          <Stat label="Replication factor" value={String(t.replicationFactor)} />
          <Stat label="Messages" value={totalMessages.toString()} />
          <Stat label="Size" value={bytes(totalSize)} />
          <Stat label="Generation" value={`${t.observedGeneration} / ${t.generation}`} />
        </dl>
        {t.drift && (
          <div
            className="mx-5 mb-4 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
            data-testid="topic-drift"
          >
            <p className="font-medium">
              Config changed outside Weir at {formatDateTime(t.drift.detectedAt)}
              {t.drift.correctedAt ? `; corrected at ${formatDateTime(t.drift.correctedAt)}` : "; correcting"}.
            </p>
            <ul className="mt-1 list-disc pl-5">
              {t.drift.changes.map((c) => (
                <li key={c.key}>
                  <code>{c.key}</code> was {c.actual ?? "(default)"}, spec says {c.desired ?? "(default)"}
                </li>
              ))}
            </ul>
          </div>
        )}
      </Card>

      {k && (
        <Card>
          <CardHeader title="Partitions" description="Leader, replicas and in-sync replicas as Kafka reports them" />
          <Table data-testid="partitions-table">
            <thead>
              <tr>
                <Th>Partition</Th>
                <Th>Leader</Th>
                <Th>Replicas</Th>
                <Th>In sync</Th>
                <Th className="text-right">Earliest</Th>
                <Th className="text-right">Latest</Th>
                <Th className="text-right">Messages</Th>
                <Th className="text-right">Size</Th>
              </tr>
            </thead>
            <tbody>
              {k.partitions.map((p) => (
                <tr key={p.partition} data-testid="partition-row">
                  <Td className="tabular-nums">{p.partition}</Td>
                  <Td>{p.leader < 0 ? <Badge tone="danger">none</Badge> : p.leader}</Td>
                  <Td>{p.replicas.join(", ")}</Td>
                  <Td>
                    {p.isr.join(", ")}
                    {p.isr.length < p.replicas.length && (
                      <Badge tone="warning" className="ml-2">
                        under-replicated
                      </Badge>
                    )}
                  </Td>
                  <Td className="text-right tabular-nums">{p.earliestOffset}</Td>
                  <Td className="text-right tabular-nums">{p.latestOffset}</Td>
                  <Td className="text-right tabular-nums">{p.messages}</Td>
                  <Td className="text-right tabular-nums">{bytes(p.sizeBytes)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}

      {k && (
        <Card>
          <CardHeader
            title="Who may do what"
            description="ACL bindings that cover this topic (literal, prefix or *)"
            actions={
              <Link href={`/clusters/${clusterId}/acls`} className="text-sm font-medium text-brand-700 hover:underline">
                Manage ACLs
              </Link>
            }
          />
          {k.acls.length === 0 ? (
            <p className="px-5 py-6 text-sm text-slate-500">
              No ACL covers this topic: only the cluster admin can use it.
            </p>
          ) : (
            <Table data-testid="topic-acls">
              <thead>
                <tr>
                  <Th>Principal</Th>
                  <Th>Operation</Th>
                  <Th>Permission</Th>
                  <Th>Host</Th>
                  <Th>Via</Th>
                </tr>
              </thead>
              <tbody>
                {k.acls.map((a, i) => (
                  <tr key={i}>
                    <Td className="font-mono text-xs">{a.principal}</Td>
                    <Td>{a.operation}</Td>
                    <Td>
                      <Badge tone={a.permission === "ALLOW" ? "success" : "danger"}>{a.permission}</Badge>
                    </Td>
                    <Td>{a.host}</Td>
                    <Td>{a.via}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
      )}

      {k && (
        <Card>
          <CardHeader title="Configs" description="Values set on the topic are marked; the rest are defaults" />
          <Table data-testid="topic-configs">
            <thead>
              <tr>
                <Th>Key</Th>
                <Th>Value</Th>
                <Th>Source</Th>
              </tr>
            </thead>
            <tbody>
              {k.configs.map((c) => (
                <tr key={c.name} className={c.isTopicConfig ? "bg-brand-50/40" : undefined}>
                  <Td className="font-mono text-xs">{c.name}</Td>
                  <Td className="font-mono text-xs break-all">{c.value ?? "—"}</Td>
                  <Td>{c.isTopicConfig ? <Badge tone="brand">topic</Badge> : "default"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}

      {t.managed && (
        <EditTopicDialog
          open={editing}
          onClose={() => setEditing(false)}
          clusterId={clusterId}
          topic={{ name: t.name, partitions: t.partitions, configs: t.configs, generation: t.generation }}
        />
      )}
      <DeleteTopicDialog open={deleting} onClose={() => setDeleting(false)} clusterId={clusterId} name={t.name} />
    </div>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-0.5 font-semibold text-slate-900 tabular-nums">{value}</dd>
    </div>
  );
}

function EditTopicDialog({
  open,
  onClose,
  clusterId,
  topic,
}: {
  open: boolean;
  onClose: () => void;
  clusterId: string;
  topic: { name: string; partitions: number; configs: Record<string, string>; generation: number };
}) {
  const update = useUpdateTopic();
  const errors = fieldErrors(update.error);
  const [extraKey, setExtraKey] = useState("");
  const [extraValue, setExtraValue] = useState("");
  return (
    <Dialog
      open={open}
      onClose={() => {
        update.reset();
        onClose();
      }}
      title={`Edit ${topic.name}`}
      description="Empty a field to reset it to the cluster default. Partitions can only grow."
      size="lg"
      data-testid="edit-topic-dialog"
      footer={
        <Button type="submit" form="edit-topic-form" pending={update.isPending}>
          Save changes
        </Button>
      }
    >
      <form
        id="edit-topic-form"
        className="grid grid-cols-1 gap-4 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const configs: Record<string, string | null> = {};
          const keys = new Set([...COMMON_CONFIGS.map((c) => c.key), ...Object.keys(topic.configs)]);
          for (const key of keys) {
            const v = String(f.get(key) ?? "").trim();
            if (v && v !== topic.configs[key]) configs[key] = v;
            if (!v && key in topic.configs) configs[key] = null;
          }
          if (extraKey.trim()) configs[extraKey.trim()] = extraValue.trim();
          update.mutate(
            {
              clusterId,
              name: topic.name,
              partitions: Number(f.get("partitions")),
              configs,
              generation: topic.generation,
            },
            {
              onSuccess: () => {
                toast.success("Saved; the controller is applying it.");
                setExtraKey("");
                setExtraValue("");
                onClose();
              },
            },
          );
        }}
      >
        <TextField
          label="Partitions"
          name="partitions"
          type="number"
          min={1}
          defaultValue={topic.partitions}
          hint="Can only grow: Kafka cannot remove partitions"
          error={errors.partitions}
          wrapperClassName="sm:col-span-2"
        />
        {[...new Set([...COMMON_CONFIGS.map((c) => c.key), ...Object.keys(topic.configs)])].map((key) => (
          <TextField
            key={key}
            label={key}
            name={key}
            defaultValue={topic.configs[key] ?? ""}
            placeholder="default"
            error={errors[`configs.${key}`]}
          />
        ))}
        <TextField
          label="Other config key"
          value={extraKey}
          onChange={(e) => setExtraKey(e.target.value)}
          placeholder="segment.ms"
          error={extraKey ? errors[`configs.${extraKey.trim()}`] : undefined}
        />
        <TextField label="Value" value={extraValue} onChange={(e) => setExtraValue(e.target.value)} />
        {errors.generation && <p className="text-sm text-red-600 sm:col-span-2">{errors.generation}</p>}
      </form>
    </Dialog>
  );
}

function DeleteTopicDialog({
  open,
  onClose,
  clusterId,
  name,
}: {
  open: boolean;
  onClose: () => void;
  clusterId: string;
  name: string;
}) {
  const del = useDeleteTopic();
  const router = useRouter();
  const [confirm, setConfirm] = useState("");
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={`Delete ${name}?`}
      description="The topic and every message in it are deleted from Kafka. Type the topic's name to confirm."
      data-testid="delete-topic-dialog"
      footer={
        <Button
          variant="danger"
          disabled={confirm !== name}
          pending={del.isPending}
          onClick={() =>
            del.mutate(
              { clusterId, name, confirm },
              {
                onSuccess: () => {
                  toast.success(`Deleting ${name}.`);
                  router.push(`/clusters/${clusterId}/topics`);
                },
              },
            )
          }
        >
          Delete topic
        </Button>
      }
    >
      <TextField label="Topic name" value={confirm} onChange={(e) => setConfirm(e.target.value)} placeholder={name} />
    </Dialog>
  );
}
