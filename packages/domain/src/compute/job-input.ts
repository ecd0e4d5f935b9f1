// What a user sends to create a job (POST /compute-clusters/{id}/jobs) and the job spec Weir
// stores (`jobs.spec`, never a secret). The controller turns the stored spec into the runner's
// spec file (packages/runtime/src/spark/job.ts) with the paths and the Kafka address added.
import { z } from "zod";
import { resourceName } from "../names.ts";
import {
  DEFAULT_JOB_VIEW,
  DEFAULT_TRIGGER,
  DELAY_PATTERN,
  IDENTIFIER_PATTERN,
  JOB_CORES_MAX,
  JOB_MEMORY_MB_MAX,
  JOB_MEMORY_MB_MIN,
  JOB_SCRIPT_MAX,
  JOB_SQL_MAX,
  OUTPUT_MODES,
  RESTART_POLICIES,
  TRIGGER_PATTERN,
} from "./job-rules.ts";

const identifier = z.string().regex(IDENTIFIER_PATTERN, "Must be letters, digits and _ (not starting with a digit)");
const topicName = z.string().min(1, "Must not be empty").max(249, "Must be at most 249 characters");

const sql = z.string().trim().min(1, "Must not be empty").max(JOB_SQL_MAX, `Must be at most ${JOB_SQL_MAX} characters`);

/** JSON values described by a Spark DDL schema, e.g. "product STRING, amount DOUBLE, ts TIMESTAMP". */
export const jobFormat = z.strictObject({
  type: z.literal("json").default("json"),
  schema: z.string().trim().min(1, "Must not be empty").max(20_000),
});

export const jobSink = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("kafka"),
    /** A topic on the job's Kafka cluster. */
    topic: topicName,
    /** A result column written as the message key. */
    keyColumn: identifier.optional(),
  }),
  z.strictObject({
    type: z.literal("postgres"),
    /** jdbc:postgresql://host:port/db or postgresql://user:password@host:port/db; credentials are kept encrypted. */
    url: z.string().trim().min(1, "Must not be empty").max(2000),
    table: identifier,
    /** The columns a row is upserted on (one row per key). */
    keyColumns: z.array(identifier).min(1, "Name at least one key column").max(16),
  }),
]);

const resources = {
  cores: z.number().int("Must be a whole number").min(1).max(JOB_CORES_MAX).default(1),
  driverMemoryMb: z.number().int().min(JOB_MEMORY_MB_MIN).max(JOB_MEMORY_MB_MAX).default(1024),
  executorMemoryMb: z.number().int().min(JOB_MEMORY_MB_MIN).max(JOB_MEMORY_MB_MAX).default(1024),
};

const sources = z.array(topicName).min(1, "Choose at least one source topic").max(32);

export const streamingSqlJobSpec = z.strictObject({
  kind: z.literal("streaming-sql"),
  sources,
  format: jobFormat,
  /** The view the sources are registered as in the SQL. */
  view: identifier.default(DEFAULT_JOB_VIEW),
  sql,
  watermark: z
    .strictObject({ column: identifier, delay: z.string().regex(DELAY_PATTERN, 'e.g. "10 seconds"') })
    .optional(),
  sink: jobSink,
  trigger: z.string().regex(TRIGGER_PATTERN, 'e.g. "1 second"').default(DEFAULT_TRIGGER),
  outputMode: z.enum(OUTPUT_MODES).default("update"),
  startingOffsets: z.enum(["earliest", "latest"]).default("earliest"),
  maxOffsetsPerTrigger: z.number().int().min(1).max(10_000_000).optional(),
});

export const batchSqlJobSpec = z.strictObject({
  kind: z.literal("batch-sql"),
  sources,
  format: jobFormat,
  view: identifier.default(DEFAULT_JOB_VIEW),
  sql,
  /** ISO timestamps; without them the topics' current contents. */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export const pysparkScriptJobSpec = z.strictObject({
  kind: z.literal("pyspark-script"),
  /** The script's source text (the runner gives it `spark` and `weir` with the Kafka options). */
  script: z.string().min(1, "Must not be empty").max(JOB_SCRIPT_MAX, "Must be at most 1 MB"),
  args: z.array(z.string().max(4096)).max(64).default([]),
  /** Topics the script may read (its Kafka user gets READ on them). */
  sources: z.array(topicName).max(32).default([]),
  /** Topics the script may write. */
  sinkTopics: z.array(topicName).max(32).default([]),
});

export const jobSpec = z.discriminatedUnion("kind", [streamingSqlJobSpec, batchSqlJobSpec, pysparkScriptJobSpec]);
export type JobSpecStored = z.infer<typeof jobSpec>;

export const createJobInput = z.strictObject({
  /** The compute cluster. */
  id: z.uuid(),
  name: resourceName,
  /** Defaults to the compute cluster's Kafka cluster. */
  kafkaClusterId: z.uuid().optional(),
  restartPolicy: z.enum(RESTART_POLICIES).default("on-failure"),
  ...resources,
  spec: jobSpec,
});
export type CreateJobInput = z.infer<typeof createJobInput>;

export const jobIdInput = z.strictObject({ id: z.uuid(), jobId: z.uuid() });

export const deleteJobInput = z.strictObject({
  id: z.uuid(),
  jobId: z.uuid(),
  /** The console asks the user to type the job's name; the API accepts it as a check. */
  confirmName: z.string().max(200).optional(),
});

export const startJobInput = z.strictObject({
  id: z.uuid(),
  jobId: z.uuid(),
  /** Throw the checkpoint away and process the sources from the start again. */
  fromScratch: z.boolean().default(false),
});

export const jobLogsInput = z.strictObject({
  id: z.uuid(),
  jobId: z.uuid(),
  /** Only lines containing this text (case-insensitive). */
  search: z.string().max(200).optional(),
  /** The last N matching lines. */
  lines: z.coerce.number().int().min(1).max(5000).default(500),
});

export const jobProgressInput = z.strictObject({
  id: z.uuid(),
  jobId: z.uuid(),
  minutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
});

export const jobResultInput = z.strictObject({
  id: z.uuid(),
  jobId: z.uuid(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** POST /compute-clusters/{id}/sql: the interactive workspace. */
export const workspaceQueryInput = z.strictObject({
  id: z.uuid(),
  kafkaClusterId: z.uuid().optional(),
  /** Topics registered as views (credentials stay server-side). */
  views: z
    .array(z.strictObject({ topic: topicName, view: identifier, schema: z.string().trim().max(20_000).optional() }))
    .max(16)
    .default([]),
  sql,
  limit: z.number().int().min(1).max(1000).default(100),
});

/** POST /clusters/{id}/topics/{name}/infer-schema: a Spark DDL schema guessed from sampled JSON values. */
export const inferSchemaInput = z.strictObject({
  /** The Kafka cluster (named clusterId like every other path under /clusters/{clusterId}/topics). */
  clusterId: z.uuid(),
  name: topicName,
  sample: z.number().int().min(1).max(500).default(100),
});
