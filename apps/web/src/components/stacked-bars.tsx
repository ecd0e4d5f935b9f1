// A small stacked bar chart in plain SVG: one bar per category, one coloured segment per series.
// Each bar carries its values as a <title>, so they can be read without hovering exactly.

const palette = ["#4f46e5", "#0891b2", "#d97706", "#059669", "#db2777", "#7c3aed", "#64748b", "#dc2626"];

interface StackedBarsProps {
  categories: string[];
  series: Array<{ name: string; values: number[] }>;
  /** Formats a value for the axis and titles. */
  format: (v: number) => string;
  height?: number;
  label: string;
  testId?: string;
}

export function StackedBars({ categories, series, format, height = 220, label, testId }: StackedBarsProps) {
  const totals = categories.map((_, i) => series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const max = Math.max(...totals, 0) || 1;
  const left = 64;
  const bottom = 28;
  const width = Math.max(320, categories.length * 28 + left + 16);
  const plotH = height - bottom - 8;
  const step = (width - left - 8) / Math.max(1, categories.length);
  const barW = Math.min(56, step * 0.7);
  const ticks = [0, 0.5, 1].map((t) => t * max);
  const every = Math.ceil(categories.length / 12);
  return (
    <figure className="flex flex-col gap-3" data-testid={testId}>
      <div className="overflow-x-auto">
        <svg role="img" aria-label={label} width={width} height={height} className="text-slate-400">
          {ticks.map((t) => {
            const y = 8 + plotH - (t / max) * plotH;
            return (
              <g key={t}>
                <line x1={left} x2={width - 8} y1={y} y2={y} stroke="currentColor" strokeOpacity={0.25} />
                <text x={left - 6} y={y + 4} textAnchor="end" fontSize={11} fill="#64748b">
                  {format(t)}
                </text>
              </g>
            );
          })}
          {categories.map((c, i) => {
            let y = 8 + plotH;
            const x = left + i * step + (step - barW) / 2;
            return (
              <g key={c} data-testid="chart-bar" data-category={c} data-total={totals[i]}>
                <title>{`${c}: ${format(totals[i] ?? 0)}`}</title>
                {series.map((s, si) => {
                  const v = s.values[i] ?? 0;
                  const h = (v / max) * plotH;
                  y -= h;
                  return v > 0 ? (
                    <rect key={s.name} x={x} y={y} width={barW} height={h} fill={palette[si % palette.length]}>
                      <title>{`${c} · ${s.name}: ${format(v)}`}</title>
                    </rect>
                  ) : null;
                })}
                {i % every === 0 && (
                  <text x={x + barW / 2} y={height - 10} textAnchor="middle" fontSize={11} fill="#64748b">
                    {c}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
        {series.map((s, si) => (
          <span key={s.name} className="inline-flex items-center gap-1.5">
            <span className="size-2.5 rounded-sm" style={{ background: palette[si % palette.length] }} />
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
