// Axis and scale settings shared by every chart, so they read alike: slate labels at 11px, faint
// gridlines, a value axis from zero in four round steps.
import type uPlot from "uplot";

export type AxisScale = "decimal" | "binary" | "integer";

/** The console's sans-serif stack (globals.css); a canvas cannot read the CSS variable. */
const fontFamily = 'ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
export const axisFont = `11px ${fontFamily}`;
const labelColor = "#64748b";
const gridColor = "rgba(148, 163, 184, 0.25)";

/**
 * The step between the four gridlines above zero: 1, 2, 2.5 or 5 × 10^k, a power of two times
 * 1024^k for bytes (16 KiB, 32 KiB…), and at least 1 for counts, so the axis reads in round numbers.
 */
export function niceStep(raw: number, scale: AxisScale): number {
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

/** A value scale from zero to the fourth round step at or above `max`. */
export function valueRange(max: number | null, scale: AxisScale): uPlot.Range.MinMax {
  return [0, niceStep(Math.max(0, max ?? 0) / 4, scale) * 4];
}

/** Wide enough for the longest label, so "1023 KiB/s" is never cut off. */
function fitLabels(u: uPlot, values: string[] | null): number {
  u.ctx.font = axisFont;
  const widest = (values ?? []).reduce((w, v) => Math.max(w, u.ctx.measureText(v).width), 0);
  return Math.ceil(widest) + 12;
}

/** The value (left) axis: gridlines at 0, ¼, ½, ¾ and the top of the scale. */
export function valueAxis(format: () => (v: number) => string): uPlot.Axis {
  return {
    font: axisFont,
    stroke: labelColor,
    grid: { stroke: gridColor, width: 1 },
    ticks: { show: false },
    gap: 6,
    splits: (u) => {
      const max = u.scales.y?.max ?? 1;
      return [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
    },
    values: (_u, splits) => splits.map((v) => format()(v)),
    size: (u, values) => fitLabels(u, values),
  };
}

/** The category or time (bottom) axis, without gridlines. */
export function baseAxis(values: uPlot.Axis["values"], more: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return {
    font: axisFont,
    stroke: labelColor,
    grid: { show: false },
    ticks: { show: false },
    gap: 4,
    size: 24,
    values,
    ...more,
  };
}
