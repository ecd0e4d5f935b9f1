"use client";
import { Button, Card, CardHeader, Spinner } from "@weir/ui";
import { useState } from "react";
import { errorMessage } from "@/lib/errors";
import { useJobDownload, useJobResult, type Job } from "../hooks";
import { ResultTable } from "../result-table";

const PAGE_SIZE = 50;

/** A batch job's result: the first rows, paged, and the whole result as CSV or JSON. */
export function JobResultCard({ job }: { job: Job }) {
  const [offset, setOffset] = useState(0);
  const done = job.status === "FINISHED";
  const result = useJobResult(job.computeClusterId, job.id, offset, PAGE_SIZE, done);
  const r = result.data;

  const save = useJobDownload();
  const link = (format: "csv" | "json") => (
    <Button
      size="sm"
      variant="secondary"
      pending={save.isPending && save.variables.what === "result" && save.variables.format === format}
      disabled={save.isPending}
      onClick={() => save.mutate({ id: job.computeClusterId, jobId: job.id, what: "result", format })}
      data-testid={`download-result-${format}`}
    >
      Download {format.toUpperCase()}
    </Button>
  );

  return (
    <Card data-testid="job-result">
      <CardHeader
        title="Result"
        description={
          r?.available
            ? `${r.totalRows ?? r.previewRows} ${r.totalRows === 1 ? "row" : "rows"}${r.totalRows !== null && r.totalRows > r.previewRows ? `; the first ${r.previewRows} previewed here, all of them in the downloads` : ""}.`
            : "The query's rows, once the job has finished."
        }
        actions={
          done &&
          r?.available && (
            <div className="flex items-center gap-2">
              {save.isError && <span className="text-xs text-red-600">{errorMessage(save.error)}</span>}
              {link("csv")}
              {link("json")}
            </div>
          )
        }
      />
      {!done ? (
        <p className="px-5 py-6 text-sm text-slate-500">
          {job.status === "FAILED"
            ? "The query failed, so there is no result."
            : "The result appears here when the job has finished."}
        </p>
      ) : result.isPending ? (
        <div className="flex justify-center py-8 text-slate-400">
          <Spinner label="Loading the result" />
        </div>
      ) : result.isError ? (
        <p className="px-5 py-6 text-sm text-amber-800">{errorMessage(result.error)}</p>
      ) : !r?.available ? (
        <p className="px-5 py-6 text-sm text-slate-500">The job finished without writing a result.</p>
      ) : (
        <>
          <ResultTable columns={r.columns.map((name) => ({ name }))} rows={r.rows} firstRow={offset + 1} />
          {r.previewRows > PAGE_SIZE && (
            <div className="flex items-center justify-between border-t border-slate-100 px-5 py-3 text-sm text-slate-600">
              <span>
                Rows {offset + 1}–{Math.min(offset + PAGE_SIZE, r.previewRows)} of {r.previewRows} previewed
              </span>
              <div className="flex gap-2">
                <Button
                  size="sm"
                  variant="secondary"
                  disabled={offset === 0}
                  onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
                >
                  Previous
                </Button>
                <Button
                  size="sm"
                  variant="secondary"
                  disabled={offset + PAGE_SIZE >= r.previewRows}
                  onClick={() => setOffset(offset + PAGE_SIZE)}
                >
                  Next
                </Button>
              </div>
            </div>
          )}
        </>
      )}
    </Card>
  );
}
