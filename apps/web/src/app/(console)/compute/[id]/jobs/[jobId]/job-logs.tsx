"use client";
import { jobIsActive } from "@weir/domain/rules";
import { Button, Card, CardHeader, SelectField, Spinner, TextField } from "@weir/ui";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { formatBytes } from "@/components/charts/format";
import { errorMessage } from "@/lib/errors";
import { useJobDownload, useJobLogs, type Job } from "../hooks";

const LINE_CHOICES = [100, 500, 2000, 5000].map((n) => ({ value: String(n), label: `Last ${n} lines` }));

/** The driver's log: the last N lines, optionally only those containing a word; followed while the job is alive. */
export function JobLogs({ job }: { job: Job }) {
  const [search, setSearch] = useState("");
  const [debounced, setDebounced] = useState("");
  const [lines, setLines] = useState("500");
  useEffect(() => {
    const t = setTimeout(() => setDebounced(search.trim()), 300);
    return () => clearTimeout(t);
  }, [search]);
  const logs = useJobLogs(job.computeClusterId, job.id, debounced, Number(lines), jobIsActive(job.status));
  const data = logs.data;
  const save = useJobDownload();

  // Keep the view at the newest line, unless the reader has scrolled up.
  const pre = useRef<HTMLPreElement>(null);
  const pinned = useRef(true);
  useLayoutEffect(() => {
    const el = pre.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [data]);

  return (
    <Card data-testid="job-logs">
      <CardHeader
        title="Driver log"
        description={
          data?.exists
            ? `${data.matched} ${debounced ? `lines contain “${debounced}”` : "lines"} · ${formatBytes(data.sizeBytes)} kept`
            : "Spark's driver and executor messages, and the runner's own."
        }
        actions={
          <div className="flex items-center gap-2">
            {save.isError && <span className="text-xs text-red-600">{errorMessage(save.error)}</span>}
            <Button
              size="sm"
              variant="secondary"
              pending={save.isPending}
              disabled={!data?.exists}
              onClick={() => save.mutate({ id: job.computeClusterId, jobId: job.id, what: "logs" })}
              data-testid="download-logs"
            >
              Download
            </Button>
          </div>
        }
      />
      <div className="flex flex-col gap-3 border-b border-slate-100 px-5 py-3 sm:flex-row sm:items-end">
        <TextField
          label="Search the log"
          hideLabel
          type="search"
          placeholder="Search the log (e.g. ERROR, Exception, batch)"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          wrapperClassName="sm:w-80"
          data-testid="log-search"
        />
        <SelectField
          label="Lines"
          hideLabel
          value={lines}
          onChange={(e) => setLines(e.target.value)}
          options={LINE_CHOICES}
          wrapperClassName="sm:w-44"
        />
        {logs.isFetching && <Spinner className="self-center text-slate-400" label="Fetching the log" />}
      </div>
      {logs.isPending ? (
        <div className="flex justify-center py-8 text-slate-400">
          <Spinner label="Loading the log" />
        </div>
      ) : logs.isError ? (
        <p className="px-5 py-6 text-sm text-amber-800">{errorMessage(logs.error)}</p>
      ) : !data?.exists ? (
        <p className="px-5 py-6 text-sm text-slate-500" data-testid="logs-empty">
          No log yet: it starts when the controller starts the driver.
        </p>
      ) : data.lines.length === 0 ? (
        <p className="px-5 py-6 text-sm text-slate-500" data-testid="logs-empty">
          {debounced ? `No line contains “${debounced}”.` : "The log is empty so far."}
        </p>
      ) : (
        <pre
          ref={pre}
          onScroll={(e) => {
            const el = e.currentTarget;
            pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
          }}
          className="max-h-[28rem] overflow-auto rounded-b-lg bg-slate-900 px-4 py-3 font-mono text-[11px] leading-4 text-slate-100"
          aria-label="Driver log lines"
          data-testid="log-lines"
        >
          {data.lines.map((line, i) => (
            <LogLine key={i} line={line} needle={debounced} />
          ))}
        </pre>
      )}
    </Card>
  );
}

/** One line, its level coloured, the searched word marked. */
function LogLine({ line, needle }: { line: string; needle: string }) {
  const tone = /\b(ERROR|FATAL)\b|Exception|Traceback/.test(line)
    ? "text-red-300"
    : /\bWARN(ING)?\b/.test(line)
      ? "text-amber-200"
      : undefined;
  if (!needle) return <div className={tone}>{line || " "}</div>;
  const parts: Array<{ text: string; hit: boolean }> = [];
  const lower = line.toLowerCase();
  const n = needle.toLowerCase();
  let at = 0;
  for (let i = lower.indexOf(n); i !== -1; i = lower.indexOf(n, at)) {
    if (i > at) parts.push({ text: line.slice(at, i), hit: false });
    parts.push({ text: line.slice(i, i + n.length), hit: true });
    at = i + n.length;
  }
  parts.push({ text: line.slice(at), hit: false });
  return (
    <div className={tone}>
      {parts.map((p, i) =>
        p.hit ? (
          <mark key={i} className="rounded-sm bg-amber-300 px-0.5 text-slate-900">
            {p.text}
          </mark>
        ) : (
          p.text
        ),
      )}
    </div>
  );
}
