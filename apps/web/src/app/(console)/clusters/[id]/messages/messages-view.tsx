"use client";
import { BROWSE_LIMIT, BROWSE_SCAN } from "@weir/domain/rules";
import { Badge, Button, Card, CardHeader, SelectField, Spinner, Table, Td, TextField, Th } from "@weir/ui";
import { Fragment, useState } from "react";
import { toast } from "sonner";
import { errorMessage, fieldErrors } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useBrowseMessages, useExportMessages, useProduceMessage, type BrowseInput } from "./hooks";

type From = "newest" | "offset" | "timestamp";

export function MessagesView({ clusterId, initialTopic }: { clusterId: string; initialTopic: string }) {
  const [query, setQuery] = useState<BrowseInput | null>(null);
  const [from, setFrom] = useState<From>("newest");
  const [open, setOpen] = useState<string | null>(null);
  const browse = useBrowseMessages(query);
  const exp = useExportMessages();
  const errors = fieldErrors(browse.error);
  const res = browse.data;

  return (
    <div className="flex flex-col gap-6">
      <Card>
        <CardHeader
          title="Message browser"
          description="Reads run on the server and stop at the scan bound; filters apply while scanning."
        />
        <form
          className="grid grid-cols-1 gap-4 px-5 py-4 sm:grid-cols-4"
          data-testid="browse-form"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            const text = (k: string) => String(f.get(k) ?? "").trim() || undefined;
            const num = (k: string) => (text(k) === undefined ? undefined : Number(text(k)));
            const ts = text("timestamp");
            setOpen(null);
            setQuery({
              clusterId,
              name: String(f.get("topic")).trim(),
              partition: num("partition"),
              from,
              offset: from === "offset" ? num("offset") : undefined,
              timestamp: from === "timestamp" && ts ? String(new Date(ts).getTime()) : undefined,
              limit: num("limit") ?? BROWSE_LIMIT.default,
              maxScan: num("maxScan") ?? BROWSE_SCAN.default,
              key: text("key"),
              value: text("value"),
              jsonPath: text("jsonPath"),
              jsonValue: text("jsonValue"),
            });
          }}
        >
          <TextField
            label="Topic"
            name="topic"
            required
            defaultValue={initialTopic}
            error={errors.name}
            data-testid="browse-topic"
          />
          <TextField
            label="Partition"
            name="partition"
            type="number"
            min={0}
            placeholder="All"
            error={errors.partition}
          />
          <SelectField
            label="Start"
            value={from}
            onChange={(e) => setFrom(e.target.value as From)}
            options={[
              { value: "newest", label: "Newest" },
              { value: "offset", label: "From an offset" },
              { value: "timestamp", label: "From a time" },
            ]}
          />
          {from === "offset" ? (
            <TextField label="Offset" name="offset" type="number" min={0} required error={errors.offset} />
          ) : from === "timestamp" ? (
            <TextField label="Time" name="timestamp" type="datetime-local" required error={errors.timestamp} />
          ) : (
            <div />
          )}
          <TextField label="Key contains" name="key" error={errors.key} data-testid="filter-key" />
          <TextField label="Value contains" name="value" error={errors.value} data-testid="filter-value" />
          <TextField
            label="JSON path"
            name="jsonPath"
            placeholder="$.user.id"
            error={errors.jsonPath}
            data-testid="filter-jsonpath"
          />
          <TextField
            label="…equals"
            name="jsonValue"
            placeholder="42"
            error={errors.jsonValue}
            data-testid="filter-jsonvalue"
          />
          <TextField
            label="Show at most"
            name="limit"
            type="number"
            min={1}
            max={BROWSE_LIMIT.max}
            defaultValue={BROWSE_LIMIT.default}
            error={errors.limit}
          />
          <TextField
            label="Scan at most"
            name="maxScan"
            type="number"
            min={1}
            max={BROWSE_SCAN.max}
            defaultValue={BROWSE_SCAN.default}
            hint="Records read, matching or not"
            error={errors.maxScan}
          />
          <div className="flex items-start gap-2 sm:col-span-2 sm:mt-6">
            <Button type="submit" pending={browse.isFetching} data-testid="browse-submit">
              Search
            </Button>
            <Button
              type="button"
              variant="secondary"
              disabled={!query}
              pending={exp.isPending && exp.variables?.format === "json"}
              onClick={() =>
                query && exp.mutate({ ...query, format: "json" }, { onError: (e) => toast.error(errorMessage(e)) })
              }
              data-testid="export-json"
            >
              Export JSON
            </Button>
            <Button
              type="button"
              variant="secondary"
              disabled={!query}
              pending={exp.isPending && exp.variables?.format === "csv"}
              onClick={() => query && exp.mutate({ ...query, format: "csv" })}
              data-testid="export-csv"
            >
              Export CSV
            </Button>
          </div>
        </form>
        {browse.isError && !Object.keys(errors).length && (
          <p className="px-5 pb-4 text-sm text-red-600">{browse.error.message}</p>
        )}
        {browse.isFetching && !res && (
          <div className="flex justify-center py-10 text-slate-400">
            <Spinner label="Reading messages" />
          </div>
        )}
        {res && (
          <>
            <p className="border-t border-slate-100 px-5 py-2 text-xs text-slate-600" data-testid="browse-summary">
              Scanned {res.scanned} record{res.scanned === 1 ? "" : "s"}, showing {res.returned}
              {res.truncated ? " — the scan bound stopped the read; raise it or narrow the start to see more." : "."}
            </p>
            {res.messages.length === 0 ? (
              <p className="px-5 py-8 text-center text-sm text-slate-500">No message matched.</p>
            ) : (
              <Table data-testid="messages-table">
                <thead>
                  <tr>
                    <Th>Partition</Th>
                    <Th>Offset</Th>
                    <Th>Time</Th>
                    <Th>Key</Th>
                    <Th>Value</Th>
                  </tr>
                </thead>
                <tbody>
                  {res.messages.map((m) => {
                    const id = `${m.partition}:${m.offset}`;
                    return (
                      <Fragment key={id}>
                        <tr
                          data-testid="message-row"
                          className="cursor-pointer hover:bg-slate-50"
                          onClick={() => setOpen(open === id ? null : id)}
                        >
                          <Td className="tabular-nums">{m.partition}</Td>
                          <Td className="tabular-nums">{m.offset}</Td>
                          <Td className="whitespace-nowrap">{formatDateTime(m.timestamp)}</Td>
                          <Td className="font-mono text-xs">
                            {m.key.text ?? <span className="text-slate-400">null</span>}
                          </Td>
                          <Td className="max-w-md truncate font-mono text-xs">
                            {m.value.encoding !== "text" && <Badge className="mr-1">{m.value.encoding}</Badge>}
                            {m.value.text?.replace(/\s+/g, " ")}
                          </Td>
                        </tr>
                        {open === id && (
                          <tr>
                            <td colSpan={5} className="bg-slate-50 px-4 py-3" data-testid="message-detail">
                              <pre className="overflow-x-auto font-mono text-xs whitespace-pre-wrap text-slate-800">
                                {m.value.text}
                              </pre>
                              {m.headers.length > 0 && (
                                <dl className="mt-2 text-xs text-slate-600">
                                  {m.headers.map((h, i) => (
                                    <div key={i}>
                                      <dt className="inline font-semibold">{h.key}</dt>:{" "}
                                      <dd className="inline font-mono">{h.value.text}</dd>
                                    </div>
                                  ))}
                                </dl>
                              )}
                            </td>
                          </tr>
                        )}
                      </Fragment>
                    );
                  })}
                </tbody>
              </Table>
            )}
          </>
        )}
      </Card>
      <ProduceCard clusterId={clusterId} initialTopic={initialTopic} />
    </div>
  );
}

function ProduceCard({ clusterId, initialTopic }: { clusterId: string; initialTopic: string }) {
  const produce = useProduceMessage();
  const errors = fieldErrors(produce.error);
  return (
    <Card>
      <CardHeader
        title="Produce a message"
        description="Headers one per line as name=value. Leave the partition empty for Kafka's default."
      />
      <form
        className="grid grid-cols-1 gap-4 px-5 py-4 sm:grid-cols-3"
        data-testid="produce-form"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const headers: Record<string, string> = {};
          for (const line of String(f.get("headers") ?? "").split("\n")) {
            const i = line.indexOf("=");
            if (i > 0) headers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
          }
          const partition = String(f.get("partition") ?? "").trim();
          const key = String(f.get("key") ?? "");
          produce.mutate(
            {
              clusterId,
              name: String(f.get("topic")).trim(),
              key: key === "" ? null : key,
              value: String(f.get("value") ?? ""),
              headers,
              ...(partition ? { partition: Number(partition) } : {}),
            },
            { onSuccess: (r) => toast.success(`Produced to partition ${r.partition} at offset ${r.offset}.`) },
          );
        }}
      >
        <TextField
          label="Topic"
          name="topic"
          required
          defaultValue={initialTopic}
          error={errors.name}
          data-testid="produce-topic"
        />
        <TextField
          label="Partition"
          name="partition"
          type="number"
          min={0}
          placeholder="Default"
          error={errors.partition}
        />
        <TextField label="Key" name="key" error={errors.key} data-testid="produce-key" />
        <label className="flex flex-col gap-1 text-sm font-medium text-slate-700 sm:col-span-2">
          Value
          <textarea
            name="value"
            rows={5}
            className="rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
            placeholder='{"hello": "world"}'
            data-testid="produce-value"
          />
          {errors.value && <span className="text-xs text-red-600">{errors.value}</span>}
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
          Headers
          <textarea
            name="headers"
            rows={5}
            className="rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
            placeholder="source=console"
            data-testid="produce-headers"
          />
        </label>
        <div>
          <Button type="submit" pending={produce.isPending} data-testid="produce-submit">
            Produce
          </Button>
        </div>
      </form>
    </Card>
  );
}
