import {
  createJobInput,
  deleteJobInput,
  inferSchemaInput,
  jobIdInput,
  jobLogsInput,
  jobProgressInput,
  jobResultInput,
  jobSpec,
  startJobInput,
} from "@weir/domain";
import { JOB_KINDS, JOB_STATUSES } from "@weir/domain/rules";
import { z } from "zod";
import * as s from "../schemas.ts";
import { clusterProcedure, orgProcedure, router } from "../trpc.ts";
import { resourceOperations } from "./operations.ts";

const tags = ["jobs"];
const base = "/compute-clusters/{id}/jobs";
const one = `${base}/{jobId}`;

const progressSample = z.object({
  at: z.date(),
  batchId: z.number(),
  numInputRows: z.number(),
  inputRowsPerSec: z.number(),
  processedRowsPerSec: z.number(),
  batchDurationMs: z.number(),
  offsetsBehind: z.number().describe("Records between the batch's end and the end of each source partition, summed"),
  watermark: z.date().nullable(),
  stateRows: z.number(),
});

const jobSummary = z.object({
  id: z.string(),
  computeClusterId: z.string(),
  name: z.string(),
  kind: z.enum(JOB_KINDS),
  kindLabel: z.string(),
  status: z.enum(JOB_STATUSES),
  statusReason: z.string(),
  errorClass: z.string().nullable().describe("For FAILED: Spark's error class, e.g. UNRESOLVED_COLUMN"),
  desiredState: z.enum(["running", "stopped"]),
  kafkaCluster: z.object({ id: z.string(), name: z.string() }).nullable(),
  sources: z.array(z.string()),
  sink: z
    .object({
      type: z.enum(["kafka", "postgres"]),
      topic: z.string().nullable(),
      table: z.string().nullable(),
      url: z.string().nullable().describe("jdbc:postgresql://host:port/db, without credentials"),
      credentialsStored: z.boolean(),
      guarantee: z.string().describe("The sink's delivery guarantee"),
      detail: z.string(),
    })
    .nullable()
    .describe("A streaming SQL job's sink; null for batch SQL and scripts"),
  latestProgress: progressSample.nullable(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const job = jobSummary.extend({
  spec: jobSpec,
  restartPolicy: z.enum(["never", "on-failure", "always"]),
  cores: z.number(),
  driverMemoryMb: z.number(),
  executorMemoryMb: z.number(),
  attempt: z.number().describe("Bumped by a restart from scratch (a new checkpoint)"),
  restartCount: z.number(),
  lastRestartAt: z.date().nullable(),
  applicationId: z.string().nullable(),
  uiPath: z.string().nullable().describe("The Spark UI under /spark-ui/<compute cluster id>/, while it runs"),
  uiAddress: z
    .string()
    .nullable()
    .describe(
      "On Kubernetes: the driver's Spark UI as the Spark Operator reports it (inside the cluster), while it runs",
    ),
  kafkaUsername: z.string().nullable(),
  generation: z.number(),
  observedGeneration: z.number(),
  conditions: z.array(s.condition),
});

const download = z.object({ filename: z.string(), contentType: z.string(), content: z.string() });

const op = resourceOperations(tags, job, jobSummary);

export const jobsRouter = router({
  list: op.list(
    {
      path: base,
      summary: "A compute cluster's jobs with status and latest progress",
      input: z.strictObject({ id: z.uuid() }),
    },
    ({ domain, scope }, input) => domain.jobs.list(scope, input),
  ),

  create: op.change(
    "POST",
    {
      path: base,
      summary:
        "Submit a streaming SQL, batch SQL or PySpark job; it is QUEUED with its own Kafka user and ACLs until " +
        "the controller starts its driver",
      input: createJobInput,
      alsoAnswers: [422],
    },
    ({ domain, scope }, input) => domain.jobs.create(scope, input),
  ),

  get: op.get(
    { path: one, summary: "A job with its spec, attempt and Spark UI path", input: jobIdInput },
    ({ domain, scope }, input) => domain.jobs.get(scope, input),
  ),

  delete: op.change(
    "DELETE",
    {
      path: one,
      summary: "Stop the driver and delete the job with its Kafka user, ACLs, checkpoint and files",
      input: deleteJobInput,
    },
    ({ domain, scope }, input) => domain.jobs.delete(scope, input),
  ),

  stop: op.change(
    "POST",
    {
      path: `${one}/stop`,
      summary: "Stop the job; a streaming job keeps its checkpoint and resumes from it when started",
      input: jobIdInput,
    },
    ({ domain, scope }, input) => domain.jobs.stop(scope, input),
  ),

  start: op.change(
    "POST",
    {
      path: `${one}/start`,
      summary: "Start a stopped, finished or failed job from its checkpoint, or with fromScratch a new attempt",
      input: startJobInput,
    },
    ({ domain, scope }, input) => domain.jobs.start(scope, input),
  ),

  events: op.events(
    {
      path: `${one}/events`,
      summary: "What the controller did and saw: driver starts, exits with log excerpts, restarts, failures",
      input: jobIdInput,
    },
    ({ domain, scope }, input) => domain.jobs.events(scope, input),
  ),

  logs: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: `${one}/logs`,
        tags,
        summary: "The driver log's last lines, those containing `search` only (case-insensitive)",
      },
    })
    .input(jobLogsInput)
    .output(
      z.object({
        lines: z.array(z.string()),
        matched: z.number().describe("Lines that matched in all"),
        exists: z.boolean().describe("The driver has written a log"),
        sizeBytes: z.number(),
        search: z.string().nullable(),
      }),
    )
    .query(({ ctx, input }) => ctx.domain.jobs.logs(ctx.scope, input)),

  logsDownload: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: `${one}/logs/download`,
        tags,
        summary: "The whole driver log (its last 25 MiB if longer) as a file (in `content`)",
      },
    })
    .input(jobIdInput)
    .output(download.extend({ truncated: z.boolean() }))
    .query(({ ctx, input }) => ctx.domain.jobs.logsDownload(ctx.scope, input)),

  progress: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: `${one}/progress`,
        tags,
        summary: "Micro-batch progress samples in the last `minutes`, oldest first",
      },
    })
    .input(jobProgressInput)
    .output(z.object({ samples: z.array(progressSample) }))
    .query(({ ctx, input }) => ctx.domain.jobs.progress(ctx.scope, input)),

  result: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: `${one}/result`,
        tags,
        summary: "A batch SQL job's preview rows, paged, as columns and rows of values",
      },
    })
    .input(jobResultInput)
    .output(
      z.object({
        available: z.boolean().describe("The job has written its preview"),
        columns: z.array(z.string()),
        rows: z.array(z.array(z.unknown())).describe("Values in the order of `columns`"),
        offset: z.number(),
        previewRows: z.number().describe("Rows in the preview (the first of the result)"),
        totalRows: z.number().nullable().describe("Rows in the full result"),
      }),
    )
    .query(({ ctx, input }) => ctx.domain.jobs.result(ctx.scope, input)),

  resultDownload: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: `${one}/result/download`,
        tags,
        summary: "A batch SQL job's full result as CSV or a JSON array (in `content`), up to 25 MiB",
      },
      alsoAnswers: [422],
    })
    .input(jobIdInput.extend({ format: z.enum(["csv", "json"]).default("csv") }))
    .output(download)
    .query(({ ctx, input }) => ctx.domain.jobs.resultDownload(ctx.scope, input)),

  inferSchema: clusterProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/clusters/{clusterId}/topics/{name}/infer-schema",
        tags,
        summary: "A Spark DDL schema for a job, guessed from the topic's newest JSON values",
      },
    })
    .input(inferSchemaInput)
    .output(
      z.object({
        schema: z.string().describe('Spark DDL, e.g. "product STRING, amount DOUBLE, ts TIMESTAMP"'),
        columns: z.array(z.object({ name: z.string(), type: z.string() })),
        sampled: z.number().describe("Values the schema was inferred from"),
      }),
    )
    .mutation(({ ctx, input }) => ctx.domain.jobs.inferSchema(ctx.scope, input)),
});
