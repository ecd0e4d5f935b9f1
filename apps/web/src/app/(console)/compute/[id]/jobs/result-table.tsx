import { cn } from "@weir/ui";

/** A cell as text: JSON for structs and arrays, an em dash for null. */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

const numeric = (type: string | undefined) =>
  !!type && /^(tinyint|smallint|int|integer|bigint|long|short|byte|float|double|decimal|real)/i.test(type);

/** Rows of a query result (the SQL workspace, a batch job's preview), with the column types when known. */
export function ResultTable({
  columns,
  rows,
  firstRow = 1,
}: {
  columns: ReadonlyArray<{ name: string; type?: string }>;
  rows: ReadonlyArray<ReadonlyArray<unknown>>;
  /** The number of the first row shown, for paged results. */
  firstRow?: number;
}) {
  return (
    <div className="max-h-[32rem] overflow-auto" data-testid="result-table">
      <table className="min-w-full border-separate border-spacing-0 text-sm">
        <thead className="sticky top-0 z-10 bg-slate-50">
          <tr>
            <th className="border-b border-slate-200 px-3 py-2 text-right text-xs font-medium text-slate-400">#</th>
            {columns.map((c, i) => (
              <th
                key={i}
                scope="col"
                className={cn(
                  "border-b border-slate-200 px-3 py-2 text-left align-bottom whitespace-nowrap",
                  numeric(c.type) && "text-right",
                )}
                data-testid="result-column"
              >
                <span className="block font-mono text-xs font-semibold text-slate-800">{c.name}</span>
                {c.type && <span className="block font-mono text-[11px] font-normal text-slate-500">{c.type}</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r} className="hover:bg-slate-50/60" data-testid="result-row">
              <td className="border-b border-slate-100 px-3 py-1.5 text-right text-xs text-slate-400 tabular-nums">
                {firstRow + r}
              </td>
              {columns.map((c, i) => {
                const v = row[i];
                return (
                  <td
                    key={i}
                    className={cn(
                      "max-w-96 truncate border-b border-slate-100 px-3 py-1.5 font-mono text-xs text-slate-800",
                      numeric(c.type) && "text-right tabular-nums",
                    )}
                    title={cellText(v)}
                  >
                    {v === null || v === undefined ? <span className="text-slate-400">null</span> : cellText(v)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
