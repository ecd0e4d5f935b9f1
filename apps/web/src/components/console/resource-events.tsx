"use client";
import type { UseQueryResult } from "@tanstack/react-query";
import type { AppRouter } from "@weir/api";
import type { inferRouterOutputs } from "@trpc/server";
import { Badge, Card, CardHeader, Spinner } from "@weir/ui";
import { errorMessage } from "@/lib/errors";
import { formatDateTime, formatRelative } from "@/lib/format";

/** One event as every resource's `events` procedure returns it (Kafka clusters, compute clusters). */
export type ResourceEvent = inferRouterOutputs<AppRouter>["clusters"]["events"]["items"][number];

/**
 * What the controller did and saw, newest first; when a process stopped, the log lines the
 * controller kept after its sentence show in a <pre>.
 */
export function ResourceEvents({
  events,
  what,
}: {
  events: UseQueryResult<{ items: ResourceEvent[] }, unknown>;
  /** What the resource is, for the empty state: "cluster", "compute cluster". */
  what: string;
}) {
  const items = events.data?.items ?? [];
  return (
    <Card>
      <CardHeader title="Events" description="The last 50 things the controller did or saw, newest first." />
      {events.isPending ? (
        <div className="flex justify-center py-8 text-slate-400">
          <Spinner label="Loading events" />
        </div>
      ) : events.isError ? (
        <p className="px-5 py-6 text-sm text-amber-800">{errorMessage(events.error)}</p>
      ) : items.length === 0 ? (
        <p className="px-5 py-6 text-sm text-slate-500">No events yet; the controller picks the {what} up shortly.</p>
      ) : (
        <ol className="divide-y divide-slate-100" data-testid="cluster-events">
          {items.map((e) => (
            <EventItem key={e.id} event={e} />
          ))}
        </ol>
      )}
    </Card>
  );
}

function EventItem({ event: e }: { event: ResourceEvent }) {
  // The controller writes a sentence, then (for a process that stopped) the log lines after it.
  const nl = e.message.indexOf("\n");
  const summary = nl === -1 ? e.message : e.message.slice(0, nl);
  const detail = nl === -1 ? "" : e.message.slice(nl + 1).trimEnd();
  const warning = e.type === "WARNING";
  return (
    <li
      className="flex flex-col gap-1.5 px-5 py-3"
      data-testid="cluster-event"
      data-type={e.type}
      data-reason={e.reason}
    >
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
        <Badge tone={warning ? "warning" : "neutral"}>{warning ? "Warning" : "Normal"}</Badge>
        <span className="font-medium text-slate-900">{e.reason}</span>
        <time
          className="ml-auto text-xs text-slate-500"
          dateTime={String(e.createdAt)}
          title={formatDateTime(e.createdAt)}
        >
          {formatRelative(e.createdAt)}
        </time>
      </div>
      <p className="text-sm break-words text-slate-700">{summary}</p>
      {detail &&
        (warning ? (
          <pre
            className="max-h-64 overflow-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-[11px] leading-4 text-slate-100"
            aria-label="Log excerpt"
            data-testid="event-log-excerpt"
          >
            {detail}
          </pre>
        ) : (
          <p className="text-sm whitespace-pre-wrap text-slate-600">{detail}</p>
        ))}
    </li>
  );
}
