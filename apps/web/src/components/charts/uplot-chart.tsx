"use client";
// What every chart shares, on uPlot (a canvas chart library, ~24 KB gzipped): sizing to the
// container, drag to zoom into a range of x with double-click or the button to go back, a tooltip
// with the values under the pointer, and for screen readers a labelled image plus a visually
// hidden table. TimeSeriesChart and BarChart only say what to draw.
//
// uPlot is created in an effect, so nothing touches the DOM during server rendering; the module
// itself is safe to import on the server.
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Hover {
  /** Index into the x values of the sample or category under the pointer. */
  idx: number;
  /** Pointer position over the chart box, in CSS pixels. */
  left: number;
  boxWidth: number;
}

interface UplotChartProps {
  /** Accessible name of the image: what is drawn and a summary of the values. */
  label: string;
  testId?: string;
  height: number;
  /**
   * The chart without size, x range, cursor or hooks. Rebuilt only when its identity changes,
   * so callers memoise it on what changes the drawing (series, colours), not on the data.
   */
  options: Omit<uPlot.Options, "width" | "height">;
  data: uPlot.AlignedData;
  /** The x range shown when not zoomed. */
  xRange: [number, number];
  /** Rounds a dragged range, e.g. to whole categories. */
  snapZoom?: (min: number, max: number) => [number, number];
  /** Number of samples, exposed as data-samples for tests. */
  samples: number;
  tooltip: (hover: Hover) => ReactNode;
  legend: ReactNode;
  /** The values as a table for screen readers; rendered visually hidden. */
  table: ReactNode;
}

export function UplotChart({
  label,
  testId,
  height,
  options,
  data,
  xRange,
  snapZoom,
  samples,
  tooltip,
  legend,
  table,
}: UplotChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // Read by uPlot's callbacks, which outlive a render: the latest range, zoom and data.
  const fullRange = useRef(xRange);
  const zoom = useRef<[number, number] | null>(null);
  const latestData = useRef(data);
  const snap = useRef(snapZoom);
  const [hover, setHover] = useState<Hover | null>(null);
  const [zoomed, setZoomed] = useState(false);

  useLayoutEffect(() => {
    fullRange.current = xRange;
    latestData.current = data;
    snap.current = snapZoom;
  });

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot(
      {
        ...options,
        width: Math.max(240, el.clientWidth),
        height,
        legend: { show: false },
        scales: {
          ...options.scales,
          // New data or a new range keeps the zoom; only a reset returns to the full range.
          x: { ...options.scales?.x, range: () => zoom.current ?? fullRange.current },
        },
        cursor: {
          ...options.cursor,
          y: false,
          drag: { x: true, y: false, setScale: false },
          bind: {
            dblclick: () => () => {
              resetZoom();
              return null;
            },
          },
        },
        hooks: {
          ...options.hooks,
          setCursor: [
            (u) => {
              const idx = u.cursor.idx;
              const left = u.cursor.left ?? -1;
              setHover(
                idx == null || left < 0
                  ? null
                  : { idx, left: u.over.offsetLeft + left, boxWidth: u.over.offsetLeft + u.over.clientWidth },
              );
            },
          ],
          setSelect: [
            (u) => {
              if (u.select.width < 3) return;
              const min = u.posToVal(u.select.left, "x");
              const max = u.posToVal(u.select.left + u.select.width, "x");
              zoom.current = snap.current ? snap.current(min, max) : [min, max];
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              u.setScale("x", { min: zoom.current[0], max: zoom.current[1] });
              setZoomed(true);
            },
          ],
        },
      },
      latestData.current,
      el,
    );
    plot.current = u;
    const resize = new ResizeObserver(([entry]) => {
      if (entry) u.setSize({ width: Math.max(240, Math.floor(entry.contentRect.width)), height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [options, height]);

  // Re-ranges x (to the zoom or the full range) and the value axis to the new data.
  useEffect(() => {
    plot.current?.setData(data);
  }, [data, xRange[0], xRange[1]]);

  function resetZoom() {
    zoom.current = null;
    setZoomed(false);
    const [min, max] = fullRange.current;
    plot.current?.setScale("x", { min, max });
  }

  return (
    <figure className="flex flex-col gap-2" data-testid={testId}>
      <div className="relative w-full">
        <div
          ref={box}
          role="img"
          aria-label={label}
          data-samples={samples}
          className="w-full overflow-hidden select-none"
          style={{ height }}
        />
        {hover && (
          <div
            aria-hidden
            className="pointer-events-none absolute top-2 z-10 rounded-md border border-slate-200 bg-white/95 px-2.5 py-1.5 text-xs whitespace-nowrap shadow-sm"
            style={
              hover.left > hover.boxWidth / 2 ? { right: hover.boxWidth - hover.left + 8 } : { left: hover.left + 8 }
            }
          >
            {tooltip(hover)}
          </div>
        )}
        {zoomed && (
          <button
            type="button"
            onClick={resetZoom}
            className="absolute top-1 right-1 z-10 rounded-md border border-slate-200 bg-white px-2 py-0.5 text-xs text-slate-700 shadow-sm hover:bg-slate-50 focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:outline-none"
          >
            Reset zoom
          </button>
        )}
      </div>
      <figcaption className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
        {legend}
        <span className="ml-auto hidden text-slate-400 [@media(hover:hover)]:inline" aria-hidden>
          {zoomed ? "Double-click to reset" : "Drag to zoom"}
        </span>
      </figcaption>
      <div className="sr-only">{table}</div>
    </figure>
  );
}

/** One legend or tooltip row: a colour mark, a name and a value. */
export function SeriesValue({
  name,
  color,
  value,
  mark = "dot",
}: {
  name: string;
  color: string;
  value?: string;
  mark?: "dot" | "line" | "dashed" | "square";
}) {
  const markClass =
    mark === "line" || mark === "dashed"
      ? "h-0.5 w-3 rounded-sm"
      : mark === "square"
        ? "size-2.5 rounded-sm"
        : "size-2 rounded-full";
  return (
    <span className="inline-flex items-center gap-1.5">
      <span className={markClass} style={{ background: color, opacity: mark === "dashed" ? 0.7 : 1 }} aria-hidden />
      {name}
      {value !== undefined && <span className="font-medium text-slate-900 tabular-nums">{value}</span>}
    </span>
  );
}
