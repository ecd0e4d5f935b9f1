"use client";
import { Card, CardHeader, SelectField } from "@weir/ui";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { formatCount } from "@/components/charts/format";
import { ChartSection, chartWindow, METRIC_RANGES, MetricsBody } from "@/components/charts/metrics-panel";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import type { Connector } from "../../../hooks";

function useReplicationLag(id: string, name: string, minutes: number) {
  const trpc = useTRPC();
  return useQuery(trpc.connectors.lag.queryOptions({ id, name, minutes }, { refetchInterval: 10_000 }));
}

/**
 * A replication's lag over time: records in the source's matching topics that the target does not
 * hold yet (both clusters' end offsets, read by the controller every 10 s with the Admin API; not
 * MirrorMaker 2's own JMX metrics, which stay inside the worker).
 */
export function ReplicationLagCard({ connector: k }: { connector: Connector }) {
  const [minutes, setMinutes] = useState("15");
  const lag = useReplicationLag(k.connectClusterId, k.name, Number(minutes));
  const view = useMemo(() => {
    const s = lag.data?.samples;
    if (!s) return null;
    return {
      times: s.map((x) => new Date(x.at).getTime()),
      records: s.map((x) => x.records),
      last: s.at(-1) ?? null,
    };
  }, [lag.data]);
  const { from, to } = chartWindow(lag.dataUpdatedAt, k.createdAt, Number(minutes));
  const last = view?.last;
  return (
    <Card data-testid="replication-lag">
      <CardHeader
        title="Replication lag"
        description={
          last ? (
            <>
              {formatCount(last.records)} {last.records === 1 ? "record" : "records"} behind at{" "}
              {formatDateTime(last.at)} · {last.topics} {last.topics === 1 ? "topic" : "topics"} matched on the source
            </>
          ) : (
            "Records on the source not yet on this cluster: both clusters' end offsets, read every 10 s."
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
        query={lag}
        sampleCount={view?.times.length ?? 0}
        empty="No sample in this range yet: the controller reads both clusters once the replication runs."
      >
        {view && (
          <ChartSection title="Records behind" unit="source end offsets minus this cluster's, all matching partitions">
            <TimeSeriesChart
              label="Records on the source not yet replicated"
              times={view.times}
              from={from}
              to={to}
              format={formatCount}
              scale="integer"
              series={[{ name: "Behind", color: "#d97706", values: view.records }]}
              testId="chart-replication-lag"
            />
          </ChartSection>
        )}
      </MetricsBody>
    </Card>
  );
}
