"use client";
import { Card, CardHeader, SelectField } from "@weir/ui";
import { useMemo, useState } from "react";
import { formatCount, formatPerSec } from "@/components/charts/format";
import { ChartSection, chartWindow, METRIC_RANGES, MetricsBody } from "@/components/charts/metrics-panel";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { formatDateTime } from "@/lib/format";
import { useJobProgress, type Job } from "../hooks";

const colors = {
  input: "#4f46e5",
  processed: "#059669",
  duration: "#0891b2",
  behind: "#d97706",
  state: "#7c3aed",
};

const formatMs = (v: number) => (v >= 1000 ? `${Math.round(v / 100) / 10} s` : `${Math.round(v)} ms`);

/** A streaming job's micro-batches over time, from the progress lines the driver writes. */
export function JobProgressCard({ job }: { job: Job }) {
  const [minutes, setMinutes] = useState("15");
  const progress = useJobProgress(job.computeClusterId, job.id, Number(minutes), job.status);
  const data = progress.data;

  const view = useMemo(() => {
    if (!data) return null;
    const s = data.samples;
    return {
      times: s.map((x) => new Date(x.at).getTime()),
      input: s.map((x) => x.inputRowsPerSec),
      processed: s.map((x) => x.processedRowsPerSec),
      duration: s.map((x) => x.batchDurationMs),
      behind: s.map((x) => x.offsetsBehind),
      state: s.map((x) => x.stateRows),
      last: s.at(-1) ?? null,
    };
  }, [data]);

  const { from, to } = chartWindow(progress.dataUpdatedAt, job.startedAt ?? job.createdAt, Number(minutes));
  const last = view?.last;

  return (
    <Card data-testid="job-progress">
      <CardHeader
        title="Progress"
        description={
          last ? (
            <>
              Batch {last.batchId} at {formatDateTime(last.at)} · {formatCount(last.numInputRows)} rows
              {last.watermark && <> · watermark {formatDateTime(last.watermark)}</>}
            </>
          ) : (
            "One sample per micro-batch, written by the driver as it completes each batch."
          )
        }
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
        query={progress}
        sampleCount={view?.times.length ?? 0}
        empty={
          job.status === "RUNNING"
            ? "No micro-batch in this range yet; the first appears once the driver has read its sources."
            : "No micro-batches in this range. Progress appears while the job runs."
        }
      >
        {view && (
          <>
            <ChartSection title="Rows per second" unit="read from the sources, and processed">
              <TimeSeriesChart
                label="Input rows per second and processed rows per second"
                times={view.times}
                from={from}
                to={to}
                format={formatPerSec}
                series={[
                  { name: "Input", color: colors.input, values: view.input },
                  { name: "Processed", color: colors.processed, values: view.processed, dashed: true },
                ]}
                testId="chart-job-rows"
              />
            </ChartSection>
            <ChartSection title="Batch duration" unit="from trigger to commit">
              <TimeSeriesChart
                label="Micro-batch duration"
                times={view.times}
                from={from}
                to={to}
                format={formatMs}
                series={[{ name: "Duration", color: colors.duration, values: view.duration }]}
                testId="chart-job-duration"
              />
            </ChartSection>
            <ChartSection title="Offsets behind" unit="messages not yet read, all source partitions">
              <TimeSeriesChart
                label="Messages between the batch's end offsets and the end of the source partitions"
                times={view.times}
                from={from}
                to={to}
                format={formatCount}
                scale="integer"
                series={[{ name: "Behind", color: colors.behind, values: view.behind }]}
                testId="chart-job-behind"
              />
            </ChartSection>
            <ChartSection title="State rows" unit="kept for aggregations and joins">
              <TimeSeriesChart
                label="Rows in the job's state store"
                times={view.times}
                from={from}
                to={to}
                format={formatCount}
                scale="integer"
                series={[{ name: "State", color: colors.state, values: view.state }]}
                testId="chart-job-state"
              />
            </ChartSection>
          </>
        )}
      </MetricsBody>
    </Card>
  );
}
