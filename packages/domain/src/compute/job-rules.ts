// Jobs on compute clusters: the rules the console, the API, the domain and the controller share.
// Pure (no zod, no Node) so a client component can import them through `@weir/domain/rules`.

export const JOB_KINDS = ["streaming-sql", "batch-sql", "pyspark-script"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_KIND_LABELS: Record<JobKind, string> = {
  "streaming-sql": "Streaming SQL",
  "batch-sql": "Batch SQL",
  "pyspark-script": "PySpark script",
};

export const JOB_STATUSES = [
  "QUEUED",
  "STARTING",
  "RUNNING",
  "STOPPING",
  "STOPPED",
  "FINISHED",
  "FAILED",
  "DELETING",
] as const;
export type JobStatusName = (typeof JOB_STATUSES)[number];

/** What each status means, in a sentence a user reads next to it. */
export const JOB_STATUS_MEANINGS: Record<JobStatusName, string> = {
  QUEUED: "Accepted; waiting for the compute cluster, the job's Kafka user and its ACLs",
  STARTING: "The driver is starting and connecting to the cluster",
  RUNNING: "The driver runs; a streaming job processes micro-batches",
  STOPPING: "Asked to stop; the driver is shutting down",
  STOPPED: "Stopped on request; start it again to resume from its checkpoint",
  FINISHED: "Ran to the end (a batch query or a script that returned)",
  FAILED: "Ended with an error (see the reason and the driver log)",
  DELETING: "Being deleted with its Kafka user, ACLs, checkpoint and logs",
};

export const RESTART_POLICIES = ["never", "on-failure", "always"] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

export const OUTPUT_MODES = ["update", "append", "complete"] as const;
export type OutputMode = (typeof OUTPUT_MODES)[number];

export const SINK_TYPES = ["kafka", "postgres"] as const;
export type SinkType = (typeof SINK_TYPES)[number];

/** Each sink's delivery guarantee, stated in the API and the console. */
export const SINK_GUARANTEES: Record<SinkType, { guarantee: string; detail: string }> = {
  kafka: {
    guarantee: "at-least-once",
    detail:
      "A micro-batch replayed after a crash or restart is written again, so a result can appear twice in the " +
      "output topic (with the same key and value); consumers that keep the last value per key see exact totals.",
  },
  postgres: {
    guarantee: "effectively-once",
    detail:
      "Each micro-batch is upserted on the key columns in one transaction, so a replayed batch rewrites the " +
      "same rows: the table ends with exactly one row per key.",
  },
};

/** The view name a SQL job's source topics are registered as, unless the job names another. */
export const DEFAULT_JOB_VIEW = "events";
export const DEFAULT_TRIGGER = "1 second";
export const JOB_CORES_MAX = 8;
export const JOB_MEMORY_MB_MIN = 512;
export const JOB_MEMORY_MB_MAX = 16384;
export const JOB_SQL_MAX = 100_000;
export const JOB_SCRIPT_MAX = 1_000_000;
export const BATCH_PREVIEW_ROWS = 1000;

/** The Kafka user Weir makes for a job (SCRAM-SHA-512; its ACLs cover the job's topics only). */
export const jobKafkaUsername = (jobId: string) => `weir-job-${jobId.slice(0, 8)}`;
/** The consumer-group prefix the job's Kafka source uses (its user may read groups with it). */
export const jobGroupPrefix = (jobId: string) => `weir-job-${jobId}`;

/** A job's status that needs the controller's attention soon (the console polls faster). */
export const jobIsBusy = (status: string) => ["QUEUED", "STARTING", "STOPPING", "DELETING"].includes(status);
/** A job whose driver is (or is about to be) alive. */
export const jobIsActive = (status: string) => ["QUEUED", "STARTING", "RUNNING", "STOPPING"].includes(status);
/** Statuses from which "start" makes sense. */
export const jobCanStart = (status: string) => ["STOPPED", "FINISHED", "FAILED"].includes(status);
/** Statuses from which "stop" makes sense. */
export const jobCanStop = (status: string) => ["QUEUED", "STARTING", "RUNNING"].includes(status);

/** A Spark trigger interval like "1 second", "500 milliseconds", "2 minutes". */
export const TRIGGER_PATTERN = /^[1-9][0-9]{0,5} (milliseconds?|seconds?|minutes?)$/;
/** A watermark delay like "10 seconds", "1 minute". */
export const DELAY_PATTERN = /^[0-9]{1,6} (milliseconds?|seconds?|minutes?|hours?)$/;
/** An identifier usable as a view or column name without quoting. */
export const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
