// Jobs on compute clusters as desired state: the API checks everything it can know at
// submission (the topics exist, the schema parses, the watermark column is in it, the sink URL
// is a Postgres one), then writes in one transaction the job, the Kafka user Weir makes for it
// and that user's ACLs (its source topics, its consumer-group prefix, its sink topics), and
// wakes the controller, which starts the driver. Nothing here starts a process; the driver log,
// the progress samples and a batch job's result are read back for the console.
import { randomBytes, randomUUID } from "node:crypto";
import type { Db, JobModel as Job, Prisma } from "@weir/db";
import { env } from "@weir/env";
import { listTopicNames } from "@weir/runtime";
import {
  jobPaths,
  lastProgressEvent,
  localJobDir,
  readLog,
  readPreviewRows,
  readResultFiles,
  tailLog,
} from "@weir/runtime/jobs";
import type { z } from "zod";
import { notifyReconcile, recordAudit } from "../audit/record.ts";
import { asConditions } from "../conditions.ts";
import { resourceEvents } from "../events.ts";
import type { OrgScope } from "../context.ts";
import { encryptSecret } from "../crypto.ts";
import { AppError, conflict, invalid, notFound, asNameConflict } from "../errors.ts";
import { browseMessagesInput, messagesService } from "../kafka/messages.ts";
import { kafkaError, servingAdmin } from "../kafka/admin-client.ts";
import { createWorkloadUser, notifyWorkloadUser } from "../kafka/workload-users.ts";
import { requireRole } from "../roles.ts";
import { acceptsChanges } from "../status.ts";
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
  type JobSpecStored,
} from "./job-input.ts";
import {
  jobGroupPrefix,
  jobIsActive,
  jobKafkaUsername,
  JOB_KIND_LABELS,
  SINK_GUARANTEES,
  type JobKind,
} from "./job-rules.ts";
import {
  formatSparkSchema,
  formatSparkType,
  inferSparkSchema,
  isTimestampType,
  parseSparkSchema,
  schemaColumn,
  type SparkField,
} from "./spark-schema.ts";
import { unreachableKafka, type ClusterRuntime } from "./clusters.ts";
import { validateJobSql } from "./workspace.ts";

/** The largest log or result the API hands over in one answer. */
export const JOB_DOWNLOAD_MAX_BYTES = 25 * 1024 * 1024;

function secretKey(): string {
  const key = env().WEIR_SECRET_KEY;
  if (!key) throw new AppError("UNAVAILABLE", "WEIR_SECRET_KEY is not set: start Weir with `pnpm start`.");
  return key;
}

const generatePassword = () => randomBytes(24).toString("base64url");

/** A Postgres sink URL split into the JDBC URL Weir stores and the credentials it keeps encrypted. */
export function splitPostgresUrl(raw: string): { url: string; user: string | null; password: string | null } {
  const field = "spec.sink.url";
  const m = /^(jdbc:)?postgresql:\/\//i.exec(raw);
  if (!m) throw invalid(field, "Must start with postgresql:// or jdbc:postgresql://");
  let u: URL;
  try {
    u = new URL(`postgresql://${raw.slice(m[0].length)}`);
  } catch {
    throw invalid(field, "Is not a valid URL: use postgresql://user:password@host:5432/database");
  }
  if (!u.hostname) throw invalid(field, "Names no host: use postgresql://user:password@host:5432/database");
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw invalid(field, "Has a malformed %-escape");
    }
  };
  const database = decode(u.pathname.replace(/^\//, ""));
  if (!database || database.includes("/")) {
    throw invalid(field, "Names no database: use postgresql://user:password@host:5432/database");
  }
  const params = new URLSearchParams(u.search);
  const user = (u.username ? decode(u.username) : null) ?? params.get("user");
  const password = (u.password ? decode(u.password) : null) ?? params.get("password");
  params.delete("user");
  params.delete("password");
  const query = params.toString();
  return {
    url: `jdbc:postgresql://${u.host}/${encodeURIComponent(database)}${query ? `?${query}` : ""}`,
    user,
    password,
  };
}

/** The parsed schema, or a 400 naming the field and what is wrong with it. */
function checkedSchema(schema: string): SparkField[] {
  const parsed = parseSparkSchema(schema);
  if (!parsed.ok) throw invalid("spec.format.schema", `The schema does not parse: ${parsed.error}`);
  return parsed.fields;
}

/** The topics a job reads and writes, by what its spec says. */
export function jobTopics(spec: JobSpecStored): { reads: string[]; writes: string[] } {
  const unique = (xs: string[]) => [...new Set(xs)];
  switch (spec.kind) {
    case "streaming-sql":
      return { reads: unique(spec.sources), writes: spec.sink.type === "kafka" ? [spec.sink.topic] : [] };
    case "batch-sql":
      return { reads: unique(spec.sources), writes: [] };
    case "pyspark-script":
      return { reads: unique(spec.sources), writes: unique(spec.sinkTopics) };
  }
}

/** The ACL bindings of a job's Kafka user: exactly its topics and its consumer groups. */
export function jobAclBindings(jobId: string, username: string, spec: JobSpecStored) {
  const principal = `User:${username}`;
  const { reads, writes } = jobTopics(spec);
  const binding = (
    resourceType: "TOPIC" | "GROUP",
    resourceName: string,
    operation: string,
    patternType: "LITERAL" | "PREFIXED" = "LITERAL",
  ) => ({ principal, host: "*", resourceType, resourceName, patternType, operation, permission: "ALLOW" as const });
  return [
    ...reads.flatMap((t) => [binding("TOPIC", t, "READ"), binding("TOPIC", t, "DESCRIBE")]),
    binding("GROUP", jobGroupPrefix(jobId), "READ", "PREFIXED"),
    ...writes.flatMap((t) => [binding("TOPIC", t, "WRITE"), binding("TOPIC", t, "DESCRIBE")]),
  ];
}

const sinkView = (spec: JobSpecStored, hasSecret: boolean) => {
  if (spec.kind === "streaming-sql") {
    const s = spec.sink;
    const guarantee = SINK_GUARANTEES[s.type];
    return s.type === "kafka"
      ? { type: "kafka" as const, topic: s.topic, table: null, url: null, credentialsStored: false, ...guarantee }
      : {
          type: "postgres" as const,
          topic: null,
          table: s.table,
          url: s.url,
          credentialsStored: hasSecret,
          ...guarantee,
        };
  }
  return null;
};

interface ProgressRow {
  sampledAt: Date;
  batchId: number;
  numInputRows: bigint;
  inputRowsPerSec: number;
  processedRowsPerSec: number;
  batchDurationMs: number;
  offsetsBehind: bigint;
  watermark: Date | null;
  stateRows: bigint;
}

const progressView = (p: ProgressRow) => ({
  at: p.sampledAt,
  batchId: p.batchId,
  numInputRows: Number(p.numInputRows),
  inputRowsPerSec: p.inputRowsPerSec,
  processedRowsPerSec: p.processedRowsPerSec,
  batchDurationMs: p.batchDurationMs,
  offsetsBehind: Number(p.offsetsBehind),
  watermark: p.watermark,
  stateRows: Number(p.stateRows),
});

function summaryView(j: Job, latest: ProgressRow | null, kafka: { id: string; name: string } | null) {
  const spec = j.spec as unknown as JobSpecStored;
  return {
    id: j.id,
    computeClusterId: j.computeClusterId,
    name: j.name,
    kind: j.kind as JobKind,
    kindLabel: JOB_KIND_LABELS[j.kind as JobKind] ?? j.kind,
    status: j.status,
    statusReason: j.statusReason,
    errorClass: j.errorClass,
    desiredState: j.desiredState as "running" | "stopped",
    kafkaCluster: kafka,
    sources: jobTopics(spec).reads,
    sink: sinkView(spec, j.sinkSecretEncrypted !== null),
    latestProgress: latest ? progressView(latest) : null,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
    createdAt: j.createdAt,
    updatedAt: j.updatedAt,
  };
}

function detailView(
  j: Job,
  latest: ProgressRow | null,
  kafka: { id: string; name: string } | null,
  onKubernetes: boolean,
) {
  return {
    ...summaryView(j, latest, kafka),
    spec: j.spec as unknown as JobSpecStored,
    restartPolicy: j.restartPolicy as "never" | "on-failure" | "always",
    cores: j.cores,
    driverMemoryMb: j.driverMemoryMb,
    executorMemoryMb: j.executorMemoryMb,
    attempt: j.attempt,
    restartCount: j.restartCount,
    lastRestartAt: j.lastRestartAt,
    applicationId: j.applicationId,
    /** The job's Spark UI under the compute cluster's proxy (/spark-ui/<computeClusterId>/), while it runs. */
    uiPath: j.applicationId && j.status === "RUNNING" && !onKubernetes ? `proxy/${j.applicationId}/` : null,
    /** On Kubernetes: the driver's Spark UI as the Spark Operator reports it (reachable inside the cluster). */
    uiAddress: j.status === "RUNNING" ? j.uiAddress : null,
    kafkaUsername: j.kafkaUsername,
    generation: j.generation,
    observedGeneration: j.observedGeneration,
    conditions: asConditions(j.conditions),
  };
}

export type JobSummaryView = ReturnType<typeof summaryView>;
export type JobView = ReturnType<typeof detailView>;

const jsonCell = (v: unknown) => (v === undefined ? null : v);

export function jobsService(db: Db) {
  async function computeCluster(scope: OrgScope, id: string) {
    const c = await db.computeCluster.findFirst({ where: { id, orgId: scope.orgId } });
    if (!c) throw notFound("Compute cluster");
    return c;
  }

  async function find(scope: OrgScope, input: { id: string; jobId: string }): Promise<Job> {
    const j = await db.job.findFirst({
      where: { id: input.jobId, computeClusterId: input.id, orgId: scope.orgId },
    });
    if (!j) throw notFound("Job");
    return j;
  }

  async function kafkaOf(j: Job) {
    return j.kafkaClusterId
      ? db.kafkaCluster.findUnique({ where: { id: j.kafkaClusterId }, select: { id: true, name: true } })
      : null;
  }

  async function latestOf(jobIds: string[]): Promise<Map<string, ProgressRow>> {
    if (jobIds.length === 0) return new Map();
    const rows = await db.$queryRaw<(ProgressRow & { jobId: string })[]>`
      SELECT DISTINCT ON (job_id) job_id AS "jobId", batch_id AS "batchId", sampled_at AS "sampledAt",
        num_input_rows AS "numInputRows", input_rows_per_sec AS "inputRowsPerSec",
        processed_rows_per_sec AS "processedRowsPerSec", batch_duration_ms AS "batchDurationMs",
        offsets_behind AS "offsetsBehind", watermark, state_rows AS "stateRows"
      FROM job_progress_samples WHERE job_id = ANY(${jobIds}::uuid[])
      ORDER BY job_id, sampled_at DESC`;
    return new Map(rows.map((r) => [r.jobId, r]));
  }

  async function detail(j: Job) {
    const [latest, kafka, cc] = await Promise.all([
      latestOf([j.id]),
      kafkaOf(j),
      db.computeCluster.findUnique({ where: { id: j.computeClusterId }, select: { runtime: true } }),
    ]);
    return detailView(j, latest.get(j.id) ?? null, kafka, cc?.runtime === "kubernetes");
  }

  const filesOf = (j: Job) => jobPaths(localJobDir(env().WEIR_DATA_DIR, j.computeClusterId, j.id));

  /** Each topic exists on the Kafka cluster: a Topic row Weir manages, else (if it serves) in Kafka itself. */
  async function checkTopicsExist(cluster: Parameters<typeof servingAdmin>[0], topics: Map<string, string>) {
    if (topics.size === 0) return;
    const rows = await db.topic.findMany({
      where: { clusterId: cluster.id, name: { in: [...topics.keys()] }, status: { not: "DELETING" } },
      select: { name: true },
    });
    const known = new Set(rows.map((r) => r.name));
    let missing = [...topics.keys()].filter((t) => !known.has(t));
    if (missing.length > 0) {
      const admin = servingAdmin(cluster);
      if (admin) {
        const inKafka = new Set(
          await listTopicNames(admin).catch((e: unknown) => {
            throw kafkaError(e, cluster.name);
          }),
        );
        missing = missing.filter((t) => !inKafka.has(t));
      }
    }
    const first = missing[0];
    if (first !== undefined) {
      throw invalid(topics.get(first)!, `The topic "${first}" does not exist on the Kafka cluster "${cluster.name}"`);
    }
  }

  /** The checks a spec must pass before it is accepted; returns the spec to store and the sink secret. */
  async function checkSpec(spec: JobSpecStored, kafka: Parameters<typeof servingAdmin>[0] | null) {
    let stored: JobSpecStored = spec;
    let sinkSecret: { user: string | null; password: string | null } | null = null;
    if (spec.kind !== "pyspark-script") {
      const fields = checkedSchema(spec.format.schema);
      if (spec.kind === "streaming-sql" && spec.watermark) {
        const col = schemaColumn(fields, spec.watermark.column);
        if (!col) {
          throw invalid(
            "spec.watermark.column",
            `"${spec.watermark.column}" is not a column of the schema (${fields.map((f) => f.name).join(", ")})`,
          );
        }
        if (!isTimestampType(col.type)) {
          throw invalid("spec.watermark.column", `"${col.name}" must be a TIMESTAMP column to carry a watermark`);
        }
      }
      if (spec.kind === "batch-sql" && spec.from && spec.to && Date.parse(spec.from) >= Date.parse(spec.to)) {
        throw invalid("spec.to", "Must be after spec.from");
      }
    }
    if (spec.kind === "streaming-sql" && spec.sink.type === "postgres") {
      const { url, user, password } = splitPostgresUrl(spec.sink.url);
      stored = { ...spec, sink: { ...spec.sink, url } };
      if (user !== null || password !== null) sinkSecret = { user, password };
    }
    const topics = new Map<string, string>();
    const { reads, writes } = jobTopics(spec);
    if ((reads.length > 0 || writes.length > 0) && !kafka) {
      throw invalid("kafkaClusterId", "The compute cluster has no Kafka cluster; name the one the job's topics are on");
    }
    reads.forEach((t) => topics.set(t, `spec.sources.${spec.sources.indexOf(t)}`));
    for (const t of writes) {
      if (topics.has(t)) continue;
      topics.set(
        t,
        spec.kind === "pyspark-script" ? `spec.sinkTopics.${spec.sinkTopics.indexOf(t)}` : "spec.sink.topic",
      );
    }
    if (kafka) await checkTopicsExist(kafka, topics);
    return { stored: jobSpec.parse(stored), sinkSecret };
  }

  /**
   * Spark's own analysis of a SQL job's query over its declared schema (and watermark), on the
   * compute cluster's Spark Connect server: `[UNRESOLVED_COLUMN…]` is a 400 at submission. When the
   * server is not running (or does not answer), the check is skipped: the driver fails the job
   * with the same message.
   */
  async function checkSqlWithSpark(scope: OrgScope, computeClusterId: string, spec: JobSpecStored) {
    if (spec.kind === "pyspark-script") return;
    const verdict = await validateJobSql(db, scope, {
      computeClusterId,
      view: spec.view,
      schema: spec.format.schema,
      sql: spec.sql,
      watermark: spec.kind === "streaming-sql" ? spec.watermark : undefined,
    }).catch((e: unknown) => {
      if (!(e instanceof AppError)) console.warn("[jobs] the SQL check on Spark Connect failed; skipped:", e);
      return null;
    });
    if (verdict && !verdict.ok) {
      const field = { sql: "spec.sql", schema: "spec.format.schema", watermark: "spec.watermark.column" }[
        verdict.field
      ];
      throw invalid(field, verdict.message);
    }
  }

  return {
    async list(scope: OrgScope, input: { id: string }) {
      const c = await computeCluster(scope, input.id);
      const rows = await db.job.findMany({ where: { computeClusterId: c.id }, orderBy: { createdAt: "desc" } });
      const latest = await latestOf(rows.map((r) => r.id));
      const kafkaIds = [...new Set(rows.map((r) => r.kafkaClusterId).filter((x): x is string => !!x))];
      const kafka = new Map(
        (await db.kafkaCluster.findMany({ where: { id: { in: kafkaIds } }, select: { id: true, name: true } })).map(
          (k) => [k.id, k],
        ),
      );
      return rows.map((r) =>
        summaryView(r, latest.get(r.id) ?? null, r.kafkaClusterId ? (kafka.get(r.kafkaClusterId) ?? null) : null),
      );
    },

    async get(scope: OrgScope, input: z.infer<typeof jobIdInput>) {
      return detail(await find(scope, input));
    },

    /** What the controller did and saw: driver starts, exits with log excerpts, restarts, failures. */
    async events(scope: OrgScope, input: z.infer<typeof jobIdInput>) {
      const job = await find(scope, input);
      return resourceEvents(db, "Job", job.id);
    },

    async create(scope: OrgScope, input: z.infer<typeof createJobInput>) {
      requireRole(scope.role, "DEVELOPER", "create jobs");
      const cc = await computeCluster(scope, input.id);
      // A job may be queued while its cluster is still provisioning (QUEUED waits for it), not once it is going.
      if (cc.status === "DELETING") throw conflict(`The compute cluster "${cc.name}" is being deleted.`);
      const kafkaClusterId = input.kafkaClusterId ?? cc.kafkaClusterId;
      let kafka: Awaited<ReturnType<Db["kafkaCluster"]["findFirst"]>> = null;
      if (kafkaClusterId) {
        kafka = await db.kafkaCluster.findFirst({ where: { id: kafkaClusterId, orgId: scope.orgId } });
        if (!kafka) throw invalid("kafkaClusterId", "No such Kafka cluster in this organisation");
        if (kafka.status === "DELETING")
          throw invalid("kafkaClusterId", `The Kafka cluster "${kafka.name}" is being deleted`);
        const why = unreachableKafka(cc.runtime as ClusterRuntime, kafka);
        if (why) throw invalid("kafkaClusterId", why);
      }
      const { stored, sinkSecret } = await checkSpec(input.spec, kafka);
      await checkSqlWithSpark(scope, cc.id, stored);
      if (await db.job.findFirst({ where: { computeClusterId: cc.id, name: input.name }, select: { id: true } })) {
        throw conflict(`A job named "${input.name}" already exists on this compute cluster`, "name");
      }

      const key = secretKey();
      const jobId = randomUUID();
      const username = kafka ? jobKafkaUsername(jobId) : null;
      const password = kafka ? generatePassword() : null;
      try {
        const job = await db.$transaction(async (tx) => {
          const j = await tx.job.create({
            data: {
              id: jobId,
              orgId: scope.orgId,
              computeClusterId: cc.id,
              kafkaClusterId: kafka?.id ?? null,
              name: input.name,
              kind: stored.kind,
              spec: stored as unknown as Prisma.InputJsonValue,
              cores: input.cores,
              driverMemoryMb: input.driverMemoryMb,
              executorMemoryMb: input.executorMemoryMb,
              restartPolicy: input.restartPolicy,
              desiredState: "running",
              status: "QUEUED",
              statusReason: "Waiting for the controller",
              kafkaUsername: username,
              kafkaPasswordEncrypted: password ? encryptSecret(password, key) : null,
              sinkSecretEncrypted: sinkSecret ? encryptSecret(JSON.stringify(sinkSecret), key) : null,
            },
          });
          const access =
            kafka && username && password
              ? await createWorkloadUser(
                  tx,
                  kafka.id,
                  username,
                  encryptSecret(password, key),
                  jobAclBindings(jobId, username, stored),
                )
              : null;
          await recordAudit(tx, scope, {
            action: "job.create",
            resourceType: "job",
            resourceId: j.id,
            resourceName: j.name,
            details: {
              computeClusterId: cc.id,
              kind: j.kind,
              kafkaClusterId: kafka?.id ?? null,
              kafkaUser: username,
              aclIds: access?.aclIds ?? [],
            },
          });
          await notifyReconcile(tx, "Job", j.id);
          if (access) await notifyWorkloadUser(tx, access);
          return j;
        });
        return detail(job);
      } catch (err) {
        throw asNameConflict(err, `A job named "${input.name}" already exists on this compute cluster`);
      }
    },

    /** Asks the driver to stop (a streaming job keeps its checkpoint); a stopped job stays stopped. */
    async stop(scope: OrgScope, input: z.infer<typeof jobIdInput>) {
      requireRole(scope.role, "DEVELOPER", "stop jobs");
      const j = await find(scope, input);
      if (!acceptsChanges("Job", j.status)) throw conflict("The job is being deleted.");
      if (j.desiredState === "stopped") return detail(j);
      const updated = await db.$transaction(async (tx) => {
        const u = await tx.job.update({
          where: { id: j.id },
          data: {
            desiredState: "stopped",
            generation: { increment: 1 },
            ...(jobIsActive(j.status) ? { status: "STOPPING" as const, statusReason: "Asked to stop" } : {}),
          },
        });
        await recordAudit(tx, scope, {
          action: "job.stop",
          resourceType: "job",
          resourceId: j.id,
          resourceName: j.name,
          details: { computeClusterId: j.computeClusterId, status: j.status },
        });
        await notifyReconcile(tx, "Job", j.id);
        return u;
      });
      return detail(updated);
    },

    /** Starts a job again from its checkpoint, or from scratch (a new attempt, a new checkpoint). */
    async start(scope: OrgScope, input: z.infer<typeof startJobInput>) {
      requireRole(scope.role, "DEVELOPER", "start jobs");
      const j = await find(scope, input);
      if (!acceptsChanges("Job", j.status)) throw conflict("The job is being deleted.");
      if (!input.fromScratch && j.desiredState === "running" && jobIsActive(j.status)) {
        throw conflict(`The job is already ${j.status.toLowerCase()}; stop it first, or restart it from scratch.`);
      }
      const updated = await db.$transaction(async (tx) => {
        const u = await tx.job.update({
          where: { id: j.id },
          data: {
            desiredState: "running",
            generation: { increment: 1 },
            ...(input.fromScratch ? { attempt: { increment: 1 } } : {}),
            ...(jobIsActive(j.status) && !input.fromScratch
              ? {}
              : {
                  status: "QUEUED" as const,
                  statusReason: input.fromScratch
                    ? "Waiting for the controller to restart from scratch (a new checkpoint)"
                    : "Waiting for the controller to start the driver",
                  errorClass: null,
                }),
          },
        });
        await recordAudit(tx, scope, {
          action: input.fromScratch ? "job.restart_from_scratch" : "job.start",
          resourceType: "job",
          resourceId: j.id,
          resourceName: j.name,
          details: { computeClusterId: j.computeClusterId, attempt: u.attempt },
        });
        await notifyReconcile(tx, "Job", j.id);
        return u;
      });
      return detail(updated);
    },

    /** The controller stops the driver and removes the job's Kafka user, ACLs, checkpoint and files. */
    async delete(scope: OrgScope, input: z.infer<typeof deleteJobInput>) {
      requireRole(scope.role, "DEVELOPER", "delete jobs");
      const j = await find(scope, input);
      if (input.confirmName !== undefined && input.confirmName !== j.name) {
        throw invalid("confirmName", `Type the job's name, "${j.name}", to confirm`);
      }
      if (j.status === "DELETING") return detail(j);
      const updated = await db.$transaction(async (tx) => {
        const u = await tx.job.update({
          where: { id: j.id },
          data: {
            status: "DELETING",
            statusReason: "Stopping the driver and deleting the job's Kafka user, ACLs and files",
            desiredState: "stopped",
            generation: { increment: 1 },
          },
        });
        await recordAudit(tx, scope, {
          action: "job.delete",
          resourceType: "job",
          resourceId: j.id,
          resourceName: j.name,
          details: { computeClusterId: j.computeClusterId },
        });
        await notifyReconcile(tx, "Job", j.id);
        return u;
      });
      return detail(updated);
    },

    async logs(scope: OrgScope, input: z.infer<typeof jobLogsInput>) {
      const j = await find(scope, input);
      const tail = await tailLog(filesOf(j).driverLog, { lines: input.lines, search: input.search });
      return { ...tail, search: input.search ?? null };
    },

    /** The whole driver log (rotated copy first) as a file to save, its last 25 MiB if longer. */
    async logsDownload(scope: OrgScope, input: z.infer<typeof jobIdInput>) {
      const j = await find(scope, input);
      const { text, truncated } = await readLog(filesOf(j).driverLog, JOB_DOWNLOAD_MAX_BYTES);
      return {
        filename: `${j.name}-driver.log`,
        contentType: "text/plain",
        content: text,
        truncated,
      };
    },

    async progress(scope: OrgScope, input: z.infer<typeof jobProgressInput>) {
      const j = await find(scope, input);
      const rows = await db.jobProgressSample.findMany({
        where: { jobId: j.id, sampledAt: { gte: new Date(Date.now() - input.minutes * 60_000) } },
        orderBy: { sampledAt: "asc" },
        take: 5000,
      });
      return { samples: rows.map(progressView) };
    },

    /** A batch job's preview rows, paged, with the columns in the query's order. */
    async result(scope: OrgScope, input: z.infer<typeof jobResultInput>) {
      const j = await find(scope, input);
      if (j.kind !== "batch-sql") throw invalid("jobId", "Only a batch SQL job has a result to preview");
      const files = filesOf(j);
      const [rows, done] = await Promise.all([
        readPreviewRows(files.previewFile),
        lastProgressEvent(files.progressFile, "result"),
      ]);
      const columns: string[] = Array.isArray(done?.columns)
        ? (done.columns as unknown[]).map(String)
        : [...new Set((rows ?? []).flatMap((r) => Object.keys(r)))];
      const page = (rows ?? []).slice(input.offset, input.offset + input.limit);
      return {
        available: rows !== null,
        columns,
        rows: page.map((r) => columns.map((c) => jsonCell(r[c]))),
        offset: input.offset,
        previewRows: rows?.length ?? 0,
        totalRows: typeof done?.rows === "number" ? done.rows : null,
      };
    },

    /** A batch job's full result as CSV or JSON (an array of rows), to save as a file. */
    async resultDownload(scope: OrgScope, input: z.infer<typeof jobIdInput> & { format: "csv" | "json" }) {
      const j = await find(scope, input);
      if (j.kind !== "batch-sql") throw invalid("jobId", "Only a batch SQL job has a result to download");
      const out = await readResultFiles(filesOf(j).resultDir, input.format, JOB_DOWNLOAD_MAX_BYTES);
      if (out === null) {
        throw conflict(`The job has not written its result yet (status ${j.status.toLowerCase()}).`);
      }
      if ("tooLarge" in out) {
        throw new AppError(
          "UNPROCESSABLE",
          `The result is ${Math.ceil(out.tooLarge / 1024 / 1024)} MiB, more than the ${JOB_DOWNLOAD_MAX_BYTES / 1024 / 1024} MiB ` +
            "the API hands over; narrow the query or write to a topic.",
          { fields: { format: "The result is too large to download" } },
        );
      }
      if (input.format === "csv") return { filename: `${j.name}.csv`, contentType: "text/csv", content: out.text };
      const lines = out.text.split("\n").filter((l) => l.trim());
      return {
        filename: `${j.name}.json`,
        contentType: "application/json",
        content: lines.length === 0 ? "[]\n" : `[\n${lines.join(",\n")}\n]\n`,
      };
    },

    /** A Spark DDL schema guessed from a topic's newest JSON values (for a job's format, then edited). */
    async inferSchema(scope: OrgScope, input: z.infer<typeof inferSchemaInput>) {
      const sampled = await messagesService(db).browse(
        scope,
        browseMessagesInput.parse({ clusterId: input.clusterId, name: input.name, limit: input.sample }),
      );
      const values: unknown[] = [];
      const problems: string[] = [];
      // Oldest first, so the columns come in the order the fields first appeared.
      const messages = [...sampled.messages].sort(
        (x, y) =>
          x.timestamp.getTime() - y.timestamp.getTime() ||
          x.partition - y.partition ||
          Number(x.offset) - Number(y.offset),
      );
      for (const m of messages) {
        if (m.value.encoding === "null") continue;
        const where = `partition ${m.partition} offset ${m.offset}`;
        if (m.value.encoding !== "json") {
          problems.push(`${where} is not JSON (${m.value.encoding === "base64" ? "binary" : "plain text"})`);
          continue;
        }
        const v: unknown = JSON.parse(m.value.text!);
        if (v === null || typeof v !== "object" || Array.isArray(v)) {
          problems.push(`${where} is a JSON ${Array.isArray(v) ? "array" : typeof v}, not an object`);
          continue;
        }
        values.push(v);
      }
      if (problems.length > 0) {
        throw invalid(
          "name",
          `${problems.length} of ${sampled.messages.length} sampled values are not JSON objects, so no schema fits ` +
            `them (${problems.slice(0, 3).join("; ")}${problems.length > 3 ? "; …" : ""}). Jobs read JSON values only.`,
        );
      }
      if (values.length === 0) {
        throw invalid("name", `The topic "${input.name}" has no messages with a value to sample yet`);
      }
      const fields = inferSparkSchema(values);
      return {
        schema: formatSparkSchema(fields),
        columns: fields.map((f) => ({ name: f.name, type: formatSparkType(f.type) })),
        sampled: values.length,
      };
    },
  };
}
