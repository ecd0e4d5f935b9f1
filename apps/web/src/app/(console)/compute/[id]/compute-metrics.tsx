"use client";
import { Card, CardHeader, SelectField, Spinner } from "@weir/ui";
import { useMemo, useState, type ReactNode } from "react";
import { formatCount } from "@/components/charts/format";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { errorMessage } from "@/lib/errors";
import { formatMemoryMb } from "../format";
import { useComputeMetrics, type ComputeCluster } from "../hooks";

const ranges = [
  { value: "15", label: "Last 15 minutes" },
  { value: "60", label: "Last hour" },
  { value: "360", label: "Last 6 hours" },
  { value: "1440", label: "Last 24 hours" },
  { value: "4320", label: "Last 3 days" },
];

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

  // The range ends at the last fetch, so the charts move along as samples arrive; it starts no
  // earlier than the cluster (a minute at least), so a new cluster's samples fill the width.
  const to = metrics.dataUpdatedAt || Date.now();
  const created = new Date(cluster.createdAt).getTime();
  const from = Math.max(to - Number(minutes) * 60_000, Math.min(created - 15_000, to - 60_000));

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
            options={ranges}
            wrapperClassName="w-36"
          />
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
          No samples in this range yet. The first appear about 15 seconds after the master runs.
        </p>
      ) : (
        <div
          className={`grid gap-x-8 gap-y-6 px-5 py-5 lg:grid-cols-2 ${metrics.isPlaceholderData ? "opacity-60" : ""}`}
          aria-busy={metrics.isFetching || undefined}
        >
          <Chart title="Workers alive" unit={`of ${cluster.workerCount} wanted`}>
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
          </Chart>
          <Chart title="Cores" unit="used by executors, of the workers' total">
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
          </Chart>
          <Chart title="Memory" unit="used by executors, of the workers' total">
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
          </Chart>
          <Chart title="Running applications" unit="drivers connected to the master">
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
