"use client";
// Lines over time, for metrics sampled by the controller. Lines break where samples are missing
// (a broker down, the controller stopped) instead of joining across the gap; a sample with no
// joined neighbour is drawn as a dot. The legend carries each series' latest value, so the figures
// can be read without a pointer; hovering shows the values at one sample.
import { useLayoutEffect, useMemo, useRef } from "react";
import uPlot from "uplot";
import { baseAxis, valueAxis, valueRange, type AxisScale } from "./axes";
import { SeriesValue, UplotChart } from "./uplot-chart";

export interface TimeSeries {
  name: string;
  color: string;
  /** One value per entry of `times`; null where the series has no value. */
  values: Array<number | null>;
  dashed?: boolean;
}

interface TimeSeriesChartProps {
  /** The accessible name of the chart; a summary of the latest values is added to it. */
  label: string;
  /** Sample times in epoch milliseconds, ascending. */
  times: number[];
  series: TimeSeries[];
  format: (v: number) => string;
  /** The time range shown when not zoomed, in epoch milliseconds. */
  from: number;
  to: number;
  height?: number;
  /** A horizontal reference line (a quota, a limit); the axis grows to show it when `show`. */
  reference?: { value: number; label: string; show: boolean };
  /** Consecutive samples further apart than this are not joined. */
  gapMs?: number;
  /** How the value axis rounds its gridlines. */
  scale?: AxisScale;
  testId?: string;
}

const timeFormat = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });
const dayTimeFormat = new Intl.DateTimeFormat("en-GB", { weekday: "short", hour: "2-digit", minute: "2-digit" });
const timeFormatSeconds = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const dayTimeFormatSeconds = new Intl.DateTimeFormat("en-GB", {
  weekday: "short",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

function latest(values: Array<number | null>): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] != null) return values[i]!;
  return null;
}

function stats(values: Array<number | null>) {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v == null) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    n++;
  }
  return n === 0 ? null : { min, max, mean: sum / n, latest: latest(values)! };
}

/** Gaps where consecutive samples are further apart than `gapMs`, added to uPlot's gaps at nulls. */
function gapsOver(gapMs: number): uPlot.Series.GapsRefiner {
  return (u, seriesIdx, idx0, idx1, nullGaps) => {
    const xs = u.data[0];
    const ys = u.data[seriesIdx]!;
    const gaps = [...nullGaps];
    let prev = -1;
    for (let i = idx0; i <= idx1; i++) {
      if (ys[i] == null) continue;
      if (prev >= 0 && xs[i]! - xs[prev]! > gapMs) {
        gaps.push([Math.round(u.valToPos(xs[prev]!, "x", true)), Math.round(u.valToPos(xs[i]!, "x", true))]);
      }
      prev = i;
    }
    gaps.sort((a, b) => a[0] - b[0]);
    // uPlot's clip expects gaps in order and not overlapping.
    const merged: typeof gaps = [];
    for (const g of gaps) {
      const last = merged.at(-1);
      if (last && g[0] <= last[1]) last[1] = Math.max(last[1], g[1]);
      else merged.push([g[0], g[1]]);
    }
    return merged;
  };
}

/** Indices of samples joined to neither neighbour, which a line alone would not show. */
function isolatedPoints(gapMs: number): uPlot.Series.Points.Filter {
  return (u, seriesIdx) => {
    const xs = u.data[0];
    const ys = u.data[seriesIdx]!;
    const joined = (i: number, j: number) => ys[j] != null && Math.abs(xs[i]! - xs[j]!) <= gapMs;
    const out: number[] = [];
    for (let i = 0; i < ys.length; i++) {
      if (ys[i] != null && !(i > 0 && joined(i, i - 1)) && !(i < ys.length - 1 && joined(i, i + 1))) out.push(i);
    }
    return out.length > 0 ? out : null;
  };
}

export function TimeSeriesChart({
  label,
  times,
  series,
  format,
  from,
  to,
  height = 180,
  reference,
  gapMs = 60_000,
  scale = "decimal",
  testId,
}: TimeSeriesChartProps) {
  // Axis labels and the quota line read these when drawn, so a new closure does not rebuild the chart.
  const formatRef = useRef(format);
  const referenceRef = useRef(reference);
  useLayoutEffect(() => {
    formatRef.current = format;
    referenceRef.current = reference;
  });

  // What the lines look like, as a string: the chart is rebuilt when it changes, not on new data.
  const look = JSON.stringify(series.map((s) => [s.name, s.color, s.dashed === true]));
  const showReference = reference?.show === true;
  const options = useMemo((): Omit<uPlot.Options, "width" | "height"> => {
    const looks = JSON.parse(look) as Array<[string, string, boolean]>;
    return {
      ms: 1,
      padding: [10, 12, 0, 0],
      scales: {
        x: { time: true },
        y: {
          range: (_u, _min, max) =>
            valueRange(Math.max(max ?? 0, showReference ? (referenceRef.current?.value ?? 0) : 0), scale),
        },
      },
      axes: [
        baseAxis(
          (_u, splits, _axis, _space, incr) => {
            const span = (splits.at(-1) ?? 0) - (splits[0] ?? 0);
            const f = span > 36 * 3_600_000 ? dayTimeFormat : incr < 60_000 ? timeFormatSeconds : timeFormat;
            return splits.map((t) => f.format(t));
          },
          { space: 80 },
        ),
        valueAxis(() => formatRef.current),
      ],
      series: [
        {},
        ...looks.map(([name, color, dashed]) => ({
          label: name,
          stroke: color,
          width: 1.75,
          dash: dashed ? [5, 3] : undefined,
          gaps: gapsOver(gapMs),
          points: { show: false, filter: isolatedPoints(gapMs), size: 4, fill: color },
        })),
      ],
      cursor: { points: { size: 7, width: 0 } },
      hooks: {
        draw: [
          (u) => {
            const ref = referenceRef.current;
            if (!ref?.show) return;
            const { ctx } = u;
            const y = Math.round(u.valToPos(ref.value, "y", true));
            const { left, width } = u.bbox;
            ctx.save();
            ctx.strokeStyle = "#dc2626";
            ctx.lineWidth = uPlot.pxRatio;
            ctx.setLineDash([4 * uPlot.pxRatio, 3 * uPlot.pxRatio]);
            ctx.beginPath();
            ctx.moveTo(left, y);
            ctx.lineTo(left + width, y);
            ctx.stroke();
            ctx.fillStyle = "#b91c1c";
            ctx.font = `${11 * uPlot.pxRatio}px ui-sans-serif, system-ui, sans-serif`;
            ctx.textAlign = "right";
            ctx.fillText(ref.label, left + width, y - 4 * uPlot.pxRatio);
            ctx.restore();
          },
        ],
      },
    };
  }, [look, gapMs, scale, showReference]);

  const data = useMemo((): uPlot.AlignedData => [times, ...series.map((s) => s.values)], [times, series]);
  const summaries = series.map((s) => ({ ...s, stats: stats(s.values) }));
  // Past a day the clock time alone is ambiguous, so the weekday is added.
  const multiDay = to - from > 24 * 3_600_000;
  const range = `${(multiDay ? dayTimeFormat : timeFormat).format(from)} to ${timeFormat.format(to)}`;
  const summary = summaries
    .map((s) => `${s.name} ${s.stats ? `latest ${format(s.stats.latest)}, highest ${format(s.stats.max)}` : "no data"}`)
    .join("; ");
  const refText = reference ? `; ${reference.label} ${format(reference.value)}` : "";

  return (
    <UplotChart
      label={`${label}, ${range}: ${summary}${refText}.`}
      testId={testId}
      height={height}
      options={options}
      data={data}
      xRange={[from, to]}
      samples={times.length}
      tooltip={({ idx }) => (
        <>
          <div className="font-medium text-slate-900">
            {(multiDay ? dayTimeFormatSeconds : timeFormatSeconds).format(times[idx]!)}
          </div>
          {series.map((s) => {
            const v = s.values[idx];
            return (
              <div key={s.name} className="text-slate-600">
                <SeriesValue name={`${s.name}:`} color={s.color} value={v == null ? "—" : format(v)} />
              </div>
            );
          })}
        </>
      )}
      legend={series.map((s) => {
        const v = latest(s.values);
        return (
          <SeriesValue
            key={s.name}
            name={s.name}
            color={s.color}
            mark={s.dashed ? "dashed" : "line"}
            value={v === null ? "—" : format(v)}
          />
        );
      })}
      table={
        <table>
          <caption>
            {label}, {range}
          </caption>
          <thead>
            <tr>
              <th scope="col">Series</th>
              <th scope="col">Latest</th>
              <th scope="col">Lowest</th>
              <th scope="col">Highest</th>
              <th scope="col">Average</th>
            </tr>
          </thead>
          <tbody>
            {summaries.map((s) => (
              <tr key={s.name}>
                <th scope="row">{s.name}</th>
                {s.stats ? (
                  <>
                    <td>{format(s.stats.latest)}</td>
                    <td>{format(s.stats.min)}</td>
                    <td>{format(s.stats.max)}</td>
                    <td>{format(s.stats.mean)}</td>
                  </>
                ) : (
                  <td colSpan={4}>No samples</td>
                )}
              </tr>
            ))}
            {reference && (
              <tr>
                <th scope="row">{reference.label}</th>
                <td colSpan={4}>{format(reference.value)}</td>
              </tr>
            )}
          </tbody>
        </table>
      }
    />
  );
}
