"use client";
import { Card, CardHeader, EmptyState, PageHeader, Spinner, Table, Td, Th } from "@weir/ui";
import Link from "next/link";
import { LinkButton } from "@/components/console/link-button";
import { ResourceStatus } from "@/components/console/resource-status";
import { ConnectIcon, PlusIcon } from "@/components/icons";
import { errorMessage } from "@/lib/errors";
import { formatDateTime, formatRelative } from "@/lib/format";
import { useConnectClusters } from "./hooks";

export function ConnectView() {
  const clusters = useConnectClusters();
  const items = clusters.data?.items;

  const create = (
    <LinkButton href="/connect/new" data-testid="create-connect-cluster">
      <PlusIcon className="size-4" />
      Create Connect cluster
    </LinkButton>
  );

  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="Connect"
        description="Kafka Connect clusters: distributed workers that move data between your Kafka clusters and databases, with Debezium and MirrorMaker 2."
        actions={items && items.length > 0 ? create : undefined}
      />
      {clusters.isPending ? (
        <div className="flex justify-center py-16 text-slate-400">
          <Spinner label="Loading Connect clusters" />
        </div>
      ) : clusters.isError ? (
        <p role="alert" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          {errorMessage(clusters.error)}
        </p>
      ) : !items || items.length === 0 ? (
        <EmptyState icon={<ConnectIcon />} title="No Connect clusters yet" data-testid="connect-empty" action={create}>
          <p>
            A Connect cluster is a set of Kafka Connect workers attached to one of your Kafka clusters. Its connectors
            stream a PostgreSQL database&rsquo;s changes into topics (Debezium CDC), write topics into a table (JDBC
            sink) or replicate topics from another cluster (MirrorMaker 2).
          </p>
          <p className="mt-2 text-slate-500">Billed per worker-hour by instance type.</p>
        </EmptyState>
      ) : (
        <Card>
          <CardHeader
            title="Connect clusters"
            description={`${items.length} ${items.length === 1 ? "cluster" : "clusters"}`}
          />
          <Table data-testid="connect-table">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Status</Th>
                <Th>Workers</Th>
                <Th>Connectors</Th>
                <Th>Kafka cluster</Th>
                <Th>Created</Th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id} data-testid="connect-row" data-name={c.name} data-status={c.status}>
                  <Td className="max-w-60">
                    <Link
                      href={`/connect/${c.id}`}
                      className="block truncate font-medium text-slate-900 hover:text-brand-700 hover:underline"
                    >
                      {c.name}
                    </Link>
                    <span className="text-xs whitespace-nowrap text-slate-500">
                      {c.projectName} · Kafka Connect {c.connectVersion}
                    </span>
                  </Td>
                  <Td className="max-w-72 min-w-44">
                    <ResourceStatus resource={c} />
                  </Td>
                  <Td className="whitespace-nowrap">
                    {c.workerCount} × <span className="font-mono text-xs">{c.workerInstanceType}</span>
                    <span className="block text-xs text-slate-500 tabular-nums">
                      {c.workers.filter((w) => w.status === "RUNNING").length} of {c.workerCount} running
                    </span>
                  </Td>
                  <Td className="tabular-nums">{c.connectorCount}</Td>
                  <Td className="max-w-48 truncate">
                    {c.kafkaCluster ? (
                      <Link href={`/clusters/${c.kafkaCluster.id}`} className="text-slate-700 hover:underline">
                        {c.kafkaCluster.name}
                      </Link>
                    ) : (
                      <span className="text-xs text-slate-400">Deleted</span>
                    )}
                  </Td>
                  <Td className="whitespace-nowrap" title={formatDateTime(c.createdAt)}>
                    {formatRelative(c.createdAt)}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </div>
  );
}
