"use client";
import { roleAtLeast } from "@weir/domain/rules";
import { acceptsChanges, isServing } from "@weir/domain/status";
import { Button, Card, CardHeader, EmptyState, Spinner, Table, Td, Th, cn } from "@weir/ui";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { CountDialog } from "@/components/console/count-dialog";
import { TypedNameDeleteDialog } from "@/components/console/delete-dialog";
import { LinkButton } from "@/components/console/link-button";
import { ResourceEvents } from "@/components/console/resource-events";
import { ConditionsTable, Fact } from "@/components/console/resource-facts";
import { ProgressBar, ResourceStatus, reasonTone } from "@/components/console/resource-status";
import { StatusBadge } from "@/components/console/status-badge";
import { useCurrentOrg } from "@/components/console/use-org";
import { ConnectIcon } from "@/components/icons";
import { errorBody, errorMessage } from "@/lib/errors";
import { formatDateTime, formatRelative } from "@/lib/format";
import {
  useConnectCluster,
  useConnectEvents,
  useConnectOptions,
  useConnectorAction,
  useConnectors,
  useDeleteConnectCluster,
  useUpdateConnectCluster,
  type ConnectCluster,
  type Connector,
} from "../hooks";
import { NewConnectorDialog } from "./new-connector-dialog";

/** One Connect cluster: status, workers, connectors with each task's status, events; polled live. */
export function ConnectDetailView({ id }: { id: string }) {
  const cluster = useConnectCluster(id);
  const events = useConnectEvents(id, cluster.data?.status);
  const org = useCurrentOrg();
  const [scaling, setScaling] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const code = errorBody(cluster.error)?.code;
  const c = cluster.data;

  if (code === "NOT_FOUND" || (!c && code === "VALIDATION_FAILED")) {
    return (
      <EmptyState icon={<ConnectIcon />} title="Connect cluster not found" data-testid="connect-not-found">
        <p>It may have been deleted, or it belongs to another organisation.</p>
        <div className="mt-6">
          <LinkButton href="/connect" variant="secondary">
            Back to Connect
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
          <Link href="/connect" className="hover:text-slate-900 hover:underline">
            Connect
          </Link>
          <span aria-hidden className="px-1.5">
            /
          </span>
          <span className="text-slate-700">{c?.name ?? "…"}</span>
        </nav>
        {c ? (
          <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
            <h1 className="text-xl font-semibold tracking-tight text-slate-900" data-testid="cluster-name">
              {c.name}
            </h1>
            <ResourceStatus resource={c} layout="inline" />
            <p className="w-full text-sm text-slate-600">
              {c.workerCount} × <span className="font-mono text-xs">{c.workerInstanceType}</span> · Kafka Connect{" "}
              {c.connectVersion} · project {c.projectName}
              {c.kafkaCluster && (
                <>
                  {" "}
                  · on{" "}
                  <Link href={`/clusters/${c.kafkaCluster.id}`} className="text-brand-700 hover:underline">
                    {c.kafkaCluster.name}
                  </Link>
                </>
              )}
            </p>
          </div>
        ) : cluster.isError ? (
          <p role="alert" className="text-sm text-amber-800">
            {errorMessage(cluster.error)}
          </p>
        ) : (
          <div className="flex h-14 items-center text-slate-400">
            <Spinner label="Loading Connect cluster" />
          </div>
        )}
      </header>
      {c && (
        <>
          <Card data-testid="cluster-status-card">
            <CardHeader
              title="Status"
              actions={
                canChange && (
                  <Button
                    variant="secondary"
                    onClick={() => setScaling(true)}
                    disabled={!acceptsChanges("ConnectCluster", c.status)}
                    data-testid="change-worker-count"
                  >
                    Change worker count
                  </Button>
                )
              }
            />
            <div className="flex flex-col gap-4 px-5 py-4">
              <div className="flex flex-wrap items-center gap-2">
                <StatusBadge status={c.status} data-testid="overview-status" />
                <span className={cn("text-sm", reasonTone(c.status, "text-slate-700"))}>{c.statusReason || "—"}</span>
              </div>
              {c.status === "PROVISIONING" && c.progress.total > 0 && (
                <ProgressBar
                  done={c.progress.done}
                  total={c.progress.total}
                  label={`Provisioning ${c.name}`}
                  className="max-w-md"
                />
              )}
              <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-3 lg:grid-cols-5">
                <Fact label="Kafka user">
                  <code className="font-mono text-xs">{c.kafkaUsername}</code>
                </Fact>
                <Fact label="Group">
                  <code className="font-mono text-xs break-all">{c.groupId}</code>
                </Fact>
                <Fact label="Internal topics">
                  <span className="font-mono text-xs break-all">
                    {c.internalTopics.config}, {c.internalTopics.offset}, {c.internalTopics.status}
                  </span>
                </Fact>
                <Fact label="Generation">
                  {c.observedGeneration} of {c.generation} applied
                </Fact>
                <Fact label="Created">
                  <span title={formatDateTime(c.createdAt)}>{formatRelative(c.createdAt)}</span>
                </Fact>
              </dl>
              <ConditionsTable conditions={c.conditions} />
            </div>
          </Card>
          <WorkersCard cluster={c} />
          {c.status !== "DELETING" && <ConnectorsCard cluster={c} canChange={canChange} />}
          <ResourceEvents events={events} what="Connect cluster" />
          {canChange && (
            <Card className="border-red-200">
              <CardHeader
                title="Delete Connect cluster"
                description="Deletes its connectors, stops every worker, and removes its Kafka user, ACLs and internal topics. This cannot be undone."
                actions={
                  <Button
                    variant="danger"
                    onClick={() => setDeleting(true)}
                    disabled={c.status === "DELETING"}
                    data-testid="delete-connect-cluster"
                  >
                    Delete Connect cluster
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

function WorkersCard({ cluster: c }: { cluster: ConnectCluster }) {
  return (
    <Card>
      <CardHeader title="Workers" description="Each a supervised JVM; its REST API listens on 127.0.0.1 only." />
      <Table data-testid="connect-workers">
        <thead>
          <tr>
            <Th>Worker</Th>
            <Th>Status</Th>
            <Th>REST address</Th>
            <Th>PID</Th>
            <Th>Restarts</Th>
            <Th>Up since</Th>
          </tr>
        </thead>
        <tbody>
          {c.workers.length === 0 ? (
            <tr>
              <Td className="text-slate-500">No worker yet</Td>
            </tr>
          ) : (
            c.workers.map((w) => (
              <tr key={w.index} data-testid="connect-worker" data-status={w.status}>
                <Td>worker {w.index}</Td>
                <Td>
                  <StatusBadge status={w.status} />
                  <span className={cn("block text-xs", reasonTone(w.status, "text-slate-500"))}>{w.statusReason}</span>
                </Td>
                <Td className="font-mono text-xs">{w.address}</Td>
                <Td className="tabular-nums">{w.pid ?? "—"}</Td>
                <Td className="tabular-nums">{w.restartCount}</Td>
                <Td>{w.startedAt ? formatRelative(w.startedAt) : "—"}</Td>
              </tr>
            ))
          )}
        </tbody>
      </Table>
    </Card>
  );
}

function ConnectorsCard({ cluster: c, canChange }: { cluster: ConnectCluster; canChange: boolean }) {
  const connectors = useConnectors(c.id);
  const [creating, setCreating] = useState(false);
  const items = connectors.data?.items ?? [];
  const serving = isServing("ConnectCluster", c.status);
  return (
    <Card data-testid="connectors-card">
      <CardHeader
        title="Connectors"
        description="Each with its own Kafka user limited to its topics; secrets stay encrypted and reach the workers as files."
        actions={
          canChange && (
            <Button
              onClick={() => setCreating(true)}
              disabled={!serving}
              title={serving ? undefined : "Connectors are checked by the workers: wait until the cluster runs"}
              data-testid="new-connector"
            >
              New connector
            </Button>
          )
        }
      />
      {connectors.isPending ? (
        <div className="flex justify-center py-8 text-slate-400">
          <Spinner label="Loading connectors" />
        </div>
      ) : items.length === 0 ? (
        <p className="px-5 py-6 text-sm text-slate-500" data-testid="connectors-empty">
          No connector yet. A Postgres CDC connector streams a database&rsquo;s changes into topics.
        </p>
      ) : (
        <Table data-testid="connectors-table">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Status</Th>
              <Th>Tasks</Th>
              <Th>Actions</Th>
            </tr>
          </thead>
          <tbody>
            {items.map((k) => (
              <ConnectorRow key={k.id} connector={k} canChange={canChange} />
            ))}
          </tbody>
        </Table>
      )}
      {creating && <NewConnectorDialog cluster={c} onClose={() => setCreating(false)} />}
    </Card>
  );
}

function ConnectorRow({ connector: k, canChange }: { connector: Connector; canChange: boolean }) {
  const pause = useConnectorAction("pause");
  const resume = useConnectorAction("resume");
  const restart = useConnectorAction("restart");
  const del = useConnectorAction("delete");
  const input = { id: k.connectClusterId, name: k.name };
  const busy = k.status === "DELETING";
  return (
    <tr data-testid="connector-row" data-name={k.name} data-status={k.status}>
      <Td className="max-w-64">
        <Link
          href={`/connect/${k.connectClusterId}/connectors/${encodeURIComponent(k.name)}`}
          className="block truncate font-medium text-slate-900 hover:text-brand-700 hover:underline"
          data-testid="connector-link"
        >
          {k.name}
        </Link>
        <span className="block truncate text-xs text-slate-500" title={k.connectorClass}>
          {k.plugin} · user <code className="font-mono">{k.kafkaUsername}</code>
        </span>
      </Td>
      <Td className="max-w-96 min-w-44">
        <StatusBadge status={k.status} data-testid="connector-status" />
        <span className={cn("block text-xs", reasonTone(k.status, "text-slate-500"))}>{k.statusReason}</span>
        {k.trace && (
          <pre className="mt-1 max-h-32 overflow-auto text-xs whitespace-pre-wrap text-red-700">{k.trace}</pre>
        )}
      </Td>
      <Td>
        <ul className="flex flex-col gap-1 text-xs" data-testid="connector-tasks">
          {k.tasks.length === 0 && <li className="text-slate-400">No task yet</li>}
          {k.tasks.map((t) => (
            <li key={`${t.connector ?? ""}:${t.id}`} data-testid="connector-task" data-state={t.state}>
              task {t.id}
              {t.connector && t.connector !== k.name ? ` (${t.connector.slice(k.name.length + 1)})` : ""}:{" "}
              <span className="font-medium">{t.state}</span> <span className="text-slate-400">on {t.workerId}</span>
              {t.trace && <pre className="whitespace-pre-wrap text-red-700">{t.trace}</pre>}
            </li>
          ))}
        </ul>
      </Td>
      <Td className="whitespace-nowrap">
        {canChange && (
          <div className="flex gap-2">
            {k.desiredState === "RUNNING" ? (
              <Button variant="secondary" disabled={busy} pending={pause.isPending} onClick={() => pause.mutate(input)}>
                Pause
              </Button>
            ) : (
              <Button
                variant="secondary"
                disabled={busy}
                pending={resume.isPending}
                onClick={() => resume.mutate(input)}
              >
                Resume
              </Button>
            )}
            <Button
              variant="secondary"
              disabled={busy}
              pending={restart.isPending}
              onClick={() =>
                restart.mutate(input, { onSuccess: () => toast.success(`Restarting ${k.name} and its failed tasks`) })
              }
            >
              Restart
            </Button>
            <Button
              variant="danger"
              disabled={busy}
              pending={del.isPending}
              onClick={() => {
                if (window.confirm(`Delete the connector ${k.name}? Its Kafka user and secrets go with it.`)) {
                  del.mutate(input);
                }
              }}
            >
              Delete
            </Button>
          </div>
        )}
      </Td>
    </tr>
  );
}

function ScaleDialog({ cluster: c, onClose }: { cluster: ConnectCluster; onClose: () => void }) {
  const update = useUpdateConnectCluster();
  const options = useConnectOptions();
  return (
    <CountDialog
      title={`Change the worker count of ${c.name}`}
      description={
        <>
          Now {c.workerCount} {c.workerCount === 1 ? "worker" : "workers"}. Connect spreads connectors and tasks over
          the workers; leaving workers (the highest-numbered) stop and their tasks move to the others.
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

function DeleteDialog({ cluster: c, onClose }: { cluster: ConnectCluster; onClose: () => void }) {
  const del = useDeleteConnectCluster();
  const router = useRouter();
  return (
    <TypedNameDeleteDialog
      name={c.name}
      what="Connect cluster"
      description={
        <>
          Its {c.connectorCount} {c.connectorCount === 1 ? "connector" : "connectors"} are deleted, the workers stop,
          and its Kafka user, ACLs and internal topics (with the connectors&rsquo; offsets) are removed. This cannot be
          undone.
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
              router.push("/connect");
            },
          },
        )
      }
    />
  );
}
