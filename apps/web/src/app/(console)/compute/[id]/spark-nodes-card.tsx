"use client";
import { Card, CardHeader, Table, Td, Th, cn } from "@weir/ui";
import { formatDuration } from "@/components/charts/format";
import { StatusBadge } from "@/components/console/status-badge";
import { useNow } from "@/components/console/use-now";
import { formatDateTime } from "@/lib/format";
import type { ComputeCluster, SparkNode } from "../hooks";
import { formatMemoryMb } from "../format";

/**
 * Where a node's Spark UI opens: the console's authenticated proxy to the master's UI, which
 * itself proxies each worker's (`uiPath` is "" for the master, "proxy/<worker id>/" for a worker).
 */
export const sparkUiHref = (clusterId: string, uiPath: string) => `/spark-ui/${clusterId}/${uiPath}`;

/** A node's UI answers while it runs (a worker's, once it has registered and so has a path on the master). */
export const sparkUiOpen = (node: SparkNode) => node.uiPath !== null && node.status === "RUNNING";

/** The master and the workers, as the controller last saw them. */
export function SparkNodesCard({ cluster: c }: { cluster: ComputeCluster }) {
  const now = useNow(1_000);
  const nodes = [...(c.master ? [c.master] : []), ...c.workers, ...(c.connect ? [c.connect] : [])];
  return (
    <Card>
      <CardHeader
        title="Master and workers"
        description={`One master and ${c.workers.length} ${c.workers.length === 1 ? "worker" : "workers"}; each worker offers its cores and memory to executors.`}
      />
      {nodes.length === 0 ? (
        <p className="px-5 py-8 text-center text-sm text-slate-500">The controller has not started the master yet.</p>
      ) : (
        <Table data-testid="spark-nodes-table">
          <thead>
            <tr>
              <Th>Node</Th>
              <Th>Address</Th>
              <Th>Status</Th>
              <Th className="text-right">Cores</Th>
              <Th className="text-right">Memory</Th>
              <Th>Uptime</Th>
              <Th className="text-right">Restarts</Th>
              <Th>
                <span className="sr-only">Spark UI</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => (
              <NodeRow key={`${n.role}-${n.index}`} clusterId={c.id} node={n} now={now} />
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

function NodeRow({ clusterId, node: n, now }: { clusterId: string; node: SparkNode; now: number }) {
  const label = n.role === "master" ? "Master" : n.role === "connect" ? "SQL workspace server" : `Worker ${n.index}`;
  const isMaster = n.role === "master";
  return (
    <tr data-testid="spark-node-row" data-role={n.role} data-index={n.index} data-status={n.status}>
      <Td>
        <span className="font-medium text-slate-900">{label}</span>
        {n.pid !== null && <span className="block text-xs text-slate-500">pid {n.pid}</span>}
      </Td>
      <Td>
        <code className="font-mono text-xs text-slate-700">{n.address}</code>
      </Td>
      <Td className="max-w-72">
        <StatusBadge status={n.status} />
        {n.statusReason && n.status !== "RUNNING" && (
          <span
            className={cn("mt-0.5 block text-xs", n.status === "FAILED" ? "text-red-700" : "text-slate-500")}
            data-testid="spark-node-reason"
          >
            {n.statusReason}
          </span>
        )}
      </Td>
      <Td className="text-right tabular-nums">{isMaster ? "—" : n.cores}</Td>
      <Td className="text-right whitespace-nowrap tabular-nums">{isMaster ? "—" : formatMemoryMb(n.memoryMb)}</Td>
      <Td className="whitespace-nowrap tabular-nums" title={n.startedAt ? formatDateTime(n.startedAt) : undefined}>
        {n.startedAt ? formatDuration(now - new Date(n.startedAt).getTime()) : "—"}
      </Td>
      <Td className={cn("text-right tabular-nums", n.restartCount > 0 && "font-medium text-amber-700")}>
        {n.restartCount}
      </Td>
      <Td className="text-right whitespace-nowrap">
        {sparkUiOpen(n) ? (
          <a
            href={sparkUiHref(clusterId, n.uiPath!)}
            target="_blank"
            rel="noopener"
            className="text-sm font-medium text-brand-700 hover:underline focus-visible:outline-2 focus-visible:outline-brand-500"
            aria-label={`Spark UI of the ${isMaster ? "master" : `worker ${n.index}`}`}
            data-testid="spark-ui-link"
          >
            Spark UI
          </a>
        ) : (
          <span
            className="text-xs text-slate-400"
            title={
              isMaster
                ? "The UI opens once the master runs"
                : "The UI opens once the worker runs and has registered with the master"
            }
          >
            {n.uiPath === null ? "Not registered" : "Not running"}
          </span>
        )}
      </Td>
    </tr>
  );
}
