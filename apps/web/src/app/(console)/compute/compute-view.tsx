"use client";
import { Card, CardHeader, EmptyState, PageHeader, Spinner, Table, Td, Th } from "@weir/ui";
import Link from "next/link";
import { memo } from "react";
import { LinkButton } from "@/components/console/link-button";
import { ResourceStatus } from "@/components/console/resource-status";
import { ComputeIcon, PlusIcon } from "@/components/icons";
import { errorMessage } from "@/lib/errors";
import { formatDateTime, formatRelative } from "@/lib/format";
import { useComputeClusters, type ComputeCluster } from "./hooks";

export function ComputeView() {
  const clusters = useComputeClusters();
  const items = clusters.data?.items;

  const create = (
    <LinkButton href="/compute/new" data-testid="create-compute-cluster">
      <PlusIcon className="size-4" />
      Create compute cluster
    </LinkButton>
  );

  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="Compute"
        description="Apache Spark standalone clusters: a master and workers that Weir starts, watches and heals."
        actions={items && items.length > 0 ? create : undefined}
      />
      {clusters.isPending ? (
        <div className="flex justify-center py-16 text-slate-400">
          <Spinner label="Loading compute clusters" />
        </div>
      ) : clusters.isError ? (
        <p role="alert" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          {errorMessage(clusters.error)}
        </p>
      ) : !items || items.length === 0 ? (
        <EmptyState
          icon={<ComputeIcon />}
          title="No Spark compute clusters yet"
          data-testid="compute-empty"
          action={create}
        >
          <p>
            A compute cluster is a real Apache Spark master with as many workers as you choose, each sized by its
            instance type. Its Spark UI opens from the console, and its jobs read from the Kafka cluster you point it
            at. One worker is running in well under a minute.
          </p>
          <p className="mt-2 text-slate-500">
            Billed per worker-hour by instance type.{" "}
            <Link href="/cost-estimator" className="font-medium text-brand-700 hover:underline">
              Price it first
            </Link>
            .
          </p>
        </EmptyState>
      ) : (
        <Card>
          <CardHeader
            title="Compute clusters"
            description={`${items.length} ${items.length === 1 ? "cluster" : "clusters"}`}
          />
          <Table data-testid="compute-table">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Status</Th>
                <Th>Workers</Th>
                <Th>Reads from</Th>
                <Th>Created</Th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <ComputeRow key={c.id} cluster={c} />
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </div>
  );
}

// React Query keeps unchanged clusters as the same objects across polls, so with memo only the
// rows whose cluster changed render again.
const ComputeRow = memo(function ComputeRow({ cluster: c }: { cluster: ComputeCluster }) {
  const running = c.workers.filter((w) => w.status === "RUNNING").length;
  return (
    <tr data-testid="compute-row" data-name={c.name} data-status={c.status} className="hover:bg-slate-50/60">
      <Td className="max-w-60">
        <Link
          href={`/compute/${c.id}`}
          className="block truncate font-medium text-slate-900 hover:text-brand-700 hover:underline focus-visible:outline-2 focus-visible:outline-brand-500"
        >
          {c.name}
        </Link>
        <span className="text-xs whitespace-nowrap text-slate-500">
          {c.projectName} · Spark {c.sparkVersion}
        </span>
        {c.status !== "DELETING" && (
          <span className="mt-0.5 flex gap-3 text-xs">
            <Link href={`/compute/${c.id}#jobs`} className="text-brand-700 hover:underline">
              Jobs
            </Link>
            <Link
              href={`/compute/${c.id}/sql`}
              className="text-brand-700 hover:underline"
              data-testid="row-sql-workspace"
            >
              SQL workspace
            </Link>
          </span>
        )}
      </Td>
      <Td className="max-w-72 min-w-44">
        <ResourceStatus resource={c} />
      </Td>
      <Td className="whitespace-nowrap">
        {c.workerCount} × <span className="font-mono text-xs">{c.workerInstanceType}</span>
        <span className="block text-xs text-slate-500 tabular-nums" data-testid="compute-workers-running">
          {running} of {c.workerCount} running
        </span>
      </Td>
      <Td className="max-w-48 truncate">
        {c.kafkaCluster ? (
          <Link href={`/clusters/${c.kafkaCluster.id}`} className="text-slate-700 hover:text-brand-700 hover:underline">
            {c.kafkaCluster.name}
          </Link>
        ) : (
          <span className="text-xs text-slate-400">No Kafka cluster</span>
        )}
      </Td>
      <Td className="whitespace-nowrap" title={formatDateTime(c.createdAt)}>
        {formatRelative(c.createdAt)}
      </Td>
    </tr>
  );
});
