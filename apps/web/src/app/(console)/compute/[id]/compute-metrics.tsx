"use client";
import { Card, CardHeader, SelectField } from "@weir/ui";
import { useMemo, useState } from "react";
import { formatCount } from "@/components/charts/format";
import { ChartSection, chartWindow, METRIC_RANGES, MetricsBody } from "@/components/charts/metrics-panel";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { formatMemoryMb } from "../format";
import { useComputeMetrics, type ComputeCluster } from "../hooks";

const colors = {
  alive: "#059669",
  used: "#4f46e5",
  total: "#64748b",
  apps: "#0891b2",
};

/** Workers, cores, memory and applications over time, from the master's /json/ as the controller samples it. */
export function ComputeMetrics({ cluster }: { cluster: ComputeCluster }) {
  const [minutes, setMinutes] = useState("60");
  const metrics = useComputeMetrics(cluster.id, Number(minutes));
  const data = metrics.data;

  const view = useMemo(() => {
    if (!data) return null;
    const s = data.samples;
    return {
      times: s.map((x) => new Date(x.at).getTime()),
      workersAlive: s.map((x) => x.workersAlive),
      coresUsed: s.map((x) => x.coresUsed),
      coresTotal: s.map((x) => x.coresTotal),
      memoryUsed: s.map((x) => x.memoryUsedMb),
      memoryTotal: s.map((x) => x.memoryTotalMb),
      runningApps: s.map((x) => x.runningApps),
    };
  }, [data]);

  const { from, to } = chartWindow(metrics.dataUpdatedAt, cluster.createdAt, Number(minutes));

  return (
    <Card data-testid="compute-metrics">
      <CardHeader
        title="Metrics"
        description="Sampled by the controller every 15 seconds from the Spark master."
        actions={
          <SelectField
            label="Time range"
            hideLabel
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
            options={METRIC_RANGES}
            wrapperClassName="w-36"
          />
        }
      />
      <MetricsBody
        query={metrics}
        sampleCount={view?.times.length ?? 0}
        empty="No samples in this range yet. The first appear about 15 seconds after the master runs."
      >
        {view && (
          <>
            <ChartSection title="Workers alive" unit={`of ${cluster.workerCount} wanted`}>
              <TimeSeriesChart
                label="Workers the master reports alive"
                times={view.times}
                from={from}
                to={to}
                format={formatCount}
                scale="integer"
                series={[{ name: "Alive", color: colors.alive, values: view.workersAlive }]}
                reference={{ value: cluster.workerCount, label: "Wanted", show: true }}
                testId="chart-workers"
              />
            </ChartSection>
            <ChartSection title="Cores" unit="used by executors, of the workers' total">
              <TimeSeriesChart
                label="Cores used by executors and cores offered by alive workers"
                times={view.times}
                from={from}
                to={to}
                format={formatCount}
                scale="integer"
                series={[
                  { name: "Used", color: colors.used, values: view.coresUsed },
                  { name: "Total", color: colors.total, values: view.coresTotal, dashed: true },
                ]}
                testId="chart-cores"
              />
            </ChartSection>
            <ChartSection title="Memory" unit="used by executors, of the workers' total">
              <TimeSeriesChart
                label="Memory used by executors and memory offered by alive workers"
                times={view.times}
                from={from}
                to={to}
                format={formatMemoryMb}
                scale="binary"
                series={[
                  { name: "Used", color: colors.used, values: view.memoryUsed },
                  { name: "Total", color: colors.total, values: view.memoryTotal, dashed: true },
                ]}
                testId="chart-memory"
              />
            </ChartSection>
            <ChartSection title="Running applications" unit="drivers connected to the master">
              <TimeSeriesChart
                label="Applications running on the cluster"
                times={view.times}
                from={from}
                to={to}
                format={formatCount}
                scale="integer"
                series={[{ name: "Running", color: colors.apps, values: view.runningApps }]}
                testId="chart-apps"
              />
            </ChartSection>
          </>
        )}
      </MetricsBody>
    </Card>
  );
}
