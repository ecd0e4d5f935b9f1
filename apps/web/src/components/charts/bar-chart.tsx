"use client";
// Stacked bars: one bar per category (a day, a configuration), one coloured segment per series.
// Hovering a bar shows each segment and the total; drag across bars to zoom into them.
import { useLayoutEffect, useMemo, useRef } from "react";
import uPlot from "uplot";
import { baseAxis, valueAxis, valueRange } from "./axes";
import { SeriesValue, UplotChart } from "./uplot-chart";

export const barPalette = ["#4f46e5", "#0891b2", "#d97706", "#059669", "#db2777", "#7c3aed", "#64748b", "#dc2626"];

interface BarSeries {
  name: string;
  /** One value per category. */
  values: number[];
  /** Defaults to the palette, in order. */
  color?: string;
}

interface BarChartProps {
  /** The accessible name of the chart; the totals are added to it. */
  label: string;
  categories: string[];
  series: BarSeries[];
  /** Formats a value for the axis, the tooltip and the table. */
  format: (v: number) => string;
  height?: number;
  testId?: string;
}

export function BarChart({ label, categories, series, format, height = 220, testId }: BarChartProps) {
  const formatRef = useRef(format);
  const categoriesRef = useRef(categories);
  useLayoutEffect(() => {
    formatRef.current = format;
    categoriesRef.current = categories;
  });

  const colors = series.map((s, i) => s.color ?? barPalette[i % barPalette.length]!);
  const look = JSON.stringify(series.map((s, i) => [s.name, colors[i]]));
  const options = useMemo((): Omit<uPlot.Options, "width" | "height"> => {
    const looks = JSON.parse(look) as Array<[string, string]>;
    const bars = uPlot.paths.bars!({ size: [0.7, 56] });
    return {
      padding: [10, 8, 0, 0],
      scales: {
        x: { time: false },
        y: { range: (_u, _min, max) => valueRange(max, "decimal") },
      },
      axes: [
        baseAxis((_u, splits) => splits.map((i) => categoriesRef.current[i] ?? ""), {
          // One label per category where they fit, else every second, third…
          splits: (u, _axis, min, max) => {
            const first = Math.ceil(min);
            const last = Math.floor(max);
            const fit = Math.max(1, Math.floor(u.bbox.width / uPlot.pxRatio / 44));
            const every = Math.ceil((last - first + 1) / fit);
            const out: number[] = [];
            for (let i = first; i <= last; i += every) out.push(i);
            return out;
          },
        }),
        valueAxis(() => formatRef.current),
      ],
      // Drawn top of the stack first, each over the one above it, so every segment shows.
      series: [
        {},
        ...looks
          .map(([name, color]) => ({
            label: name,
            fill: color,
            stroke: color,
            width: 0,
            paths: bars,
            points: { show: false },
          }))
          .reverse(),
      ],
      cursor: { points: { show: false } },
    };
  }, [look]);

  const totals = categories.map((_, i) => series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const data = useMemo((): uPlot.AlignedData => {
    const running = categories.map(() => 0);
    const stacked = series.map((s) => categories.map((_, i) => (running[i]! += s.values[i] ?? 0)));
    return [categories.map((_, i) => i), ...stacked.reverse()];
  }, [categories, series]);

  const summary = categories.map((c, i) => `${c} ${format(totals[i]!)}`).join(", ");

  return (
    <UplotChart
      label={`${label}: ${summary}.`}
      testId={testId}
      height={height}
      options={options}
      data={data}
      xRange={[-0.5, categories.length - 0.5]}
      snapZoom={(min, max) => [Math.round(min) - 0.5, Math.max(Math.round(min), Math.round(max)) + 0.5]}
      samples={categories.length}
      tooltip={({ idx }) => (
        <>
          <div className="font-medium text-slate-900">
            {categories[idx]}: <span className="tabular-nums">{format(totals[idx] ?? 0)}</span>
          </div>
          {series.map((s, si) => (
            <div key={s.name} className="text-slate-600">
              <SeriesValue name={`${s.name}:`} color={colors[si]!} mark="square" value={format(s.values[idx] ?? 0)} />
            </div>
          ))}
        </>
      )}
      legend={series.map((s, si) => (
        <SeriesValue key={s.name} name={s.name} color={colors[si]!} mark="square" />
      ))}
      table={
        <table>
          <caption>{label}</caption>
          <thead>
            <tr>
              <th scope="col">Category</th>
              {series.map((s) => (
                <th key={s.name} scope="col">
                  {s.name}
                </th>
              ))}
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {categories.map((c, i) => (
              // One row per bar; the journeys count bars by this test id.
              <tr key={c} data-testid="chart-bar" data-category={c} data-total={totals[i]}>
                <th scope="row">{c}</th>
                {series.map((s) => (
                  <td key={s.name}>{format(s.values[i] ?? 0)}</td>
                ))}
                <td>{format(totals[i] ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}
