"use client";
import { Button, Card, CardHeader, Spinner, Table, Td, TextField, Th } from "@weir/ui";
import Link from "next/link";
import { memo, useDeferredValue, useMemo, useState } from "react";
import { formatPerSec } from "@/components/charts/format";
import { LinkButton } from "@/components/console/link-button";
import { PlusIcon } from "@/components/icons";
import { errorMessage } from "@/lib/errors";
import { formatDateTime, formatRelative } from "@/lib/format";
import { useJobs, type JobListItem } from "./hooks";
import { JobReason, JobStatusBadge, SinkGuarantee } from "./job-status";
import { SpecFlow } from "./spec-flow";

const PAGE_SIZE = 25;

/** The compute cluster's jobs: searched and paged in the browser, polled while any is busy. */
export function JobsCard({ computeClusterId, canChange }: { computeClusterId: string; canChange: boolean }) {
  const jobs = useJobs(computeClusterId);
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(1);
  const query = useDeferredValue(search.trim().toLowerCase());
  const all = jobs.data?.items;
  const matching = useMemo(
    () =>
      (all ?? []).filter(
        (j) =>
          !query ||
          j.name.toLowerCase().includes(query) ||
          j.status.toLowerCase().includes(query) ||
          j.kindLabel.toLowerCase().includes(query) ||
          topicsOf(j).some((t) => t.toLowerCase().includes(query)),
      ),
    [all, query],
  );
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  const shown = matching.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);

  const workspace = (
    <LinkButton href={`/compute/${computeClusterId}/sql`} variant="secondary" data-testid="open-sql-workspace">
      Open SQL workspace
    </LinkButton>
  );
  const newJob = canChange && (
    <LinkButton href={`/compute/${computeClusterId}/jobs/new`} data-testid="new-job">
      <PlusIcon className="size-4" />
      New job
    </LinkButton>
  );

  return (
    <Card id="jobs" className="scroll-mt-6" data-testid="jobs-card">
      <CardHeader
        title="Jobs"
        description={
          all && all.length > 0
            ? `${all.length} ${all.length === 1 ? "job" : "jobs"} · ${all.filter((j) => j.status === "RUNNING").length} running`
            : "Streaming SQL, batch SQL and PySpark scripts on this cluster."
        }
        actions={
          all &&
          all.length > 0 && (
            <div className="flex gap-2">
              {workspace}
              {newJob}
            </div>
          )
        }
      />
      {jobs.isPending ? (
        <div className="flex justify-center py-10 text-slate-400">
          <Spinner label="Loading jobs" />
        </div>
      ) : jobs.isError ? (
        <p className="px-5 py-6 text-sm text-amber-800">{errorMessage(jobs.error)}</p>
      ) : !all || all.length === 0 ? (
        <div className="flex flex-col items-center gap-4 px-6 py-10 text-center" data-testid="jobs-empty">
          <div className="max-w-xl text-sm leading-6 text-slate-600">
            <p className="font-medium text-slate-900">No jobs on this cluster yet</p>
            <p className="mt-1">
              Try a query over a topic in the SQL workspace first and save it as a streaming job, or submit a job
              directly: a streaming SQL query from topics to a topic or a PostgreSQL table, a batch SQL query with a
              downloadable result, or your own PySpark script.
            </p>
          </div>
          <div className="flex gap-2">
            {workspace}
            {newJob}
          </div>
        </div>
      ) : (
        <>
          <div className="border-b border-slate-100 px-5 py-3">
            <TextField
              label="Search jobs"
              hideLabel
              placeholder="Search by name, status, kind or topic"
              value={search}
              onChange={(e) => {
                setSearch(e.target.value);
                setPage(1);
              }}
              wrapperClassName="sm:w-80"
              data-testid="job-search"
            />
          </div>
          {shown.length === 0 ? (
            <p className="px-5 py-8 text-center text-sm text-slate-500">No job matches “{search.trim()}”.</p>
          ) : (
            <Table data-testid="jobs-table">
              <thead>
                <tr>
                  <Th>Job</Th>
                  <Th>Status</Th>
                  <Th>Sources → sink</Th>
                  <Th className="text-right">Input</Th>
                  <Th>Created</Th>
                </tr>
              </thead>
              <tbody>
                {shown.map((j) => (
                  <JobRow key={j.id} computeClusterId={computeClusterId} job={j} />
                ))}
              </tbody>
            </Table>
          )}
          {matching.length > PAGE_SIZE && (
            <div
              className="flex items-center justify-between px-5 py-3 text-sm text-slate-600"
              data-testid="jobs-pager"
            >
              <span>
                Page {current} of {pages} · {matching.length} jobs
              </span>
              <div className="flex gap-2">
                <Button size="sm" variant="secondary" disabled={current <= 1} onClick={() => setPage(current - 1)}>
                  Previous
                </Button>
                <Button size="sm" variant="secondary" disabled={current >= pages} onClick={() => setPage(current + 1)}>
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

const topicsOf = (j: JobListItem) => [...j.sources, ...(j.sink?.topic ? [j.sink.topic] : [])];

const JobRow = memo(function JobRow({ computeClusterId, job: j }: { computeClusterId: string; job: JobListItem }) {
  const rate = j.latestProgress?.inputRowsPerSec;
  return (
    <tr data-testid="job-row" data-name={j.name} data-status={j.status} className="hover:bg-slate-50/60">
      <Td className="max-w-60">
        <Link
          href={`/compute/${computeClusterId}/jobs/${j.id}`}
          className="block truncate font-medium text-slate-900 hover:text-brand-700 hover:underline focus-visible:outline-2 focus-visible:outline-brand-500"
        >
          {j.name}
        </Link>
        <span className="text-xs text-slate-500">{j.kindLabel}</span>
      </Td>
      <Td className="max-w-72 min-w-40">
        <div className="flex flex-col items-start gap-1">
          <JobStatusBadge status={j.status} />
          <JobReason status={j.status} reason={j.statusReason} className="line-clamp-2" />
        </div>
      </Td>
      <Td className="max-w-96">
        <SpecFlow job={j} compact />
        {j.sink && (
          <div className="mt-1">
            <SinkGuarantee type={j.sink.type} />
          </div>
        )}
      </Td>
      <Td className="text-right whitespace-nowrap tabular-nums" data-testid="job-input-rate">
        {rate == null ? <span className="text-slate-400">—</span> : formatPerSec(rate)}
      </Td>
      <Td className="whitespace-nowrap" title={formatDateTime(j.createdAt)}>
        {formatRelative(j.createdAt)}
      </Td>
    </tr>
  );
});
