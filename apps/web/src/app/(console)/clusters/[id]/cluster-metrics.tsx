"use client";
import { Card, CardHeader, SelectField } from "@weir/ui";
import { useMemo, useState } from "react";
import { formatBytes, formatBytesPerSec, formatCount, formatPerSec } from "@/components/charts/format";
import { ChartSection, chartWindow, METRIC_RANGES, MetricsBody } from "@/components/charts/metrics-panel";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { useClusterMetrics, type Cluster } from "../hooks";

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

  const { from, to } = chartWindow(metrics.dataUpdatedAt, cluster.createdAt, Number(minutes));
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
              options={METRIC_RANGES}
              wrapperClassName="w-36"
            />
          </div>
        }
      />
      <MetricsBody
        query={metrics}
        sampleCount={view?.times.length ?? 0}
        empty={`No samples for the ${scopeLabel} in this range yet. The first appear about 15 seconds after the brokers run.`}
      >
        {view && (
          <>
            <ChartSection title="Throughput" unit="bytes per second">
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
            </ChartSection>
            <ChartSection title="Messages in" unit="messages per second">
              <TimeSeriesChart
                label={`Messages in per second, ${scopeLabel}`}
                times={view.times}
                from={from}
                to={to}
                format={formatPerSec}
                series={[{ name: "Messages", color: colors.messages, values: view.messages }]}
                testId="chart-messages"
              />
            </ChartSection>
            <ChartSection
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
            </ChartSection>
            <ChartSection
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
            </ChartSection>
          </>
        )}
      </MetricsBody>
    </Card>
  );
}
