"use client";
import { Card, CardHeader, SelectField, Spinner } from "@weir/ui";
import { useMemo, useState, type ReactNode } from "react";
import { formatBytes, formatBytesPerSec, formatCount, formatPerSec } from "@/components/charts/format";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { errorMessage } from "@/lib/errors";
import { useClusterMetrics, type Cluster } from "../hooks";

const ranges = [
  { value: "15", label: "Last 15 minutes" },
  { value: "60", label: "Last hour" },
  { value: "360", label: "Last 6 hours" },
  { value: "1440", label: "Last 24 hours" },
  { value: "4320", label: "Last 3 days" },
];

const colors = {
  in: "#4f46e5",
  out: "#0891b2",
  messages: "#059669",
  partitions: "#64748b",
  urp: "#dc2626",
  disk: "#d97706",
};

/** Throughput, partitions and disk for the whole cluster or one broker, from the controller's samples. */
export function ClusterMetrics({ cluster }: { cluster: Cluster }) {
  const [scope, setScope] = useState("cluster");
  const [minutes, setMinutes] = useState("60");
  const nodeId = scope === "cluster" ? undefined : Number(scope);
  const metrics = useClusterMetrics(cluster.id, Number(minutes), nodeId);
  const data = metrics.data;

  const view = useMemo(() => {
    if (!data) return null;
    const s = data.samples;
    const times = s.map((x) => new Date(x.at).getTime());
    const maxDisk = s.reduce((m, x) => Math.max(m, x.diskUsedBytes), 0);
    return {
      times,
      bytesIn: s.map((x) => x.bytesInPerSec),
      bytesOut: s.map((x) => x.bytesOutPerSec),
      messages: s.map((x) => x.messagesInPerSec),
      partitions: s.map((x) => x.partitions),
      urp: s.map((x) => x.underReplicated),
      disk: s.map((x) => x.diskUsedBytes),
      lastDisk: s.at(-1)?.diskUsedBytes ?? 0,
      maxDisk,
      quota: data.storageQuotaBytes,
    };
  }, [data]);

  // The range ends at the last fetch, so the charts move along as new samples arrive; it starts
  // no earlier than the cluster (a minute at least), so a new cluster's samples fill the width.
  const to = metrics.dataUpdatedAt || Date.now();
  const created = new Date(cluster.createdAt).getTime();
  const from = Math.max(to - Number(minutes) * 60_000, Math.min(created - 15_000, to - 60_000));
  const scopeLabel = nodeId === undefined ? "cluster" : `broker ${nodeId}`;

  return (
    <Card data-testid="cluster-metrics">
      <CardHeader
        title="Metrics"
        description="Sampled by the controller every 15 seconds from the brokers' JMX metrics and the Admin API."
        actions={
          <div className="flex shrink-0 gap-2">
            <SelectField
              label="Metrics for"
              hideLabel
              value={scope}
              onChange={(e) => setScope(e.target.value)}
              options={[
                { value: "cluster", label: "Whole cluster" },
                ...cluster.brokers.map((b) => ({ value: String(b.nodeId), label: `Broker ${b.nodeId}` })),
              ]}
              data-testid="metrics-scope"
              wrapperClassName="w-40"
            />
            <SelectField
              label="Time range"
              hideLabel
              value={minutes}
              onChange={(e) => setMinutes(e.target.value)}
              options={ranges}
              wrapperClassName="w-36"
            />
          </div>
        }
      />
      {metrics.isPending ? (
        <div className="flex justify-center py-12 text-slate-400">
          <Spinner label="Loading metrics" />
        </div>
      ) : metrics.isError ? (
        <p className="px-5 py-8 text-sm text-amber-800">{errorMessage(metrics.error)}</p>
      ) : !view || view.times.length === 0 ? (
        <p className="px-5 py-10 text-center text-sm text-slate-500" data-testid="metrics-empty">
          No samples for the {scopeLabel} in this range yet. The first appear about 15 seconds after the brokers run.
        </p>
      ) : (
        <div
          className={`grid gap-x-8 gap-y-6 px-5 py-5 lg:grid-cols-2 ${metrics.isPlaceholderData ? "opacity-60" : ""}`}
          aria-busy={metrics.isFetching || undefined}
        >
          <Chart title="Throughput" unit="bytes per second">
            <TimeSeriesChart
              label={`Bytes in and out per second, ${scopeLabel}`}
              times={view.times}
              from={from}
              to={to}
              format={formatBytesPerSec}
              scale="binary"
              series={[
                { name: "In", color: colors.in, values: view.bytesIn },
                { name: "Out", color: colors.out, values: view.bytesOut },
              ]}
              testId="chart-throughput"
            />
          </Chart>
          <Chart title="Messages in" unit="messages per second">
            <TimeSeriesChart
              label={`Messages in per second, ${scopeLabel}`}
              times={view.times}
              from={from}
              to={to}
              format={formatPerSec}
              series={[{ name: "Messages", color: colors.messages, values: view.messages }]}
              testId="chart-messages"
            />
          </Chart>
          <Chart
            title="Partitions"
            unit={
              nodeId === undefined
                ? "in the cluster, and under-replicated"
                : "replicas on this broker, and under-replicated"
            }
          >
            <TimeSeriesChart
              label={`Partitions and under-replicated partitions, ${scopeLabel}`}
              times={view.times}
              from={from}
              to={to}
              format={formatCount}
              scale="integer"
              series={[
                { name: "Partitions", color: colors.partitions, values: view.partitions },
                { name: "Under-replicated", color: colors.urp, values: view.urp },
              ]}
              testId="chart-partitions"
            />
          </Chart>
          <Chart
            title="Disk used"
            unit={
              <span data-testid="disk-vs-quota">
                {formatBytes(view.lastDisk)} of {formatBytes(view.quota)} quota (
                {view.quota > 0
                  ? ((view.lastDisk / view.quota) * 100).toFixed(view.lastDisk / view.quota < 0.1 ? 2 : 1)
                  : 0}
                %)
              </span>
            }
          >
            <TimeSeriesChart
              label={`Disk used against a quota of ${formatBytes(view.quota)}, ${scopeLabel}`}
              times={view.times}
              from={from}
              to={to}
              format={(v) => formatBytes(v, 0)}
              scale="binary"
              series={[{ name: "Used", color: colors.disk, values: view.disk }]}
              // The quota line is drawn once usage is a visible share of it; below that it would flatten the curve.
              reference={{ value: view.quota, label: "Quota", show: view.maxDisk >= view.quota * 0.25 }}
              testId="chart-disk"
            />
          </Chart>
        </div>
      )}
    </Card>
  );
}

function Chart({ title, unit, children }: { title: string; unit: ReactNode; children: ReactNode }) {
  return (
    <section className="flex min-w-0 flex-col gap-2">
      <div className="flex items-baseline justify-between gap-3">
        <h3 className="text-sm font-medium text-slate-900">{title}</h3>
        <span className="text-xs text-slate-500">{unit}</span>
      </div>
      {children}
    </section>
  );
}
