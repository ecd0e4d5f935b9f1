"use client";
import { roleAtLeast } from "@weir/domain/rules";
import { acceptsChanges } from "@weir/domain/status";
import { Button, Card, CardHeader, EmptyState, Spinner, Table, Td, Th, cn } from "@weir/ui";
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";
import { LinkButton } from "@/components/console/link-button";
import { ResourceEvents } from "@/components/console/resource-events";
import { ConditionsTable, Fact } from "@/components/console/resource-facts";
import { reasonTone } from "@/components/console/resource-status";
import { StatusBadge } from "@/components/console/status-badge";
import { useCurrentOrg } from "@/components/console/use-org";
import { ConnectIcon } from "@/components/icons";
import { errorBody, errorMessage, fieldErrors } from "@/lib/errors";
import { formatDateTime, formatRelative } from "@/lib/format";
import { useConnectCluster, useConnectorAction, type Connector } from "../../../hooks";
import { parseKeyValues } from "../../connector-forms";
import { useConnector, useConnectorEvents, useUpdateConnector } from "./hooks";
import { ReplicationLagCard } from "./replication-lag";

/** One connector: its status and each task's (FAILED with the trace's first lines), its config, its events. */
export function ConnectorView({ id, name }: { id: string; name: string }) {
  const connector = useConnector(id, name);
  const cluster = useConnectCluster(id);
  const k = connector.data;
  const events = useConnectorEvents(id, name, k?.status);
  const org = useCurrentOrg();
  const code = errorBody(connector.error)?.code;
  const canChange = roleAtLeast(org.data?.role, "DEVELOPER");

  if (code === "NOT_FOUND") {
    return (
      <EmptyState icon={<ConnectIcon />} title="Connector not found" data-testid="connector-not-found">
        <p>It may have been deleted, or it belongs to another organisation.</p>
        <div className="mt-6">
          <LinkButton href={`/connect/${id}`} variant="secondary">
            Back to the Connect cluster
          </LinkButton>
        </div>
      </EmptyState>
    );
  }

  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-2">
        <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
          <Link href="/connect" className="hover:text-slate-900 hover:underline">
            Connect
          </Link>
          <span aria-hidden className="px-1.5">
            /
          </span>
          <Link href={`/connect/${id}`} className="hover:text-slate-900 hover:underline">
            {cluster.data?.name ?? "…"}
          </Link>
          <span aria-hidden className="px-1.5">
            /
          </span>
          <span className="text-slate-700">{name}</span>
        </nav>
        <h1 className="text-xl font-semibold tracking-tight text-slate-900" data-testid="connector-name">
          {name}
        </h1>
        {k && (
          <p className="text-sm text-slate-600">
            {k.plugin} · <span className="font-mono text-xs">{k.connectorClass}</span>
          </p>
        )}
      </header>
      {!k ? (
        connector.isError ? (
          <p role="alert" className="text-sm text-amber-800">
            {errorMessage(connector.error)}
          </p>
        ) : (
          <div className="flex h-14 items-center text-slate-400">
            <Spinner label="Loading connector" />
          </div>
        )
      ) : (
        <>
          <StatusCard connector={k} canChange={canChange} />
          <ThroughputCard connector={k} />
          <TasksCard connector={k} />
          {k.replication && <ReplicationLagCard connector={k} />}
          {/* A replication's config is Weir's own (the replication form), not edited here. */}
          {!("replication" in k && k.replication) && <ConfigCard connector={k} canChange={canChange} />}
          <ResourceEvents events={events} what="connector" />
        </>
      )}
    </div>
  );
}

function StatusCard({ connector: k, canChange }: { connector: Connector; canChange: boolean }) {
  const restart = useConnectorAction("restart");
  return (
    <Card data-testid="connector-status-card">
      <CardHeader
        title="Status"
        actions={
          canChange && (
            <Button
              variant="secondary"
              disabled={!acceptsChanges("Connector", k.status)}
              pending={restart.isPending}
              onClick={() =>
                restart.mutate(
                  { id: k.connectClusterId, name: k.name },
                  { onSuccess: () => toast.success(`Restarting ${k.name} and its failed tasks`) },
                )
              }
            >
              Restart failed tasks
            </Button>
          )
        }
      />
      <div className="flex flex-col gap-4 px-5 py-4">
        <div className="flex flex-wrap items-center gap-2">
          <StatusBadge status={k.status} data-testid="connector-status" />
          <span className={cn("text-sm", reasonTone(k.status, "text-slate-700"))} data-testid="connector-reason">
            {k.statusReason || "—"}
          </span>
        </div>
        {k.trace && (
          <pre
            className="max-h-48 overflow-auto rounded-md bg-red-50 px-3 py-2 text-xs whitespace-pre-wrap text-red-800"
            data-testid="connector-trace"
          >
            {k.trace}
          </pre>
        )}
        <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-3 lg:grid-cols-5">
          <Fact label="Connect says">{k.connectorState ?? "—"}</Fact>
          <Fact label="Asked for">{k.desiredState.toLowerCase()}</Fact>
          <Fact label="Kafka user">
            <code className="font-mono text-xs">{k.kafkaUsername ?? "—"}</code>
          </Fact>
          <Fact label="Generation">
            {k.observedGeneration} of {k.generation} applied
          </Fact>
          <Fact label="Created">
            <span title={formatDateTime(k.createdAt)}>{formatRelative(k.createdAt)}</span>
          </Fact>
        </dl>
        <ConditionsTable conditions={k.conditions} />
      </div>
    </Card>
  );
}

const perSecond = (n: number) => (n >= 100 ? Math.round(n).toLocaleString() : n.toFixed(n >= 10 ? 1 : 2));

/** Records per second in and out, from the workers' own task metrics (sampled every few seconds). */
function ThroughputCard({ connector: k }: { connector: Connector }) {
  const t = k.throughput;
  const sink = k.plugin === "debezium-jdbc";
  const source = k.plugin === "mirror" ? "the source cluster" : "the database";
  const labels = sink
    ? { in: "Read from Kafka", out: "Written to the database" }
    : { in: `Read from ${source}`, out: "Written to Kafka" };
  return (
    <Card data-testid="connector-throughput">
      <CardHeader
        title="Throughput"
        description="Records per second, summed over its tasks, as the workers' own task metrics report them."
      />
      {!t ? (
        <p className="px-5 py-6 text-sm text-slate-500">Not sampled yet: the figures appear once its tasks run.</p>
      ) : (
        <dl className="grid grid-cols-2 gap-x-6 gap-y-3 px-5 py-4 text-sm sm:grid-cols-4">
          <Fact label={`${labels.in} (records/s)`}>
            <span className="text-lg font-semibold tabular-nums" data-testid="records-in-per-sec">
              {perSecond(t.recordsInPerSec)}
            </span>
          </Fact>
          <Fact label={`${labels.out} (records/s)`}>
            <span className="text-lg font-semibold tabular-nums" data-testid="records-out-per-sec">
              {perSecond(t.recordsOutPerSec)}
            </span>
          </Fact>
          <Fact label="Records in / out since its tasks started">
            <span className="tabular-nums">
              {t.recordsInTotal.toLocaleString()} / {t.recordsOutTotal.toLocaleString()}
            </span>
          </Fact>
          <Fact label="Sampled">
            <span title={formatDateTime(t.sampledAt)}>
              {formatRelative(t.sampledAt)} · {t.tasks} {t.tasks === 1 ? "task" : "tasks"}
            </span>
          </Fact>
        </dl>
      )}
    </Card>
  );
}

function TasksCard({ connector: k }: { connector: Connector }) {
  return (
    <Card>
      <CardHeader
        title="Tasks"
        description="Connect does not restart a failed task by itself: fix the cause, then restart it."
      />
      <Table data-testid="connector-tasks-table">
        <thead>
          <tr>
            <Th>Task</Th>
            <Th>State</Th>
            <Th>Worker</Th>
            <Th>Trace</Th>
          </tr>
        </thead>
        <tbody>
          {k.tasks.length === 0 ? (
            <tr>
              <Td className="text-slate-500">No task yet</Td>
            </tr>
          ) : (
            k.tasks.map((t, i) => (
              <tr key={i} data-testid="connector-task" data-state={t.state}>
                <Td>
                  task {t.id}
                  {t.connector && <span className="block text-xs text-slate-500">{t.connector}</span>}
                </Td>
                <Td>
                  <StatusBadge status={t.state} />
                </Td>
                <Td className="font-mono text-xs">{t.workerId}</Td>
                <Td className="max-w-xl">
                  {t.trace ? (
                    <pre className="max-h-40 overflow-auto text-xs whitespace-pre-wrap text-red-700">{t.trace}</pre>
                  ) : (
                    <span className="text-slate-400">—</span>
                  )}
                </Td>
              </tr>
            ))
          )}
        </tbody>
      </Table>
    </Card>
  );
}

const asLines = (m: Record<string, string>) =>
  Object.entries(m)
    .map(([key, value]) => `${key}=${value}`)
    .join("\n");

/**
 * The config as key=value lines, and new secret values. Kafka Connect checks the config before it
 * is saved: its objections are listed by field. The topics a connector may use stay those it was
 * created with.
 */
function ConfigCard({ connector: k, canChange }: { connector: Connector; canChange: boolean }) {
  const update = useUpdateConnector();
  const [config, setConfig] = useState(() => asLines(k.config));
  const [secrets, setSecrets] = useState("");
  const [local, setLocal] = useState<string | null>(null);
  const server = fieldErrors(update.error);
  const problems = Object.entries(server);
  const editable = canChange && acceptsChanges("Connector", k.status);

  function save() {
    setLocal(null);
    const cfg = parseKeyValues(config);
    if ("error" in cfg) return setLocal(`Config: ${cfg.error}`);
    const sec = parseKeyValues(secrets);
    if ("error" in sec) return setLocal(`Secrets: ${sec.error}`);
    update.mutate(
      {
        id: k.connectClusterId,
        name: k.name,
        config: cfg.values,
        ...(Object.keys(sec.values).length > 0 ? { secrets: sec.values } : {}),
        generation: k.generation,
      },
      {
        onSuccess: (u) => {
          setSecrets("");
          setConfig(asLines(u.config));
          toast.success(`Saved; the controller gives Connect the new config of ${u.name}`);
        },
      },
    );
  }

  return (
    <Card data-testid="connector-config-card">
      <CardHeader
        title="Config"
        description="Without secrets: they are kept encrypted and reach the workers as files; Connect holds only a reference."
        actions={
          editable && (
            <Button onClick={save} pending={update.isPending} data-testid="save-connector-config">
              Save config
            </Button>
          )
        }
      />
      <div className="flex flex-col gap-4 px-5 py-4">
        {(local || (update.error && problems.length === 0)) && (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {local ?? errorMessage(update.error)}
          </p>
        )}
        {problems.length > 0 && (
          <ul
            role="alert"
            className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
            data-testid="config-errors"
          >
            {problems.map(([field, message]) => (
              <li key={field} data-field={field}>
                <code className="font-mono text-xs">{field}</code>: {message}
              </li>
            ))}
          </ul>
        )}
        <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
          Config (key=value per line)
          <textarea
            name="config"
            rows={Math.min(18, Math.max(6, config.split("\n").length + 1))}
            value={config}
            readOnly={!editable}
            onChange={(e) => setConfig(e.target.value)}
            className="rounded-md border border-slate-300 px-3 py-2 font-mono text-xs"
          />
        </label>
        {editable && (
          <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
            New secrets (key=value per line; empty keeps the stored ones)
            <textarea
              name="secrets"
              rows={2}
              value={secrets}
              onChange={(e) => setSecrets(e.target.value)}
              className="rounded-md border border-slate-300 px-3 py-2 font-mono text-xs"
              placeholder={k.secretKeys.map((s) => `${s}=…`).join("\n") || "connection.password=…"}
            />
            <span className="text-xs font-normal text-slate-500">
              {k.secretKeys.length > 0
                ? `Stored: ${k.secretKeys.join(", ")}. Given ones replace them all; failed tasks restart to read them.`
                : "None stored."}
            </span>
          </label>
        )}
      </div>
    </Card>
  );
}
