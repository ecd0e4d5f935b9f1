"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Badge, Button, Card, PageHeader, Spinner, Table, Td, TextField, Th } from "@weir/ui";
import { useState } from "react";
import { errorMessage } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC, useTRPCClient } from "@/lib/trpc";

interface Filters {
  actor?: string;
  action?: string;
  resourceType?: string;
}

const PAGE_SIZE = 50;
const knownActions = [
  "api_key.",
  "api_key.create",
  "api_key.revoke",
  "member.",
  "member.add",
  "member.update_role",
  "member.remove",
  "organization.create",
  "user.sign_up",
  "user.sign_in",
];
const knownResourceTypes = ["api_key", "member", "organization", "user"];

// Paged by hand rather than with infiniteQueryOptions: tRPC adds a `direction` field to
// infinite-query input, which audit.list's strict input schema rejects.
function useAuditEvents(filters: Filters) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  return useInfiniteQuery({
    queryKey: trpc.audit.list.infiniteQueryKey({ ...filters, limit: PAGE_SIZE }),
    queryFn: ({ pageParam, signal }) =>
      client.audit.list.query(
        { ...filters, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) },
        { signal },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

function readFilters(form: HTMLFormElement): Filters {
  const f = new FormData(form);
  const out: Filters = {};
  for (const key of ["actor", "action", "resourceType"] as const) {
    const v = String(f.get(key) ?? "").trim();
    if (v) out[key] = v;
  }
  return out;
}

export function AuditLogView() {
  const [filters, setFilters] = useState<Filters>({});
  const events = useAuditEvents(filters);
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Object.keys(filters).length > 0;

  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="Audit log"
        description="Every change in this organisation: who made it, from where, and when. Newest first."
      />
      <Card>
        <form
          aria-label="Filter audit events"
          data-testid="audit-filters"
          className="flex flex-col gap-4 px-5 py-4 md:flex-row md:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            setFilters(readFilters(e.currentTarget));
          }}
          onReset={() => setFilters({})}
        >
          <TextField label="Actor" name="actor" placeholder="email or key:NAME" wrapperClassName="md:flex-1" />
          <TextField
            label="Action"
            name="action"
            placeholder="api_key.create or api_key."
            list="audit-actions"
            wrapperClassName="md:flex-1"
          />
          <datalist id="audit-actions">
            {knownActions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
          <TextField
            label="Resource type"
            name="resourceType"
            placeholder="api_key"
            list="audit-resource-types"
            wrapperClassName="md:w-48"
          />
          <datalist id="audit-resource-types">
            {knownResourceTypes.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
          <div className="flex gap-2">
            <Button type="submit">Apply filters</Button>
            <Button type="reset" variant="secondary" disabled={!filtered}>
              Clear
            </Button>
          </div>
        </form>
      </Card>

      <Card>
        {events.isPending ? (
          <div className="flex justify-center py-10 text-slate-400">
            <Spinner label="Loading audit events" />
          </div>
        ) : events.isError ? (
          <p className="px-5 py-10 text-center text-sm text-red-600" role="alert">
            {errorMessage(events.error)}
          </p>
        ) : items.length === 0 ? (
          <p className="px-5 py-12 text-center text-sm text-slate-500" data-testid="audit-empty">
            {filtered ? "No events match these filters." : "No events yet."}
          </p>
        ) : (
          <Table data-testid="audit-table">
            <thead>
              <tr>
                <Th>When</Th>
                <Th>Who</Th>
                <Th>Action</Th>
                <Th>Resource</Th>
                <Th>IP</Th>
                <Th>User agent</Th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                  <Td className="text-xs whitespace-nowrap text-slate-600 tabular-nums">
                    {formatDateTime(e.createdAt)}
                  </Td>
                  <Td>
                    <span className="flex items-center gap-1.5">
                      {e.actorType !== "USER" && (
                        <Badge tone={e.actorType === "API_KEY" ? "brand" : "neutral"}>
                          {e.actorType === "API_KEY" ? "Key" : "System"}
                        </Badge>
                      )}
                      <span className="block max-w-44 truncate" title={e.actorLabel}>
                        {e.actorLabel}
                      </span>
                    </span>
                  </Td>
                  <Td>
                    <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs whitespace-nowrap text-slate-800">
                      {e.action}
                    </code>
                  </Td>
                  <Td>
                    <span
                      className="block max-w-48 truncate font-medium text-slate-800"
                      title={e.resourceName ?? undefined}
                    >
                      {e.resourceName ?? e.resourceId ?? "—"}
                    </span>
                    <span className="block text-xs text-slate-500">{e.resourceType}</span>
                  </Td>
                  <Td className="font-mono text-xs whitespace-nowrap">{e.ip ?? "—"}</Td>
                  <Td>
                    <span className="block max-w-40 truncate text-xs text-slate-500" title={e.userAgent ?? undefined}>
                      {e.userAgent ?? "—"}
                    </span>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {events.hasNextPage && (
          <div className="flex justify-center border-t border-slate-100 py-3">
            <Button variant="secondary" onClick={() => events.fetchNextPage()} pending={events.isFetchingNextPage}>
              Load more
            </Button>
          </div>
        )}
      </Card>
    </div>
  );
}
