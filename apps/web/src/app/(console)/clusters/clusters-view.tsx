"use client";
import { Card, CardHeader, EmptyState, PageHeader, Spinner, Table, Td, TextField, Th } from "@weir/ui";
import Link from "next/link";
import { memo, useDeferredValue, useMemo, useState } from "react";
import { LinkButton } from "@/components/console/link-button";
import { ResourceStatus } from "@/components/console/resource-status";
import { ClustersIcon, PlusIcon } from "@/components/icons";
import { errorMessage } from "@/lib/errors";
import { formatDateTime, formatRelative } from "@/lib/format";
import { useClusters, type Cluster } from "./hooks";

/** Above this many clusters the list offers a filter. */
const FILTER_FROM = 8;

export function ClustersView() {
  const clusters = useClusters();
  const items = clusters.data?.items;
  const [query, setQuery] = useState("");
  const deferred = useDeferredValue(query.trim().toLowerCase());
  const shown = useMemo(
    () =>
      !items || !deferred
        ? items
        : items.filter(
            (c) =>
              c.name.toLowerCase().includes(deferred) ||
              c.brokerInstanceType.includes(deferred) ||
              c.status.toLowerCase().includes(deferred),
          ),
    [items, deferred],
  );

  const create = (
    <LinkButton href="/clusters/new" data-testid="create-cluster">
      <PlusIcon className="size-4" />
      Create cluster
    </LinkButton>
  );

  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="Kafka clusters"
        description="Apache Kafka broker clusters, their topics, users, ACLs and consumer groups."
        actions={items && items.length > 0 ? create : undefined}
      />
      {clusters.isPending ? (
        <div className="flex justify-center py-16 text-slate-400">
          <Spinner label="Loading clusters" />
        </div>
      ) : clusters.isError ? (
        <p role="alert" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          {errorMessage(clusters.error)}
        </p>
      ) : !items || items.length === 0 ? (
        <EmptyState icon={<ClustersIcon />} title="No Kafka clusters yet" data-testid="clusters-empty" action={create}>
          <p>
            A cluster is real Apache Kafka brokers (KRaft mode) that Weir starts, watches and heals, secured with
            SASL/SCRAM and ACLs. A one-broker cluster is running in well under a minute.
          </p>
          <p className="mt-2 text-slate-500">
            Not sure how big it should be?{" "}
            <Link href="/cost-estimator" className="font-medium text-brand-700 hover:underline">
              Size and price it first
            </Link>
            .
          </p>
        </EmptyState>
      ) : (
        <Card>
          <CardHeader
            title="Clusters"
            description={`${items.length} ${items.length === 1 ? "cluster" : "clusters"}`}
            actions={
              items.length >= FILTER_FROM ? (
                <TextField
                  label="Filter clusters"
                  hideLabel
                  type="search"
                  placeholder="Filter by name, type or status"
                  value={query}
                  onChange={(e) => setQuery(e.target.value)}
                  wrapperClassName="w-64"
                />
              ) : undefined
            }
          />
          <Table data-testid="clusters-table">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Status</Th>
                <Th>Brokers</Th>
                <Th>Storage</Th>
                <Th>Bootstrap servers</Th>
                <Th>Created</Th>
              </tr>
            </thead>
            <tbody>
              {shown?.map((c) => (
                <ClusterRow key={c.id} cluster={c} />
              ))}
              {shown?.length === 0 && (
                <tr>
                  <Td colSpan={6} className="py-8 text-center text-slate-500">
                    No cluster matches “{query}”.
                  </Td>
                </tr>
              )}
            </tbody>
          </Table>
        </Card>
      )}
    </div>
  );
}

// React Query keeps unchanged clusters as the same objects across polls, so with memo only the
// rows whose cluster changed render again.
const ClusterRow = memo(function ClusterRow({ cluster: c }: { cluster: Cluster }) {
  const servers = c.bootstrapServers?.split(",") ?? [];
  return (
    <tr data-testid="cluster-row" data-name={c.name} data-status={c.status} className="hover:bg-slate-50/60">
      <Td className="max-w-60">
        <Link
          href={`/clusters/${c.id}`}
          className="block truncate font-medium text-slate-900 hover:text-brand-700 hover:underline focus-visible:outline-2 focus-visible:outline-brand-500"
        >
          {c.name}
        </Link>
        <span className="text-xs whitespace-nowrap text-slate-500">
          {c.projectName ?? "Project"} · Kafka {c.kafkaVersion}
        </span>
      </Td>
      <Td className="max-w-72 min-w-44">
        <ResourceStatus resource={c} />
      </Td>
      <Td className="whitespace-nowrap">
        {c.brokerCount} × <span className="font-mono text-xs">{c.brokerInstanceType}</span>
      </Td>
      <Td className="whitespace-nowrap tabular-nums">
        {c.storageGbPerBroker.toLocaleString("en-US")} GB <span className="text-slate-500">per broker</span>
      </Td>
      <Td>
        {servers.length > 0 ? (
          <code
            className="block max-w-56 truncate rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700"
            title={c.bootstrapServers ?? undefined}
            data-testid="cluster-bootstrap"
          >
            {servers[0]}
            {servers.length > 1 && <span className="text-slate-500"> +{servers.length - 1}</span>}
          </code>
        ) : (
          <span className="text-xs text-slate-400">Assigned when brokers start</span>
        )}
      </Td>
      <Td className="whitespace-nowrap" title={formatDateTime(c.createdAt)}>
        {formatRelative(c.createdAt)}
      </Td>
    </tr>
  );
});
