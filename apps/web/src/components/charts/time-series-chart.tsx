"use client";
// A small time-series line chart in plain SVG, sized to its container. Lines break where samples
// are missing (a broker down, the controller stopped) instead of drawing a straight line across
// the gap. The legend carries each series' latest value, so the figures can be read without a
// pointer; hovering shows the values at one sample.
import { useEffect, useMemo, useRef, useState, type PointerEvent } from "react";

interface TimeSeries {
  name: string;
  color: string;
  /** One value per entry of `times`; null where the series has no value. */
  values: Array<number | null>;
  dashed?: boolean;
}

interface TimeSeriesChartProps {
  /** The accessible name of the chart. */
  label: string;
  /** Sample times in epoch milliseconds, ascending. */
  times: number[];
  series: TimeSeries[];
  format: (v: number) => string;
  /** The time range shown, in epoch milliseconds. */
  from: number;
  to: number;
  height?: number;
  /** A horizontal reference line (a quota, a limit); the axis grows to show it when `showReference`. */
  reference?: { value: number; label: string; show: boolean };
  /** Consecutive samples further apart than this are not joined. */
  gapMs?: number;
  /** How the value axis rounds its gridlines. */
  scale?: AxisScale;
  testId?: string;
}

const PAD = { top: 10, right: 12, bottom: 24, left: 64 };

type AxisScale = "decimal" | "binary" | "integer";

/**
 * The step between the four gridlines above zero: 1, 2, 2.5 or 5 × 10^k, a power of two times
 * 1024^k for bytes (16 KiB, 32 KiB…), and at least 1 for counts, so the axis reads in round numbers.
 */
function niceStep(raw: number, scale: AxisScale): number {
  if (scale === "binary") {
    if (raw < 1) return 1;
    const p = 1024 ** Math.floor(Math.log(raw) / Math.log(1024));
    return 2 ** Math.ceil(Math.log2(raw / p)) * p;
  }
  if (raw <= 0) return scale === "integer" ? 1 : 0.25;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  const step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
  return scale === "integer" ? Math.max(1, Math.ceil(step)) : step;
}

const timeFormat = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });
const dayTimeFormat = new Intl.DateTimeFormat("en-GB", { weekday: "short", hour: "2-digit", minute: "2-digit" });
const timeFormatSeconds = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

const timeSteps = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((x) => x * 1000);

/** Gridline times on round clock values (every 5 minutes, every hour…), at most `max` of them. */
function timeTicks(from: number, to: number, max: number) {
  const step = timeSteps.find((st) => (to - from) / st <= max) ?? timeSteps.at(-1)!;
  // Round in local time, so hourly ticks fall on the hour wherever the viewer is.
  const offset = new Date(from).getTimezoneOffset() * 60_000;
  const at: number[] = [];
  for (let t = Math.ceil((from - offset) / step) * step + offset; t <= to; t += step) at.push(t);
  return { step, at };
}

function useWidth<T extends HTMLElement>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(240, Math.floor(entry.contentRect.width)));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width] as const;
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
  const [box, width] = useWidth<HTMLDivElement>(560);
  const [hover, setHover] = useState<number | null>(null);

  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const span = Math.max(1, to - from);

  const yMax = useMemo(() => {
    let max = 0;
    for (const s of series) for (const v of s.values) if (v !== null && v > max) max = v;
    if (reference?.show) max = Math.max(max, reference.value);
    return niceStep(max / 4, scale) * 4;
  }, [series, reference, scale]);

  const x = (t: number) => PAD.left + ((t - from) / span) * plotW;
  const y = (v: number) => PAD.top + plotH - (Math.min(v, yMax) / yMax) * plotH;

  // A sample with no joined neighbour (the first after a gap, or the only one) is drawn as a dot.
  const drawn = series.map((s) => {
    let d = "";
    const dots: Array<{ cx: number; cy: number }> = [];
    let prev: number | null = null;
    let run: Array<{ cx: number; cy: number }> = [];
    const close = () => {
      if (run.length === 1) dots.push(run[0]!);
      run = [];
    };
    s.values.forEach((v, i) => {
      const t = times[i]!;
      if (v === null || t < from) {
        prev = null;
        close();
        return;
      }
      const joined = prev !== null && t - prev <= gapMs;
      if (!joined) close();
      const pt = { cx: x(t), cy: y(v) };
      d += `${joined ? "L" : "M"}${pt.cx.toFixed(1)},${pt.cy.toFixed(1)}`;
      run.push(pt);
      prev = t;
    });
    close();
    return { d, dots };
  });

  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * yMax);
  const xTicks = timeTicks(from, to, Math.max(2, Math.min(6, Math.floor(plotW / 90))));
  const tickFormat = span > 36 * 3_600_000 ? dayTimeFormat : xTicks.step < 60_000 ? timeFormatSeconds : timeFormat;

  function onMove(e: PointerEvent<SVGRectElement>) {
    if (times.length === 0) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const t = from + ((e.clientX - rect.left) / rect.width) * span;
    // Binary search for the nearest sample.
    let lo = 0;
    let hi = times.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && Math.abs(times[lo - 1]! - t) < Math.abs(times[lo]! - t)) lo -= 1;
    setHover(lo);
  }

  const hoverT = hover !== null ? times[hover] : undefined;
  const latest = (s: TimeSeries) => {
    for (let i = s.values.length - 1; i >= 0; i--) if (s.values[i] !== null) return s.values[i]!;
    return null;
  };

  return (
    <figure className="flex flex-col gap-2" data-testid={testId}>
      <div ref={box} className="relative w-full">
        <svg
          role="img"
          aria-label={label}
          width={width}
          height={height}
          className="block text-slate-400 select-none"
          data-samples={times.length}
        >
          {yTicks.map((t) => (
            <g key={t}>
              <line
                x1={PAD.left}
                x2={width - PAD.right}
                y1={y(t)}
                y2={y(t)}
                stroke="currentColor"
                strokeOpacity={t === 0 ? 0.5 : 0.2}
              />
              <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" fontSize={11} fill="#64748b">
                {format(t)}
              </text>
            </g>
          ))}
          {xTicks.at
            // A label too close to an edge would be cut off.
            .filter((t) => x(t) >= PAD.left + 16 && x(t) <= width - 28)
            .map((t) => (
              <text key={t} x={x(t)} y={height - 6} textAnchor="middle" fontSize={11} fill="#64748b">
                {tickFormat.format(t)}
              </text>
            ))}
          {reference?.show && (
            <g>
              <line
                x1={PAD.left}
                x2={width - PAD.right}
                y1={y(reference.value)}
                y2={y(reference.value)}
                stroke="#dc2626"
                strokeDasharray="4 3"
              />
              <text x={width - PAD.right} y={y(reference.value) - 4} textAnchor="end" fontSize={11} fill="#b91c1c">
                {reference.label}
              </text>
            </g>
          )}
          {series.map((s, i) => (
            <g key={s.name}>
              <path
                d={drawn[i]!.d}
                fill="none"
                stroke={s.color}
                strokeWidth={1.75}
                strokeLinejoin="round"
                strokeDasharray={s.dashed ? "5 3" : undefined}
              />
              {drawn[i]!.dots.map((p) => (
                <circle key={`${p.cx},${p.cy}`} cx={p.cx} cy={p.cy} r={2} fill={s.color} />
              ))}
            </g>
          ))}
          {hoverT !== undefined && hoverT >= from && (
            <g>
              <line x1={x(hoverT)} x2={x(hoverT)} y1={PAD.top} y2={PAD.top + plotH} stroke="#94a3b8" />
              {series.map((s) => {
                const v = s.values[hover!];
                return v === null || v === undefined ? null : (
                  <circle key={s.name} cx={x(hoverT)} cy={y(v)} r={3} fill={s.color} />
                );
              })}
            </g>
          )}
          <rect
            x={PAD.left}
            y={PAD.top}
            width={plotW}
            height={plotH}
            fill="transparent"
            onPointerMove={onMove}
            onPointerLeave={() => setHover(null)}
          />
        </svg>
        {hoverT !== undefined && hoverT >= from && (
          <div
            className="pointer-events-none absolute top-2 rounded-md border border-slate-200 bg-white/95 px-2.5 py-1.5 text-xs shadow-sm"
            style={x(hoverT) > width / 2 ? { right: width - x(hoverT) + 8 } : { left: x(hoverT) + 8 }}
          >
            <div className="font-medium text-slate-900">{timeFormatSeconds.format(hoverT)}</div>
            {series.map((s) => {
              const v = s.values[hover!];
              return (
                <div key={s.name} className="flex items-center gap-1.5 text-slate-600">
                  <span className="size-2 rounded-full" style={{ background: s.color }} />
                  {s.name}: <span className="text-slate-900 tabular-nums">{v == null ? "—" : format(v)}</span>
                </div>
              );
            })}
          </div>
        )}
      </div>
      <figcaption className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
        {series.map((s) => {
          const v = latest(s);
          return (
            <span key={s.name} className="inline-flex items-center gap-1.5">
              <span
                className="h-0.5 w-3 rounded-sm"
                style={{ background: s.color, opacity: s.dashed ? 0.7 : 1 }}
                aria-hidden
              />
              {s.name}
              <span className="font-medium text-slate-900 tabular-nums">{v === null ? "—" : format(v)}</span>
            </span>
          );
        })}
      </figcaption>
    </figure>
  );
}
