"use client";
import { Badge, Button, Card, CardHeader, Dialog, SelectField, Spinner, Table, Td, TextField, Th } from "@weir/ui";
import { Fragment, useEffect, useState } from "react";
import { toast } from "sonner";
import { fieldErrors } from "@/lib/errors";
import { useConsumerGroups, useResetOffsets } from "./hooks";

const PAGE_SIZE = 25;

type Group = NonNullable<ReturnType<typeof useConsumerGroups>["data"]>["items"][number];

export function ConsumerGroupsView({ clusterId }: { clusterId: string }) {
  const [search, setSearch] = useState("");
  const [debounced, setDebounced] = useState("");
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<string | null>(null);
  const [resetting, setResetting] = useState<Group | null>(null);
  useEffect(() => {
    const t = setTimeout(() => {
      setDebounced(search);
      setPage(1);
    }, 250);
    return () => clearTimeout(t);
  }, [search]);
  const groups = useConsumerGroups({ clusterId, search: debounced || undefined, page, pageSize: PAGE_SIZE });
  const data = groups.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;

  return (
    <div className="flex flex-col gap-6">
      <Card>
        <CardHeader title="Consumer groups" description={data ? `${data.total} groups` : undefined} />
        <div className="border-b border-slate-100 px-5 py-3">
          <TextField
            label="Search"
            hideLabel
            placeholder="Search groups"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            wrapperClassName="sm:w-80"
            data-testid="group-search"
          />
        </div>
        {groups.isPending ? (
          <div className="flex justify-center py-10 text-slate-400">
            <Spinner label="Loading consumer groups" />
          </div>
        ) : groups.isError ? (
          <p className="px-5 py-10 text-center text-sm text-amber-700">{groups.error.message}</p>
        ) : !data || data.items.length === 0 ? (
          <p className="px-5 py-10 text-center text-sm text-slate-500">No consumer groups.</p>
        ) : (
          <Table data-testid="groups-table">
            <thead>
              <tr>
                <Th>Group</Th>
                <Th>State</Th>
                <Th className="text-right">Members</Th>
                <Th>Topics</Th>
                <Th className="text-right">Total lag</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((g) => (
                <Fragment key={g.id}>
                  <tr data-testid="group-row" data-group={g.id}>
                    <Td className="font-medium text-slate-900">
                      <button
                        type="button"
                        className="hover:text-brand-700 hover:underline"
                        aria-expanded={open === g.id}
                        onClick={() => setOpen(open === g.id ? null : g.id)}
                      >
                        {g.id}
                      </button>
                    </Td>
                    <Td>
                      <Badge
                        tone={g.state === "STABLE" ? "success" : g.state === "EMPTY" ? "neutral" : "warning"}
                        data-testid="group-state"
                      >
                        {g.state.toLowerCase().replace("_", " ")}
                      </Badge>
                    </Td>
                    <Td className="text-right tabular-nums">{g.memberCount}</Td>
                    <Td className="text-xs">{g.topics.join(", ")}</Td>
                    <Td className="text-right font-semibold tabular-nums" data-testid="group-lag">
                      {g.totalLag}
                    </Td>
                    <Td className="text-right">
                      <Button size="sm" variant="secondary" onClick={() => setResetting(g)} data-testid="reset-offsets">
                        Reset offsets
                      </Button>
                    </Td>
                  </tr>
                  {open === g.id && (
                    <tr>
                      <td colSpan={6} className="bg-slate-50 px-4 py-3">
                        <table className="w-full text-xs" data-testid="group-partitions">
                          <thead className="text-slate-500">
                            <tr>
                              <th className="text-left">Topic</th>
                              <th className="text-right">Partition</th>
                              <th className="text-right">Committed</th>
                              <th className="text-right">Latest</th>
                              <th className="text-right">Lag</th>
                              <th className="pl-4 text-left">Member</th>
                            </tr>
                          </thead>
                          <tbody>
                            {g.partitions.map((p) => (
                              <tr key={`${p.topic}:${p.partition}`}>
                                <td>{p.topic}</td>
                                <td className="text-right tabular-nums">{p.partition}</td>
                                <td className="text-right tabular-nums">{p.committed ?? "—"}</td>
                                <td className="text-right tabular-nums">{p.latest}</td>
                                <td className="text-right tabular-nums">{p.lag}</td>
                                <td className="pl-4">
                                  {p.memberId
                                    ? (g.members.find((m) => m.id === p.memberId)?.clientId ?? p.memberId)
                                    : "—"}
                                </td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </Table>
        )}
        {data && data.total > PAGE_SIZE && (
          <div className="flex items-center justify-between px-5 py-3 text-sm text-slate-600">
            <span>
              Page {page} of {pages}
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
      {resetting && <ResetDialog clusterId={clusterId} group={resetting} onClose={() => setResetting(null)} />}
    </div>
  );
}

function ResetDialog({ clusterId, group, onClose }: { clusterId: string; group: Group; onClose: () => void }) {
  const reset = useResetOffsets();
  const [to, setTo] = useState<"earliest" | "latest" | "timestamp" | "offset">("earliest");
  const [topic, setTopic] = useState(group.topics[0] ?? "");
  const [partitions, setPartitions] = useState("");
  const [timestamp, setTimestamp] = useState("");
  const [offset, setOffset] = useState("");
  const errors = fieldErrors(reset.error);
  // A preview stands only for the inputs it was made with.
  const preview = reset.variables?.dryRun ? reset.data : undefined;
  const changed =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      reset.reset();
    };
  const run = (dryRun: boolean) =>
    reset.mutate(
      {
        clusterId,
        group: group.id,
        to,
        topic: topic || undefined,
        partitions: partitions.trim() ? partitions.split(",").map((p) => Number(p.trim())) : undefined,
        timestamp: to === "timestamp" && timestamp ? new Date(timestamp).toISOString() : undefined,
        offset: to === "offset" && offset ? offset : undefined,
        dryRun,
      },
      {
        onSuccess: (r) => {
          if (!r.dryRun) {
            toast.success(`Offsets of ${group.id} reset.`);
            onClose();
          }
        },
      },
    );
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Reset offsets of ${group.id}`}
      description="Only while the group is empty (no consumer running). Preview first: nothing changes until you apply."
      size="lg"
      data-testid="reset-dialog"
      footer={
        <>
          <Button
            variant="secondary"
            onClick={() => run(true)}
            pending={reset.isPending && reset.variables?.dryRun}
            data-testid="reset-preview"
          >
            Preview
          </Button>
          <Button
            variant="danger"
            disabled={!preview}
            onClick={() => run(false)}
            pending={reset.isPending && !reset.variables?.dryRun}
            data-testid="reset-apply"
          >
            Apply reset
          </Button>
        </>
      }
    >
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <SelectField
          label="Reset to"
          value={to}
          onChange={(e) => changed(setTo)(e.target.value as typeof to)}
          options={[
            { value: "earliest", label: "Earliest offset" },
            { value: "latest", label: "Latest offset (skip everything)" },
            { value: "timestamp", label: "A point in time" },
            { value: "offset", label: "A given offset" },
          ]}
          data-testid="reset-to"
        />
        <TextField
          label="Topic"
          value={topic}
          onChange={(e) => changed(setTopic)(e.target.value)}
          placeholder="All of the group's topics"
          error={errors.topic}
        />
        <TextField
          label="Partitions"
          value={partitions}
          onChange={(e) => changed(setPartitions)(e.target.value)}
          placeholder="All (or e.g. 0,2)"
          error={errors.partitions}
        />
        {to === "timestamp" && (
          <TextField
            label="Time"
            type="datetime-local"
            value={timestamp}
            onChange={(e) => changed(setTimestamp)(e.target.value)}
            error={errors.timestamp}
          />
        )}
        {to === "offset" && (
          <TextField
            label="Offset"
            value={offset}
            onChange={(e) => changed(setOffset)(e.target.value)}
            error={errors.offset}
          />
        )}
      </div>
      {errors.group && <p className="mt-3 text-sm text-red-600">{errors.group}</p>}
      {preview && (
        <Table className="mt-4" data-testid="reset-preview-table">
          <thead>
            <tr>
              <Th>Topic</Th>
              <Th className="text-right">Partition</Th>
              <Th className="text-right">Now</Th>
              <Th className="text-right">After</Th>
            </tr>
          </thead>
          <tbody>
            {preview.changes.map((c) => (
              <tr key={`${c.topic}:${c.partition}`} data-testid="reset-change">
                <Td>{c.topic}</Td>
                <Td className="text-right tabular-nums">{c.partition}</Td>
                <Td className="text-right tabular-nums">{c.from ?? "—"}</Td>
                <Td className="text-right tabular-nums">
                  {c.to}
                  {c.clamped && <Badge className="ml-1">clamped</Badge>}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Dialog>
  );
}
