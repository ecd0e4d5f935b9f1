"use client";
import { jobCanStart, jobCanStop, roleAtLeast, SINK_GUARANTEES } from "@weir/domain/rules";
import { Button, Card, CardHeader, ConfirmDialog, EmptyState, Spinner } from "@weir/ui";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { toast } from "sonner";
import { TypedNameDeleteDialog } from "@/components/console/delete-dialog";
import { ResourceEvents } from "@/components/console/resource-events";
import { LinkButton } from "@/components/console/link-button";
import { ConditionsTable, Fact } from "@/components/console/resource-facts";
import { useCurrentOrg } from "@/components/console/use-org";
import { ComputeIcon } from "@/components/icons";
import { errorBody, errorMessage } from "@/lib/errors";
import { formatDateTime, formatRelative } from "@/lib/format";
import { ComputeBreadcrumb } from "../../compute-breadcrumb";
import { sparkUiHref } from "../../spark-nodes-card";
import { useDeleteJob, useJob, useJobEvents, useStartJob, useStopJob, type Job } from "../hooks";
import { JobStatusBadge, jobStatusMeaning, SinkGuarantee } from "../job-status";
import { SpecFlow } from "../spec-flow";
import { JobLogs } from "./job-logs";
import { JobProgressCard } from "./job-progress";
import { JobResultCard } from "./job-result";

/** One job: status and actions, its spec, progress, result, events and logs; polled live. */
export function JobDetailView({ id, jobId }: { id: string; jobId: string }) {
  const job = useJob(id, jobId);
  const org = useCurrentOrg();
  const code = errorBody(job.error)?.code;
  const j = job.data;

  if (code === "NOT_FOUND" || (!j && code === "VALIDATION_FAILED")) {
    return (
      <EmptyState icon={<ComputeIcon />} title="Job not found" data-testid="job-not-found">
        <p>It may have been deleted, or it belongs to another organisation.</p>
        <div className="mt-6">
          <LinkButton href={`/compute/${id}`} variant="secondary">
            Back to the compute cluster
          </LinkButton>
        </div>
      </EmptyState>
    );
  }

  const canChange = roleAtLeast(org.data?.role, "DEVELOPER");
  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-4">
        <ComputeBreadcrumb id={id} trail={["Jobs", j?.name ?? "…"]} />
        {j ? (
          <JobHeader job={j} canChange={canChange} />
        ) : job.isError ? (
          <p role="alert" className="text-sm text-amber-800">
            {errorMessage(job.error)}
          </p>
        ) : (
          <div className="flex h-14 items-center text-slate-400">
            <Spinner label="Loading job" />
          </div>
        )}
      </header>
      {j && (
        <>
          {j.status === "FAILED" && <FailureCard job={j} />}
          <SpecCard job={j} />
          {j.kind === "streaming-sql" && <JobProgressCard job={j} />}
          {j.kind === "batch-sql" && <JobResultCard job={j} />}
          <JobEvents job={j} />
          <JobLogs job={j} />
        </>
      )}
    </div>
  );
}

function JobEvents({ job: j }: { job: Job }) {
  return <ResourceEvents events={useJobEvents(j.computeClusterId, j.id, j.status)} what="job" />;
}

function JobHeader({ job: j, canChange }: { job: Job; canChange: boolean }) {
  const stop = useStopJob();
  const start = useStartJob();
  const [confirm, setConfirm] = useState<"scratch" | "delete" | null>(null);
  const ids = { id: j.computeClusterId, jobId: j.id };
  const busy = stop.isPending || start.isPending;
  const actionError = stop.error ?? start.error;
  const deleting = j.status === "DELETING";

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="flex min-w-0 flex-col gap-1.5">
          <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
            <h1 className="text-xl font-semibold tracking-tight text-slate-900" data-testid="job-name">
              {j.name}
            </h1>
            <JobStatusBadge status={j.status} />
            <span className="text-sm text-slate-500">{j.kindLabel}</span>
          </div>
          <p className="text-sm text-slate-600" data-testid="job-status-meaning">
            {jobStatusMeaning(j.status)}
          </p>
          {j.statusReason && j.status !== "FAILED" && j.statusReason !== jobStatusMeaning(j.status) && (
            <p className="text-sm text-slate-700" data-testid="job-status-reason">
              {j.statusReason}
            </p>
          )}
        </div>
        <div className="flex flex-wrap gap-2">
          {j.uiPath && (
            <a
              href={sparkUiHref(j.computeClusterId, j.uiPath)}
              target="_blank"
              rel="noopener"
              className="inline-flex h-9 shrink-0 items-center rounded-md border border-slate-300 bg-white px-3.5 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500"
              data-testid="job-spark-ui"
            >
              Spark UI
            </a>
          )}
          {j.uiAddress && (
            <span
              className="inline-flex h-9 shrink-0 items-center rounded-md border border-slate-200 bg-slate-50 px-3.5 text-sm text-slate-700"
              title="The driver's Spark UI inside the Kubernetes cluster, as the Spark Operator reports it"
              data-testid="job-spark-ui-address"
            >
              Spark UI at <code className="ml-1 font-mono text-xs">{j.uiAddress}</code>
            </span>
          )}
          {canChange && !deleting && (
            <>
              {jobCanStop(j.status) && (
                <Button
                  variant="secondary"
                  pending={stop.isPending}
                  disabled={busy}
                  onClick={() => stop.mutate(ids, { onSuccess: () => toast.success(`Stopping ${j.name}`) })}
                  data-testid="stop-job"
                >
                  Stop
                </Button>
              )}
              {jobCanStart(j.status) && (
                <Button
                  variant="secondary"
                  pending={start.isPending && !start.variables?.fromScratch}
                  disabled={busy}
                  onClick={() =>
                    start.mutate(
                      { ...ids, fromScratch: false },
                      { onSuccess: () => toast.success(`Starting ${j.name}`) },
                    )
                  }
                  data-testid="start-job"
                >
                  {j.kind === "streaming-sql" ? "Start (resume)" : "Run again"}
                </Button>
              )}
              {j.kind === "streaming-sql" && (
                <Button
                  variant="secondary"
                  disabled={busy || !(jobCanStart(j.status) || jobCanStop(j.status))}
                  onClick={() => setConfirm("scratch")}
                  data-testid="restart-from-scratch"
                >
                  Restart from scratch
                </Button>
              )}
              <Button variant="danger" onClick={() => setConfirm("delete")} data-testid="delete-job">
                Delete
              </Button>
            </>
          )}
        </div>
      </div>
      {actionError && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {errorMessage(actionError)}
        </p>
      )}
      {confirm === "scratch" && (
        <ConfirmDialog
          open
          title={`Restart ${j.name} from scratch?`}
          description={
            <>
              The job&rsquo;s checkpoint is discarded: the offsets it has read and the state of its aggregations are
              lost, and it processes its sources again from the {startingOffsetsOf(j)} offsets.{" "}
              {j.sink?.type === "kafka"
                ? "Results already in the sink topic are written again (the topic keeps the old ones too)."
                : j.sink?.type === "postgres"
                  ? "Rows in the table are upserted again on their keys, so the table ends the same."
                  : ""}{" "}
              {jobCanStop(j.status) && "The running driver is stopped first."}
            </>
          }
          confirmLabel="Discard the checkpoint and restart"
          pending={start.isPending}
          onConfirm={() =>
            start.mutate(
              { ...ids, fromScratch: true },
              {
                onSuccess: () => {
                  toast.success(`Restarting ${j.name} from scratch`);
                  setConfirm(null);
                },
              },
            )
          }
          onCancel={() => setConfirm(null)}
        />
      )}
      {confirm === "delete" && <DeleteJobDialog job={j} onClose={() => setConfirm(null)} />}
    </div>
  );
}

const startingOffsetsOf = (j: Job) =>
  j.spec.kind === "streaming-sql" && j.spec.startingOffsets === "latest" ? "latest" : "earliest";

/** Spark's own words for a failure: its error class and the message, readable. */
function FailureCard({ job: j }: { job: Job }) {
  return (
    <Card className="border-red-200" data-testid="job-failure">
      <div className="flex flex-col gap-2 px-5 py-4">
        <div className="flex flex-wrap items-center gap-2">
          <h2 className="text-sm font-semibold text-red-800">The job failed</h2>
          {j.errorClass && (
            <code
              className="rounded bg-red-50 px-1.5 py-0.5 font-mono text-xs text-red-800"
              data-testid="job-error-class"
            >
              {j.errorClass}
            </code>
          )}
        </div>
        <pre
          className="max-h-64 overflow-auto font-mono text-xs leading-5 whitespace-pre-wrap text-red-900"
          data-testid="job-status-reason"
        >
          {j.statusReason || "No reason was recorded; see the driver log below."}
        </pre>
        <p className="text-xs text-slate-500">
          {j.restartPolicy === "never"
            ? "Its restart policy is never: fix the cause and start it again."
            : `Restart policy ${j.restartPolicy}; restarted ${j.restartCount} ${j.restartCount === 1 ? "time" : "times"} so far.`}
        </p>
      </div>
    </Card>
  );
}

function SpecCard({ job: j }: { job: Job }) {
  const spec = j.spec;
  return (
    <Card data-testid="job-spec">
      <CardHeader title="Specification" description={<SpecFlow job={j} />} />
      <div className="flex flex-col gap-4 px-5 py-4">
        <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-3 lg:grid-cols-6">
          <Fact label="Kafka cluster">
            {j.kafkaCluster ? (
              <Link href={`/clusters/${j.kafkaCluster.id}`} className="text-brand-700 hover:underline">
                {j.kafkaCluster.name}
              </Link>
            ) : (
              "—"
            )}
          </Fact>
          <Fact label="Kafka user">
            <span className="font-mono text-xs">{j.kafkaUsername ?? "—"}</span>
          </Fact>
          <Fact label="Resources">
            {j.cores} {j.cores === 1 ? "core" : "cores"} · driver {j.driverMemoryMb} MiB · executor {j.executorMemoryMb}{" "}
            MiB
          </Fact>
          <Fact label="Restart policy">{j.restartPolicy}</Fact>
          <Fact label="Attempt">
            <span title="Restarting from scratch starts a new attempt with an empty checkpoint">
              {j.attempt} · {j.restartCount} {j.restartCount === 1 ? "restart" : "restarts"}
            </span>
          </Fact>
          <Fact label="Started">
            <span title={formatDateTime(j.startedAt)}>{j.startedAt ? formatRelative(j.startedAt) : "—"}</span>
          </Fact>
          {spec.kind === "streaming-sql" && (
            <>
              <Fact label="Trigger">every {spec.trigger}</Fact>
              <Fact label="Output mode">{spec.outputMode}</Fact>
              <Fact label="Starting offsets">{spec.startingOffsets}</Fact>
              <Fact label="Watermark">
                {spec.watermark ? (
                  <>
                    <code className="font-mono text-xs">{spec.watermark.column}</code> − {spec.watermark.delay}
                  </>
                ) : (
                  "none"
                )}
              </Fact>
            </>
          )}
          {spec.kind === "batch-sql" && (
            <Fact label="Time range">
              {spec.from || spec.to ? `${formatDateTime(spec.from)} → ${formatDateTime(spec.to)}` : "the whole topic"}
            </Fact>
          )}
          {spec.kind !== "pyspark-script" && (
            <Fact label="View">
              <code className="font-mono text-xs">{spec.view}</code>
            </Fact>
          )}
          {j.finishedAt && (
            <Fact label="Ended">
              <span title={formatDateTime(j.finishedAt)}>{formatRelative(j.finishedAt)}</span>
            </Fact>
          )}
        </dl>
        {j.sink && (
          <div className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700" data-testid="job-sink">
            <span className="font-medium text-slate-900">Sink: </span>
            {j.sink.type === "kafka" ? (
              <>
                topic <code className="font-mono text-xs">{j.sink.topic}</code>
                {spec.kind === "streaming-sql" && spec.sink.type === "kafka" && spec.sink.keyColumn && (
                  <>
                    {" "}
                    keyed by <code className="font-mono text-xs">{spec.sink.keyColumn}</code>
                  </>
                )}
              </>
            ) : (
              <>
                table <code className="font-mono text-xs">{j.sink.table}</code> at{" "}
                <code className="font-mono text-xs break-all">{j.sink.url}</code>
                {spec.kind === "streaming-sql" && spec.sink.type === "postgres" && (
                  <>
                    , upserted on <code className="font-mono text-xs">{spec.sink.keyColumns.join(", ")}</code>
                  </>
                )}
                {j.sink.credentialsStored && " (credentials kept encrypted)"}
              </>
            )}
            <div className="mt-1.5 flex flex-wrap items-baseline gap-2">
              <SinkGuarantee type={j.sink.type} />
              <span className="text-slate-600">{SINK_GUARANTEES[j.sink.type].detail}</span>
            </div>
          </div>
        )}
        {spec.kind !== "pyspark-script" ? (
          <>
            <Code label="Schema">{spec.format.schema}</Code>
            <Code label="SQL" testId="job-spec-sql">
              {spec.sql}
            </Code>
          </>
        ) : (
          <>
            {spec.args.length > 0 && <Code label="Arguments">{spec.args.join("\n")}</Code>}
            {spec.sinkTopics.length > 0 && (
              <p className="text-sm text-slate-700">
                Writes to <code className="font-mono text-xs">{spec.sinkTopics.join(", ")}</code>
              </p>
            )}
            <Code label="Script" maxHeight="max-h-96">
              {spec.script}
            </Code>
          </>
        )}
        <ConditionsTable conditions={j.conditions} />
      </div>
    </Card>
  );
}

function Code({
  label,
  children,
  testId,
  maxHeight = "max-h-64",
}: {
  label: string;
  children: ReactNode;
  testId?: string;
  maxHeight?: string;
}) {
  return (
    <div className="flex flex-col gap-1">
      <span className="text-xs font-medium text-slate-500">{label}</span>
      <pre
        className={`${maxHeight} overflow-auto rounded-md border border-slate-200 bg-slate-50 px-3 py-2 font-mono text-xs leading-5 text-slate-800`}
        data-testid={testId}
      >
        {children}
      </pre>
    </div>
  );
}

function DeleteJobDialog({ job: j, onClose }: { job: Job; onClose: () => void }) {
  const del = useDeleteJob();
  const router = useRouter();
  return (
    <TypedNameDeleteDialog
      name={j.name}
      what="job"
      description={
        <>
          The driver stops, and the job&rsquo;s Kafka user, its ACLs, its checkpoint, its logs
          {j.kind === "batch-sql" ? ", its result" : ""} and its progress history are deleted. Results already written
          to a sink stay there. This cannot be undone.
        </>
      }
      pending={del.isPending}
      error={del.error}
      onClose={onClose}
      onConfirm={(confirmName) =>
        del.mutate(
          { id: j.computeClusterId, jobId: j.id, confirmName },
          {
            onSuccess: () => {
              toast.success(`Deleting ${j.name}`);
              onClose();
              router.push(`/compute/${j.computeClusterId}`);
            },
          },
        )
      }
    />
  );
}
