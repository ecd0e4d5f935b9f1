"use client";
import { roleAtLeast } from "@weir/domain/rules";
import { acceptsChanges } from "@weir/domain/status";
import { Button, Card, CardHeader, EmptyState, Spinner, cn } from "@weir/ui";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { toast } from "sonner";
import { CountDialog } from "@/components/console/count-dialog";
import { TypedNameDeleteDialog } from "@/components/console/delete-dialog";
import { LinkButton } from "@/components/console/link-button";
import { ResourceEvents } from "@/components/console/resource-events";
import { ConditionsTable, Fact } from "@/components/console/resource-facts";
import { RUNTIME_LABELS } from "@/components/console/runtime-field";
import { ProgressBar, ResourceStatus, reasonTone } from "@/components/console/resource-status";
import { StatusBadge } from "@/components/console/status-badge";
import { useCurrentOrg } from "@/components/console/use-org";
import { ComputeIcon } from "@/components/icons";
import { errorBody, errorMessage } from "@/lib/errors";
import { formatDateTime, formatRelative } from "@/lib/format";
import {
  useComputeCluster,
  useComputeEvents,
  useComputeOptions,
  useDeleteComputeCluster,
  useUpdateComputeCluster,
  type ComputeCluster,
} from "../hooks";
import { ComputeMetrics } from "./compute-metrics";
import { JobsCard } from "./jobs/jobs-card";
import { SparkNodesCard, sparkUiHref, sparkUiOpen } from "./spark-nodes-card";

/** One compute cluster: status, master and workers, metrics, events; everything polled live. */
export function ComputeDetailView({ id }: { id: string }) {
  const cluster = useComputeCluster(id);
  const org = useCurrentOrg();
  const [scaling, setScaling] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const code = errorBody(cluster.error)?.code;
  const c = cluster.data;

  if (code === "NOT_FOUND" || (!c && code === "VALIDATION_FAILED")) {
    return (
      <EmptyState icon={<ComputeIcon />} title="Compute cluster not found" data-testid="compute-not-found">
        <p>It may have been deleted, or it belongs to another organisation.</p>
        <div className="mt-6">
          <LinkButton href="/compute" variant="secondary">
            Back to compute
          </LinkButton>
        </div>
      </EmptyState>
    );
  }

  const canChange = roleAtLeast(org.data?.role, "DEVELOPER");
  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-4">
        <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
          <Link href="/compute" className="hover:text-slate-900 hover:underline">
            Compute
          </Link>
          <span aria-hidden className="px-1.5">
            /
          </span>
          <span className="text-slate-700">{c?.name ?? "…"}</span>
        </nav>
        {c ? (
          <div className="flex flex-wrap items-start justify-between gap-4">
            <div className="flex min-w-0 flex-col gap-2">
              <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
                <h1 className="text-xl font-semibold tracking-tight text-slate-900" data-testid="cluster-name">
                  {c.name}
                </h1>
                <ResourceStatus resource={c} layout="inline" />
              </div>
              <p className="text-sm text-slate-600">
                {c.workerCount} × <span className="font-mono text-xs">{c.workerInstanceType}</span> · Spark{" "}
                {c.sparkVersion} · project {c.projectName}
                {c.kafkaCluster && (
                  <>
                    {" "}
                    · reads from{" "}
                    <Link href={`/clusters/${c.kafkaCluster.id}`} className="text-brand-700 hover:underline">
                      {c.kafkaCluster.name}
                    </Link>
                  </>
                )}
              </p>
            </div>
            <div className="flex shrink-0 flex-wrap gap-2">
              {c.status !== "DELETING" && (
                <LinkButton href={`/compute/${c.id}/sql`} variant="secondary" data-testid="header-sql-workspace">
                  SQL workspace
                </LinkButton>
              )}
              {c.master && sparkUiOpen(c.master) && c.status !== "DELETING" && (
                <a
                  href={sparkUiHref(c.id, c.master.uiPath!)}
                  target="_blank"
                  rel="noopener"
                  className="inline-flex h-9 shrink-0 items-center rounded-md border border-slate-300 bg-white px-3.5 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500"
                  data-testid="open-spark-ui"
                >
                  Open Spark UI
                </a>
              )}
            </div>
          </div>
        ) : cluster.isError ? (
          <p role="alert" className="text-sm text-amber-800">
            {errorMessage(cluster.error)}
          </p>
        ) : (
          <div className="flex h-14 items-center text-slate-400">
            <Spinner label="Loading compute cluster" />
          </div>
        )}
      </header>
      {c?.status === "DELETING" && (
        <p
          role="status"
          className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
          data-testid="cluster-deleting"
        >
          This compute cluster is being deleted: its master and workers are stopping and its data will be removed.
        </p>
      )}
      {c && (
        <>
          <StatusCard
            cluster={c}
            actions={
              canChange && (
                <Button
                  variant="secondary"
                  onClick={() => setScaling(true)}
                  disabled={!acceptsChanges("ComputeCluster", c.status)}
                  title={acceptsChanges("ComputeCluster", c.status) ? undefined : "Wait until the cluster is running"}
                  data-testid="change-worker-count"
                >
                  Change worker count
                </Button>
              )
            }
          />
          {c.status !== "DELETING" && <JobsCard computeClusterId={c.id} canChange={canChange} />}
          <SparkNodesCard cluster={c} />
          <ComputeMetrics cluster={c} />
          <ComputeEvents cluster={c} />
          {canChange && (
            <Card className="border-red-200">
              <CardHeader
                title="Delete compute cluster"
                description="Stops the master and every worker, ends running applications and deletes the cluster's data. This cannot be undone."
                actions={
                  <Button
                    variant="danger"
                    onClick={() => setDeleting(true)}
                    disabled={c.status === "DELETING"}
                    data-testid="delete-compute-cluster"
                  >
                    Delete compute cluster
                  </Button>
                }
              />
            </Card>
          )}
          {scaling && <ScaleDialog cluster={c} onClose={() => setScaling(false)} />}
          {deleting && <DeleteDialog cluster={c} onClose={() => setDeleting(false)} />}
        </>
      )}
    </div>
  );
}

function ComputeEvents({ cluster: c }: { cluster: ComputeCluster }) {
  return <ResourceEvents events={useComputeEvents(c.id, c.status)} what="compute cluster" />;
}

function StatusCard({ cluster: c, actions }: { cluster: ComputeCluster; actions: ReactNode }) {
  const running = c.workers.filter((w) => w.status === "RUNNING");
  const cores = running.reduce((n, w) => n + w.cores, 0);
  return (
    <Card data-testid="cluster-status-card">
      <CardHeader title="Status" actions={actions} />
      <div className="flex flex-col gap-4 px-5 py-4">
        <div className="flex flex-col gap-2">
          <div className="flex flex-wrap items-center gap-2">
            <StatusBadge status={c.status} data-testid="overview-status" />
            <span className={cn("text-sm", reasonTone(c.status, "text-slate-700"))} data-testid="overview-reason">
              {c.statusReason || "—"}
            </span>
          </div>
          {c.status === "PROVISIONING" && c.progress.total > 0 && (
            <ProgressBar
              done={c.progress.done}
              total={c.progress.total}
              label={`Provisioning ${c.name}`}
              className="max-w-md"
            />
          )}
        </div>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-3 lg:grid-cols-6">
          <Fact label="Workers">
            <span data-testid="workers-running">
              {c.runtime === "kubernetes"
                ? `A quota of ${c.workerCount}; jobs run as pods`
                : `${running.length} of ${c.workerCount} running`}
            </span>
          </Fact>
          <Fact label="Worker instance type">
            <span className="font-mono text-xs">{c.workerInstanceType}</span>
          </Fact>
          <Fact label="Cores for executors">{cores}</Fact>
          <Fact label="Runs on">
            <span data-testid="compute-runtime">{RUNTIME_LABELS[c.runtime]}</span>
          </Fact>
          <Fact label="Master URL">
            {c.masterUrl ? (
              <code className="font-mono text-xs break-all text-slate-700" data-testid="master-url">
                {c.masterUrl}
              </code>
            ) : (
              "—"
            )}
          </Fact>
          <Fact label="Generation">
            <span title="The desired-state version; the controller has applied it when both numbers match">
              {c.observedGeneration} of {c.generation} applied
            </span>
          </Fact>
          <Fact label="Created">
            <span title={formatDateTime(c.createdAt)}>{formatRelative(c.createdAt)}</span>
          </Fact>
        </dl>
        <ConditionsTable conditions={c.conditions} />
      </div>
    </Card>
  );
}

function ScaleDialog({ cluster: c, onClose }: { cluster: ComputeCluster; onClose: () => void }) {
  const update = useUpdateComputeCluster();
  const options = useComputeOptions();
  return (
    <CountDialog
      title={`Change the worker count of ${c.name}`}
      description={
        <>
          Now {c.workerCount} {c.workerCount === 1 ? "worker" : "workers"}. New workers register with the master and
          take executors at once. Leaving workers (the highest-numbered) are decommissioned first: they take no new
          executors, and running ones get up to a minute to finish or move before the worker stops. The cluster is
          UPDATING meanwhile and keeps running applications.
        </>
      }
      label="Workers"
      field="workerCount"
      current={c.workerCount}
      max={options.data?.maxWorkers}
      pending={update.isPending}
      error={update.error}
      submitLabel={(target) => `${target > c.workerCount ? "Add workers" : "Remove workers"}: ${target} in all`}
      onSubmit={(target) =>
        update.mutate(
          { id: c.id, workerCount: target, generation: c.generation },
          {
            onSuccess: (u) => {
              toast.success(`Scaling ${u.name} to ${u.workerCount} ${u.workerCount === 1 ? "worker" : "workers"}`);
              onClose();
            },
          },
        )
      }
      onClose={onClose}
    />
  );
}

function DeleteDialog({ cluster: c, onClose }: { cluster: ComputeCluster; onClose: () => void }) {
  const del = useDeleteComputeCluster();
  const router = useRouter();
  return (
    <TypedNameDeleteDialog
      name={c.name}
      what="compute cluster"
      description={
        <>
          The master and {c.workerCount} {c.workerCount === 1 ? "worker" : "workers"} stop, applications running on them
          end, and the cluster&rsquo;s work and log directories are deleted. This cannot be undone.
        </>
      }
      pending={del.isPending}
      error={del.error}
      onClose={onClose}
      onConfirm={(confirmName) =>
        del.mutate(
          { id: c.id, confirmName },
          {
            onSuccess: () => {
              toast.success(`Deleting ${c.name}`);
              onClose();
              router.push("/compute");
            },
          },
        )
      }
    />
  );
}
