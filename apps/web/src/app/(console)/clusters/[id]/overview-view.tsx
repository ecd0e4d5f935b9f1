"use client";
import {
  STORAGE_DEGRADED_RATIO,
  STORAGE_PROTECTIONS,
  STORAGE_WARN_RATIO,
  roleAtLeast,
  type StorageProtection,
} from "@weir/domain/rules";
import { acceptsChanges } from "@weir/domain/status";
import { Button, Card, CardHeader, Spinner, Table, Td, Th, cn } from "@weir/ui";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { toast } from "sonner";
import { formatBytes, formatDuration } from "@/components/charts/format";
import { CountDialog } from "@/components/console/count-dialog";
import { TypedNameDeleteDialog } from "@/components/console/delete-dialog";
import { ResourceEvents } from "@/components/console/resource-events";
import { ConditionsTable, Fact } from "@/components/console/resource-facts";
import { RUNTIME_LABELS } from "@/components/console/runtime-field";
import { ProgressBar, reasonTone } from "@/components/console/resource-status";
import { StatusBadge } from "@/components/console/status-badge";
import { useNow } from "@/components/console/use-now";
import { useCurrentOrg } from "@/components/console/use-org";
import { formatDateTime, formatRelative } from "@/lib/format";
import {
  useCluster,
  useClusterEvents,
  useClusterOptions,
  useDeleteCluster,
  useUpdateCluster,
  type Cluster,
} from "../hooks";
import { BrokerConfigCard } from "./broker-config-card";
import { ClusterMetrics } from "./cluster-metrics";
import { ConnectCard } from "./connect-card";
import { KafkaVersionCard } from "./kafka-version-card";

export function ClusterOverview({ clusterId }: { clusterId: string }) {
  // The same query as the header's: one request per poll serves both.
  const cluster = useCluster(clusterId);
  const org = useCurrentOrg();
  const role = org.data?.role;
  const [scaling, setScaling] = useState(false);
  const [resizing, setResizing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const c = cluster.data;

  if (!c) {
    return cluster.isPending ? (
      <div className="flex justify-center py-16 text-slate-400">
        <Spinner label="Loading cluster" />
      </div>
    ) : null;
  }

  const canChange = roleAtLeast(role, "DEVELOPER");
  const canScale = acceptsChanges("KafkaCluster", c.status);
  return (
    <div className="flex flex-col gap-6">
      <StatusCard
        cluster={c}
        actions={
          canChange && (
            <div className="flex gap-2">
              <Button
                variant="secondary"
                onClick={() => setResizing(true)}
                disabled={!canScale}
                title={canScale ? undefined : "Wait until the cluster is running"}
                data-testid="change-storage"
              >
                Change storage
              </Button>
              <Button
                variant="secondary"
                onClick={() => setScaling(true)}
                disabled={!canScale}
                title={canScale ? undefined : "Wait until the cluster is running"}
                data-testid="change-broker-count"
              >
                Change broker count
              </Button>
            </div>
          )
        }
        canChange={canChange && canScale}
      />
      <BrokersCard cluster={c} />
      <KafkaVersionCard cluster={c} canChange={canChange && canScale} />
      {c.runtime === "local" && <BrokerConfigCard cluster={c} canChange={canChange && canScale} />}
      <ConnectCard cluster={c} canReveal={roleAtLeast(role, "ADMIN")} canRotate={canChange} />
      <ClusterMetrics cluster={c} />
      <ClusterEvents cluster={c} />
      {canChange && (
        <Card className="border-red-200">
          <CardHeader
            title="Delete cluster"
            description="Stops every broker and deletes the cluster's data, topics, users and ACLs. This cannot be undone."
            actions={
              <Button
                variant="danger"
                onClick={() => setDeleting(true)}
                disabled={c.status === "DELETING"}
                data-testid="delete-cluster"
              >
                Delete cluster
              </Button>
            }
          />
        </Card>
      )}
      {scaling && <ScaleDialog cluster={c} onClose={() => setScaling(false)} />}
      {resizing && <StorageDialog cluster={c} onClose={() => setResizing(false)} />}
      {deleting && <DeleteDialog cluster={c} onClose={() => setDeleting(false)} />}
    </div>
  );
}

function ClusterEvents({ cluster: c }: { cluster: Cluster }) {
  return <ResourceEvents events={useClusterEvents(c.id, c.status)} what="cluster" />;
}

const protectionLabel: Record<StorageProtection, string> = {
  "retention-bytes": "Cap retention.bytes of the largest topics",
  "alert-only": "Alert only",
};

/** What happens at 95 % of a broker's storage; changed in place (it applies live). */
function ProtectionSelect({ cluster: c, canChange }: { cluster: Cluster; canChange: boolean }) {
  const update = useUpdateCluster();
  if (!canChange) return <>{protectionLabel[c.storageProtection]}</>;
  return (
    <select
      aria-label="Storage protection"
      data-testid="storage-protection"
      className="w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-xs"
      value={c.storageProtection}
      disabled={update.isPending}
      onChange={(e) =>
        update.mutate(
          { id: c.id, storageProtection: e.target.value as StorageProtection },
          { onSuccess: (u) => toast.success(`Storage protection: ${protectionLabel[u.storageProtection]}`) },
        )
      }
    >
      {STORAGE_PROTECTIONS.map((p) => (
        <option key={p} value={p}>
          {protectionLabel[p]}
        </option>
      ))}
    </select>
  );
}

function StatusCard({ cluster: c, actions, canChange }: { cluster: Cluster; actions: ReactNode; canChange: boolean }) {
  const dedicated = c.controllers.filter((x) => !x.combined);
  return (
    <Card data-testid="cluster-status-card">
      <CardHeader title="Status" actions={actions} />
      <div className="flex flex-col gap-4 px-5 py-4">
        <div className="flex flex-col gap-2">
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
        </div>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-3 lg:grid-cols-6">
          <Fact label="Brokers">
            {c.brokers.filter((b) => b.status === "RUNNING").length} of {c.brokerCount} running
          </Fact>
          <Fact label="Instance type">
            <span className="font-mono text-xs">{c.brokerInstanceType}</span>
          </Fact>
          <Fact label="Storage">{c.storageGbPerBroker.toLocaleString("en-US")} GB per broker</Fact>
          <Fact label="Runs on">
            <span data-testid="cluster-runtime">{RUNTIME_LABELS[c.runtime]}</span>
          </Fact>
          <Fact label={`At ${STORAGE_DEGRADED_RATIO * 100} % of storage`}>
            <ProtectionSelect cluster={c} canChange={canChange} />
          </Fact>
          <Fact label="Controller quorum">
            {c.controllers.length === 0
              ? "—"
              : dedicated.length > 0
                ? `${dedicated.length} dedicated controllers`
                : `On ${c.controllers.length === 1 ? "broker" : "brokers"} ${c.controllers.map((x) => x.nodeId).join(", ")}`}
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

function BrokersCard({ cluster: c }: { cluster: Cluster }) {
  const now = useNow(1_000);
  const zones = c.conditions.find((x) => x.type === "ReplicasInDistinctZones");
  const quota = c.storageQuotaBytes;
  return (
    <Card>
      <CardHeader
        title="Brokers"
        description={`${c.brokers.length} ${c.brokers.length === 1 ? "broker" : "brokers"}${c.zoneCount > 1 ? ` in ${c.zoneCount} zones` : ""}, each with ${c.storageGbPerBroker.toLocaleString("en-US")} GB of storage`}
      />
      {zones?.status === "False" && (
        <p
          role="alert"
          data-testid="zones-shared"
          className="mx-5 mt-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800"
        >
          {zones.message}
        </p>
      )}
      {c.brokers.length === 0 ? (
        <p className="px-5 py-8 text-center text-sm text-slate-500">The controller has not started any broker yet.</p>
      ) : (
        <Table data-testid="brokers-table">
          <thead>
            <tr>
              <Th>Node</Th>
              <Th>Zone</Th>
              <Th>Address</Th>
              <Th>Status</Th>
              <Th>Uptime</Th>
              <Th className="text-right">Restarts</Th>
              <Th>Disk used</Th>
            </tr>
          </thead>
          <tbody>
            {c.brokers.map((b) => {
              const share = quota > 0 ? b.diskUsedBytes / quota : 0;
              return (
                <tr key={b.nodeId} data-testid="broker-row" data-node={b.nodeId} data-status={b.status}>
                  <Td>
                    <span className="font-medium text-slate-900">{b.nodeId}</span>
                    <span className="block text-xs text-slate-500">{b.roles.replace(",", " + ")}</span>
                    {b.kafkaVersion && (
                      <span className="block text-xs text-slate-500" data-testid="broker-kafka-version">
                        Kafka {b.kafkaVersion}
                      </span>
                    )}
                  </Td>
                  <Td data-testid="broker-zone">
                    <span className="font-mono text-xs text-slate-700">{b.zone}</span>
                  </Td>
                  <Td>
                    {b.address ? (
                      <code className="font-mono text-xs text-slate-700">{b.address}</code>
                    ) : (
                      <span className="text-slate-400">—</span>
                    )}
                  </Td>
                  <Td className="max-w-72">
                    <StatusBadge status={b.status} />
                    {b.statusReason && b.status !== "RUNNING" && (
                      <span className="mt-0.5 block text-xs text-slate-500">{b.statusReason}</span>
                    )}
                  </Td>
                  <Td
                    className="whitespace-nowrap tabular-nums"
                    title={b.startedAt ? formatDateTime(b.startedAt) : undefined}
                  >
                    {b.startedAt ? formatDuration(now - new Date(b.startedAt).getTime()) : "—"}
                    {b.pid !== null && <span className="block text-xs text-slate-500">pid {b.pid}</span>}
                  </Td>
                  <Td className={cn("text-right tabular-nums", b.restartCount > 0 && "font-medium text-amber-700")}>
                    {b.restartCount}
                  </Td>
                  <Td className="min-w-48">
                    <div className="flex flex-col gap-1">
                      <div
                        role="meter"
                        aria-label={`Disk used on broker ${b.nodeId}`}
                        aria-valuemin={0}
                        aria-valuemax={quota}
                        aria-valuenow={b.diskUsedBytes}
                        aria-valuetext={`${formatBytes(b.diskUsedBytes)} of ${formatBytes(quota)}`}
                        className="h-1.5 w-full overflow-hidden rounded-full bg-slate-200"
                      >
                        <div
                          className={cn(
                            "h-full rounded-full",
                            share >= STORAGE_DEGRADED_RATIO
                              ? "bg-red-600"
                              : share >= STORAGE_WARN_RATIO
                                ? "bg-amber-500"
                                : "bg-brand-600",
                          )}
                          // A sliver stays visible for a broker that holds anything at all.
                          style={{ width: `${b.diskUsedBytes > 0 ? Math.max(1, Math.min(100, share * 100)) : 0}%` }}
                        />
                      </div>
                      <span className="text-xs text-slate-500 tabular-nums">
                        {formatBytes(b.diskUsedBytes)} of {formatBytes(quota)}
                      </span>
                    </div>
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

function ScaleDialog({ cluster: c, onClose }: { cluster: Cluster; onClose: () => void }) {
  const update = useUpdateCluster();
  const options = useClusterOptions();
  return (
    <CountDialog
      title={`Change the broker count of ${c.name}`}
      description={
        <>
          Now {c.brokerCount} {c.brokerCount === 1 ? "broker" : "brokers"}. New brokers join and take over partitions;
          removed brokers have their partitions moved off first, so no data is lost. The cluster is UPDATING meanwhile
          and keeps serving clients.
        </>
      }
      label="Brokers"
      field="brokerCount"
      current={c.brokerCount}
      max={options.data?.maxBrokers}
      pending={update.isPending}
      error={update.error}
      submitLabel={(target) => `${target > c.brokerCount ? "Scale out" : "Scale in"} to ${target}`}
      onSubmit={(target) =>
        update.mutate(
          { id: c.id, brokerCount: target, generation: c.generation },
          {
            onSuccess: (u) => {
              toast.success(`Scaling ${u.name} to ${u.brokerCount} brokers`);
              onClose();
            },
          },
        )
      }
      onClose={onClose}
    />
  );
}

function StorageDialog({ cluster: c, onClose }: { cluster: Cluster; onClose: () => void }) {
  const update = useUpdateCluster();
  const options = useClusterOptions();
  return (
    <CountDialog
      title={`Change the storage of ${c.name}`}
      description={
        <>
          Now {c.storageGbPerBroker.toLocaleString("en-US")} GB per broker. A larger size applies at once, without a
          restart; a smaller one is refused while a broker holds more than {STORAGE_WARN_RATIO * 100} % of it.
        </>
      }
      label="GB per broker"
      field="storageGbPerBroker"
      current={c.storageGbPerBroker}
      max={options.data?.maxStorageGb}
      pending={update.isPending}
      error={update.error}
      submitLabel={(target) => `${target > c.storageGbPerBroker ? "Grow" : "Shrink"} to ${target} GB`}
      onSubmit={(target) =>
        update.mutate(
          { id: c.id, storageGbPerBroker: target, generation: c.generation },
          {
            onSuccess: (u) => {
              toast.success(`${u.name} has ${u.storageGbPerBroker} GB per broker`);
              onClose();
            },
          },
        )
      }
      onClose={onClose}
    />
  );
}

function DeleteDialog({ cluster: c, onClose }: { cluster: Cluster; onClose: () => void }) {
  const del = useDeleteCluster();
  const router = useRouter();
  return (
    <TypedNameDeleteDialog
      name={c.name}
      what="cluster"
      description={
        <>
          Every broker stops and the cluster&rsquo;s data is deleted: {c.brokerCount}{" "}
          {c.brokerCount === 1 ? "broker" : "brokers"}, their topics and messages, Kafka users and ACLs. Clients
          connected to it fail from then on. This cannot be undone.
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
              router.push("/clusters");
            },
          },
        )
      }
    />
  );
}
