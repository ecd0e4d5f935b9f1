// Job: a Spark job on a compute cluster, run as one client-mode driver (the job runner) through
// the job driver on the shared supervisor. A pass:
//   delete-if-asked → stop-if-asked → stay-settled → new-attempt → read-progress → settle-exit
//   → wait-for-cluster → wait-for-access → lease-ui-port → keep-driver-running → record → status
// The driver's own lines (progress.jsonl) say how a run went: "running" (Spark application id),
// "progress" (one sample per micro-batch), and how it ended ("finished", "stopped", "failed" with
// Spark's error class). Samples are taken by this reconciler, which looks again every 2 s while a
// job runs (no separate sampler task: the reconcile lock already makes one controller read a
// job's file at a time, and the read offset is stored with the samples' progress).
//
// A job whose compute cluster runs on Kubernetes is handed whole to the declarative job driver (a
// Spark Operator SparkApplication), which runs and restarts its driver per the restart policy:
//   delete-if-asked → stop-if-asked → stay-settled → wait-for-cluster → wait-for-access
//   → apply-application → record → status
// Its status is the operator's (applicationState), read back every pass.
import {
  asConditions,
  decryptSecret,
  isServing,
  JOB_METER,
  JOB_RESOURCE_KIND,
  jobResourceName,
  notifyReconcile,
  type JobSpecStored,
} from "@weir/domain";
import { BATCH_PREVIEW_ROWS, jobGroupPrefix, type RestartPolicy } from "@weir/domain/rules";
import type { Db, Prisma } from "@weir/db";
import {
  PLANNED_EXIT,
  type DeclarativeJobRuntime,
  type JobDriverLifecycle,
  type JobRun,
  type JobRuntime,
  type ObservedInstance,
  type ObservedJob,
} from "@weir/runtime";
import { KafkaCaMissingError, KubernetesRejectedError } from "@weir/runtime/k8s";
import { offsetsBehind, type JobProgressEvent } from "@weir/runtime/jobs";
import {
  closeRunIntervals,
  defaultInstancePolicy,
  failureExcerpt,
  keepInstancesRunning,
  syncRunIntervals,
  type InstancePatch,
  type InstanceRow,
} from "../../framework/instances.ts";
import { runPipeline, step, type Step } from "../../framework/pipeline.ts";
import { leasePorts, releasePorts } from "../../framework/ports.ts";
import {
  ReconcileError,
  statusUpdate,
  statusWhere,
  type EventInput,
  type Reconciler,
  type ReconcileOutcome,
  type StatusRecord,
} from "../../framework/types.ts";
import {
  exitDecision,
  failed,
  finished,
  jobStatus,
  queued,
  runEnd,
  RUNNING_REQUEUE_MS,
  stopped,
  type RunEnd,
} from "./status.ts";

const driverPolicy = defaultInstancePolicy("Driver");
/** Statuses in which a driver is meant to run (a driver found gone in them exited on its own). */
const ACTIVE = ["STARTING", "RUNNING"];

type JobRow = NonNullable<Awaited<ReturnType<typeof loadJob>>>;

export interface JobReconcilerDeps {
  runtime: JobRuntime;
  /** Runs the jobs of compute clusters whose runtime is "kubernetes" (SparkApplications). */
  kubernetes?: DeclarativeJobRuntime;
  /** Decrypts the job's Kafka password and a Postgres sink's credentials. */
  secretKey: string;
}

interface JobPass {
  db: Db;
  id: string;
  current: StatusRecord;
  event(e: EventInput): Promise<void>;
  deps: JobReconcilerDeps;
  job: JobRow;
  kafka: Awaited<ReturnType<typeof loadKafka>>;
  observed: ObservedInstance | undefined;
  /** Progress lines read in this pass. */
  events: JobProgressEvent[];
  /** How the last run ended, if its driver is gone and said so. */
  end: RunEnd;
  /** Set for a job on Kubernetes: the operator runs its driver. */
  declarative?: DeclarativeJobRuntime;
  /** The operator's view of the job's application (declarative only; null: none exists). */
  app: ObservedJob | null;
}

const loadJob = (db: Db, id: string) => db.job.findUnique({ where: { id }, include: { computeCluster: true } });
const loadKafka = (
  db: Db,
  job: { kafkaClusterId: string | null; computeCluster: { kafkaClusterId: string | null } },
) => {
  const id = job.kafkaClusterId ?? job.computeCluster.kafkaClusterId;
  return id ? db.kafkaCluster.findUnique({ where: { id } }) : Promise.resolve(null);
};

const cc = (p: JobPass) => p.job.computeClusterId;
/** Local: the driver process runs. Kubernetes: an application exists that has not ended. */
const running = (p: JobPass) => (p.declarative ? !!p.app && !p.app.terminal : !!p.observed?.running);
const driver = (p: JobPass): JobDriverLifecycle => p.declarative ?? p.deps.runtime;
const principal = (username: string) => `User:${username}`;

async function observe(p: JobPass): Promise<void> {
  if (p.declarative) p.app = await p.declarative.observeJob(cc(p), p.job.id);
  else [p.observed] = await p.deps.runtime.observe(cc(p), [p.job.id]);
}

async function updateJob(p: JobPass, data: Prisma.JobUpdateManyMutationInput): Promise<void> {
  await p.db.job.updateMany({ where: { id: p.job.id }, data });
  p.job = { ...p.job, ...(data as Partial<JobRow>) };
}

/** The driver is gone for good (stopped, finished, failed): no pid, its run interval closed. */
async function settle(p: JobPass, data: Prisma.JobUpdateManyMutationInput = {}): Promise<void> {
  await closeRunIntervals(p.db, [p.job.id]);
  await updateJob(p, { pid: null, ...data });
}

const logExcerpt = (p: JobPass) => failureExcerpt(p.deps.runtime.logTail(cc(p), p.job.id, 300));

// ---------------------------------------------------------------- steps

// The job's Kafka user and its ACLs go with it: marked DELETING, their reconcilers remove them
// from Kafka and then the rows.
const deleteIfAsked = step<JobPass>("delete-if-asked", async (p) => {
  const { db, job } = p;
  if (job.status !== "DELETING") return;
  await closeRunIntervals(db, [job.id]);
  await driver(p).removeJob(cc(p), job.id);
  await releasePorts(db, [job.id]);
  const kafkaClusterId = p.kafka?.id;
  if (job.kafkaUsername && kafkaClusterId) {
    await db.$transaction(async (tx) => {
      const where = { clusterId: kafkaClusterId };
      const users = await tx.kafkaUser.findMany({
        where: { ...where, name: job.kafkaUsername! },
        select: { id: true },
      });
      const acls = await tx.acl.findMany({
        where: { ...where, principal: principal(job.kafkaUsername!) },
        select: { id: true },
      });
      const data = { status: "DELETING" as const, generation: { increment: 1 } };
      await tx.kafkaUser.updateMany({ where: { id: { in: users.map((u) => u.id) } }, data });
      await tx.acl.updateMany({ where: { id: { in: acls.map((a) => a.id) } }, data });
      for (const u of users) await notifyReconcile(tx, "KafkaUser", u.id);
      for (const a of acls) await notifyReconcile(tx, "Acl", a.id);
    });
  }
  await p.event({
    type: "NORMAL",
    reason: "Deleted",
    message: p.declarative
      ? "Deleted the SparkApplication, its spec and credentials, and removed its Kafka user and ACLs."
      : "Stopped the driver, deleted its checkpoint, logs and results, and removed its Kafka user and ACLs.",
  });
  await db.job.deleteMany({ where: { id: job.id } });
  return { status: "DELETING", statusReason: "Deleted" };
});

// Stop: STOPPING while the runner stops its queries at a committed batch, then STOPPED. Starting
// again resumes from the checkpoint.
const stopIfAsked = step<JobPass>("stop-if-asked", async (p) => {
  if (p.job.desiredState !== "stopped") return;
  if (running(p)) {
    await updateJob(p, { status: "STOPPING", statusReason: "Stopping the driver at a committed batch" });
    await p.deps.runtime.stopDriver(cc(p), p.job.id);
    await readProgress(p, false);
    await settle(p, { finishedAt: new Date() });
    await p.event({
      type: "NORMAL",
      reason: "Stopped",
      message: "Stopped the driver on request; starting the job again resumes from its checkpoint.",
    });
  } else if (p.job.pid !== null) {
    await settle(p);
  }
  return stopped();
});

// FAILED and FINISHED rest until the user starts the job again (which bumps the generation).
const staySettled = step<JobPass>("stay-settled", async (p) => {
  const { job } = p;
  if (!["FAILED", "FINISHED"].includes(job.status) || job.observedGeneration !== job.generation) return;
  if (running(p)) await p.deps.runtime.stopDriver(cc(p), job.id);
  return { status: job.status, statusReason: job.statusReason };
});

// Restart from scratch bumps the attempt: the checkpoint of the previous attempt is deleted
// (after its driver stopped), and the next driver starts with an empty one.
const newAttempt = step<JobPass>("new-attempt", async (p) => {
  const { runtime } = p.deps;
  const had = runtime.checkpointAttempt(cc(p), p.job.id);
  if (had === null || had === p.job.attempt) return;
  if (running(p)) {
    await runtime.stopDriver(cc(p), p.job.id);
    await readProgress(p, false);
    await observe(p);
  }
  await runtime.resetCheckpoint(cc(p), p.job.id, p.job.attempt);
  await settle(p, { restartCount: 0, applicationId: null, errorClass: null });
  await p.event({
    type: "NORMAL",
    reason: "CheckpointReset",
    message: `Restarting from scratch: attempt ${p.job.attempt} starts with an empty checkpoint (attempt ${had}'s was deleted).`,
  });
});

/** Reads new progress lines into samples; a still running driver's last terminal line waits. */
async function readProgress(p: JobPass, untilTerminal: boolean): Promise<void> {
  const { db, job } = p;
  const read = p.deps.runtime.readProgress(cc(p), job.id, Number(job.progressReadBytes), { untilTerminal });
  if (read.nextOffset === Number(job.progressReadBytes)) return;
  p.events.push(...read.events);
  const samples = read.events.flatMap((e) => (e.event === "progress" ? [sampleOf(job.id, e)] : []));
  if (samples.length > 0) await db.jobProgressSample.createMany({ data: samples });
  const started = read.events.filter((e) => e.event === "running").at(-1);
  await updateJob(p, {
    progressReadBytes: BigInt(read.nextOffset),
    ...(started?.event === "running" ? { applicationId: started.applicationId } : {}),
  });
}

const readProgressStep = step<JobPass>("read-progress", async (p) => {
  await readProgress(p, running(p));
  if (!running(p)) p.end = runEnd(p.events);
});

// A driver that should run and is gone: finished, failed, or to be restarted per the job's
// restart policy (the restart itself, with back-off, is keep-driver-running's).
const settleExit = step<JobPass>("settle-exit", async (p) => {
  const { job } = p;
  if (running(p) || job.pid === null || !ACTIVE.includes(job.status)) return;
  const lastExit = p.observed?.lastExit ?? null;
  const decision = exitDecision({
    kind: job.kind,
    restartPolicy: job.restartPolicy as RestartPolicy,
    lastExit: lastExit === PLANNED_EXIT ? null : lastExit,
    planned: lastExit === PLANNED_EXIT,
    end: p.end,
  });
  if (decision.action === "restart") return;
  if (decision.action === "finish") {
    await settle(p, { finishedAt: new Date() });
    await p.event({ type: "NORMAL", reason: "Finished", message: decision.reason });
    return finished(decision.reason);
  }
  await settle(p, { finishedAt: new Date(), errorClass: decision.errorClass });
  await p.event({
    type: "WARNING",
    reason: "Failed",
    message: `${decision.reason}\nLast driver log lines:\n${logExcerpt(p)}`,
  });
  return failed(decision.reason);
});

// A driver that runs keeps running whatever happens to the cluster meanwhile; one that is to
// start waits for a master to register with and a Kafka cluster that serves.
const waitForCluster = step<JobPass>("wait-for-cluster", async (p) => {
  if (running(p)) return;
  const c = p.job.computeCluster;
  if (!isServing("ComputeCluster", c.status) || (!c.masterUrl && !p.declarative)) {
    return queued(`Waiting for compute cluster ${c.name} to run (it is ${c.status.toLowerCase()})`);
  }
  if (!needsKafka(p.job)) return;
  if (!p.kafka) return failed("The job reads Kafka topics but names no Kafka cluster");
  if (!isServing("KafkaCluster", p.kafka.status) || !p.kafka.bootstrapServers) {
    return queued(`Waiting for Kafka cluster ${p.kafka.name} to serve (it is ${p.kafka.status.toLowerCase()})`);
  }
});

// The job's own Kafka user and ACLs must be in Kafka before its driver connects as that user.
const waitForAccess = step<JobPass>("wait-for-access", async (p) => {
  const { db, job } = p;
  if (running(p) || !job.kafkaUsername || !p.kafka) return;
  const user = await db.kafkaUser.findFirst({ where: { clusterId: p.kafka.id, name: job.kafkaUsername } });
  if (!user) return queued(`Waiting for the job's Kafka user ${job.kafkaUsername} to be created`);
  if (user.status !== "READY") {
    return queued(`Waiting for Kafka to hold the job's user ${job.kafkaUsername} (${user.statusReason})`);
  }
  const acls = await db.acl.findMany({ where: { clusterId: p.kafka.id, principal: principal(job.kafkaUsername) } });
  const pending = acls.filter((a) => a.status !== "READY");
  if (pending.length > 0) {
    const a = pending[0]!;
    return queued(
      `Waiting for ${pending.length} of the job's ${acls.length} ACLs to be applied (${a.operation} on ${a.resourceType.toLowerCase()} ${a.resourceName}: ${a.statusReason})`,
    );
  }
});

const leaseUiPort = step<JobPass>("lease-ui-port", async (p) => {
  if (p.job.uiPort !== null) return;
  const [[port]] = (await leasePorts(p.db, [{ ownerKind: "Job", ownerId: p.job.id, purposes: ["ui"] }])) as [[number]];
  await updateJob(p, { uiPort: port });
});

const keepDriverRunning = step<JobPass>("keep-driver-running", async (p) => {
  const { job } = p;
  // The policy counts a driver gone from an active status as a crash (back-off, restart count).
  const wasRunning = job.pid !== null && ACTIVE.includes(job.status);
  const row: InstanceRow = {
    id: job.id,
    name: job.id,
    label: "the driver",
    pid: job.pid,
    startedAt: wasRunning ? (job.startedAt ?? new Date(0)) : null,
    lastRestartAt: job.lastRestartAt,
    restartCount: job.restartCount,
  };
  const result = await keepInstancesRunning({
    policy: driverPolicy,
    rows: [row],
    observed: new Map(p.observed ? [[job.id, p.observed]] : []),
    // Crashes before the runner ever said "running" count towards giving up.
    firstRun: job.applicationId === null,
    start: () => p.deps.runtime.ensureDriver(driverSpec(p)),
    logTail: () => p.deps.runtime.logTail(cc(p), job.id, 300),
    update: (_id, patch) => updateJob(p, jobPatch(patch)),
    event: p.event,
  });
  if (result.failures.length > 0) {
    const why = result.failures.map((f) => f.message).join("; ");
    await p.deps.runtime.stopDriver(cc(p), job.id);
    await settle(p, { finishedAt: new Date() });
    await p.event({ type: "WARNING", reason: "Failed", message: `The driver could not start: ${why}` });
    return failed(`The driver could not start: ${why}`);
  }
  if (!result.startedNow.has(job.id)) return;
  // (A driver stopped with Weir's shutdown is announced by the policy.)
  if (p.observed?.lastExit !== PLANNED_EXIT) {
    const restarted = wasRunning;
    await p.event({
      type: "NORMAL",
      reason: restarted ? "Restarted" : "Started",
      message: `${restarted ? `Restarted the driver (restart ${p.job.restartCount})` : "Started the driver"}: pid ${p.job.pid}, attempt ${job.attempt}, ${job.cores} core${job.cores === 1 ? "" : "s"}, UI port ${job.uiPort}.`,
    });
  }
  await observe(p);
});

const record = step<JobPass>("record", async (p) => {
  const { job } = p;
  await syncRunIntervals(
    p.db,
    {
      orgId: job.orgId,
      resourceKind: JOB_RESOURCE_KIND,
      resourceId: job.id,
      resourceName: jobResourceName(job.computeCluster.name, job.name),
    },
    [
      {
        instanceId: job.id,
        running: p.declarative ? !!p.app?.running : running(p),
        startedAt: (p.declarative ? p.app?.startedAt : p.observed?.startedAt) ?? null,
        meters: [{ ...JOB_METER }],
      },
    ],
  );
});

const status = step<JobPass>("status", async (p): Promise<ReconcileOutcome> => {
  const last = p.events.filter((e) => e.event === "progress").at(-1);
  const lastExit = p.observed?.lastExit ?? null;
  return jobStatus({
    kind: p.job.kind,
    driverRunning: running(p),
    applicationId: p.job.applicationId,
    restartCount: p.job.restartCount,
    restarting: running(p) ? null : { lastExit },
    lastBatch: last?.event === "progress" ? { batchId: last.batchId, numInputRows: last.numInputRows } : null,
  });
});

const steps: Step<JobPass>[] = [
  deleteIfAsked,
  stopIfAsked,
  staySettled,
  newAttempt,
  readProgressStep,
  settleExit,
  waitForCluster,
  waitForAccess,
  leaseUiPort,
  keepDriverRunning,
  record,
  status,
];

// ---------------------------------------------------------------- declarative (Kubernetes) steps

// Stop: the SparkApplication is deleted (the operator stops its pods); its spec and credentials
// stay, and starting again applies it anew.
const stopApplicationIfAsked = step<JobPass>("stop-if-asked", async (p) => {
  if (p.job.desiredState !== "stopped") return;
  if (p.app) {
    await p.declarative!.stopDriver(cc(p), p.job.id);
    p.app = null;
    await settle(p, { finishedAt: new Date() });
    await p.event({
      type: "NORMAL",
      reason: "Stopped",
      message: "Deleted the SparkApplication on request; starting the job again submits it anew.",
    });
  }
  return {
    ...stopped(),
    statusReason: "Stopped on request (the SparkApplication was deleted); start it again to submit it anew",
  };
});

// FAILED and FINISHED rest until the user starts the job again (a new generation); then the ended
// application is deleted, so the operator submits the new one afresh instead of keeping it ended.
const stayApplicationSettled = step<JobPass>("stay-settled", async (p) => {
  const { job } = p;
  const settledHere = job.observedGeneration === job.generation;
  if (settledHere && ["FAILED", "FINISHED"].includes(job.status)) {
    return { status: job.status, statusReason: job.statusReason };
  }
  if (p.app?.terminal && !settledHere) {
    await p.declarative!.stopDriver(cc(p), job.id);
    p.app = null;
  }
});

// Restart from scratch: an application of an earlier attempt is deleted (with it its driver and, on
// the pod's own disk, its checkpoint; on a claim, each attempt has a directory of its own), and the
// next step applies the new attempt's.
const newApplicationAttempt = step<JobPass>("new-attempt", async (p) => {
  const had = p.app?.jobAttempt ?? null;
  if (!p.app || had === null || had === p.job.attempt) return;
  await p.declarative!.stopDriver(cc(p), p.job.id);
  p.app = null;
  await settle(p, { restartCount: 0, applicationId: null, uiAddress: null, errorClass: null });
  await p.event({
    type: "NORMAL",
    reason: "CheckpointReset",
    message: `Restarting from scratch: deleted attempt ${had}'s SparkApplication; attempt ${p.job.attempt} starts with an empty checkpoint.`,
  });
});

// The job's spec ConfigMap, credentials Secret and SparkApplication, applied when there is none or
// the job changed (a new generation: a start, a restart from scratch); otherwise a pass only reads
// the application, one request per job. An ended application is left as the operator left it.
const applyApplication = step<JobPass>("apply-application", async (p) => {
  if (p.app?.terminal) return;
  if (p.app && p.job.observedGeneration === p.job.generation) return;
  const created = !p.app;
  try {
    await p.declarative!.applyJob({
      ...driverSpec(p),
      restartPolicy: p.job.restartPolicy as RestartPolicy,
      // A Strimzi cluster's TLS listener: the job trusts its CA.
      kafkaClusterId: p.kafka?.runtime === "kubernetes" ? p.kafka.id : null,
    });
  } catch (err) {
    if (err instanceof KafkaCaMissingError) return queued(`Waiting for the Kafka cluster's CA: ${err.message}`);
    if (err instanceof KubernetesRejectedError) throw new ReconcileError("KubernetesRejected", err.message, "user");
    throw err;
  }
  if (created) {
    await updateJob(p, { status: "STARTING", statusReason: "Submitted to the Spark Operator", finishedAt: null });
    await p.event({
      type: "NORMAL",
      reason: "Submitted",
      message: `Applied SparkApplication for attempt ${p.job.attempt} (${p.job.cores} executor core${p.job.cores === 1 ? "" : "s"}, restart policy ${p.job.restartPolicy}); the Spark Operator runs its driver.`,
    });
  }
  await observe(p);
});

// The operator's state is the job's: FAILED with its message, FINISHED, or what it does meanwhile.
const applicationStatus = step<JobPass>("status", async (p): Promise<ReconcileOutcome> => {
  const { app, job } = p;
  if (!app) return queued("Waiting for the SparkApplication to be created");
  const uiAddress = app.running ? app.uiAddress : null;
  if (
    app.applicationId !== job.applicationId ||
    uiAddress !== job.uiAddress ||
    Math.max(0, app.attempts - 1) !== job.restartCount
  ) {
    await updateJob(p, {
      applicationId: app.applicationId,
      uiAddress,
      restartCount: Math.max(0, app.attempts - 1),
    });
  }
  if (app.terminal) {
    if (job.status !== app.status) {
      await settle(p, { finishedAt: new Date() });
      await p.event({
        type: app.status === "FAILED" ? "WARNING" : "NORMAL",
        reason: app.status === "FAILED" ? "Failed" : "Finished",
        message: `The Spark Operator reports: ${app.statusReason}`,
      });
    }
    return app.status === "FAILED" ? failed(app.statusReason) : finished(app.statusReason);
  }
  // The operator moves the application on its own: look again soon while it starts; a running one
  // is read at each resync.
  return {
    status: app.status,
    statusReason: app.statusReason,
    ...(app.status === "RUNNING" ? {} : { requeueAfterMs: RUNNING_REQUEUE_MS * 2 }),
  };
});

const declarativeSteps: Step<JobPass>[] = [
  deleteIfAsked,
  stopApplicationIfAsked,
  stayApplicationSettled,
  newApplicationAttempt,
  waitForCluster,
  waitForAccess,
  applyApplication,
  record,
  applicationStatus,
];

// ---------------------------------------------------------------- helpers

const needsKafka = (job: JobRow) => job.kind !== "pyspark-script" || !!job.kafkaUsername;

/** The policy's patch as the job's columns: a (re)start begins a new run. */
function jobPatch(patch: InstancePatch): Prisma.JobUpdateManyMutationInput {
  const { status: _provisioning, statusReason: _reason, ...rest } = patch;
  if (!patch.lastRestartAt) return rest;
  return {
    ...rest,
    status: "STARTING",
    statusReason: "Starting the driver",
    applicationId: null,
    errorClass: null,
    finishedAt: null,
  };
}

function sampleOf(jobId: string, e: Extract<JobProgressEvent, { event: "progress" }>) {
  const at = Date.parse(e.timestamp);
  const watermark = e.watermark ? new Date(e.watermark) : null;
  return {
    jobId,
    batchId: e.batchId,
    sampledAt: new Date(Number.isFinite(at) ? at : e.time),
    numInputRows: BigInt(Math.round(e.numInputRows)),
    inputRowsPerSec: e.inputRowsPerSecond,
    processedRowsPerSec: e.processedRowsPerSecond,
    batchDurationMs: Math.round(e.batchDuration),
    offsetsBehind: BigInt(e.sources.reduce((n, s) => n + offsetsBehind(s), 0)),
    watermark: watermark && Number.isFinite(watermark.getTime()) ? watermark : null,
    stateRows: BigInt(e.stateOperators.reduce((n, s) => n + (Number(s.numRowsTotal) || 0), 0)),
  };
}

/** What the driver runs: the stored spec with the Kafka address, the group prefix and the credentials. */
function driverSpec(p: JobPass) {
  const { job, kafka, deps } = p;
  const spec = job.spec as unknown as JobSpecStored;
  // A SASL_SSL cluster's clients trust its CA (given inline: ssl.truststore.certificates).
  const kafkaOpts = kafka?.bootstrapServers
    ? {
        bootstrap: kafka.bootstrapServers,
        ...(kafka.securityProtocol === "SASL_SSL" && kafka.caCertPem
          ? { securityProtocol: "SASL_SSL" as const, caPem: kafka.caCertPem }
          : {}),
      }
    : undefined;
  const base = { jobId: job.id, name: job.name, groupIdPrefix: jobGroupPrefix(job.id) };
  let run: JobRun;
  switch (spec.kind) {
    case "streaming-sql":
      run = { ...spec, ...base, kafka: kafkaOpts! };
      break;
    case "batch-sql": {
      const { from, to, ...s } = spec;
      run = {
        ...s,
        ...base,
        kafka: kafkaOpts!,
        ...(from ? { startingTimestamp: Date.parse(from) } : {}),
        ...(to ? { endingTimestamp: Date.parse(to) } : {}),
        previewRows: BATCH_PREVIEW_ROWS,
        formats: ["csv", "json"],
      };
      break;
    }
    case "pyspark-script":
      run = {
        kind: "pyspark-script",
        ...base,
        ...(kafkaOpts ? { kafka: kafkaOpts } : {}),
        args: spec.args,
        scriptSource: spec.script,
      };
  }
  const sink = job.sinkSecretEncrypted
    ? (JSON.parse(decryptSecret(job.sinkSecretEncrypted, deps.secretKey)) as { user?: string; password?: string })
    : null;
  return {
    computeClusterId: job.computeClusterId,
    jobId: job.id,
    attempt: job.attempt,
    master: job.computeCluster.masterUrl!,
    cores: job.cores,
    driverMemoryMb: job.driverMemoryMb,
    executorMemoryMb: job.executorMemoryMb,
    uiPort: job.uiPort!,
    run,
    credentials: {
      ...(job.kafkaUsername && job.kafkaPasswordEncrypted
        ? { username: job.kafkaUsername, password: decryptSecret(job.kafkaPasswordEncrypted, deps.secretKey) }
        : {}),
      ...(sink ? { jdbcUser: sink.user, jdbcPassword: sink.password } : {}),
    },
  };
}

// ---------------------------------------------------------------- the reconciler

export function jobReconciler(deps: JobReconcilerDeps): Reconciler {
  return {
    kind: "Job",
    async listIds(db) {
      return (await db.job.findMany({ select: { id: true } })).map((r) => r.id);
    },
    async readStatus(db, id) {
      const row = await db.job.findUnique({ where: { id } });
      return row && { ...row, conditions: asConditions(row.conditions) };
    },
    async writeStatus(db, id, patch) {
      const data = statusUpdate(patch);
      await db.job.updateMany({
        where: statusWhere(id, patch),
        data: { ...data, status: patch.status as JobRow["status"] | undefined },
      });
    },

    async reconcile(ctx) {
      const job = await loadJob(ctx.db, ctx.id);
      if (!job) return { status: ctx.current.status, statusReason: ctx.current.statusReason };
      const onKubernetes = job.computeCluster.runtime === "kubernetes";
      if (onKubernetes && !deps.kubernetes) {
        throw new ReconcileError(
          "NoKubernetesDriver",
          "The job's compute cluster runs on Kubernetes but this controller has no Kubernetes driver: start it with WEIR_RUNTIME=kubernetes (and WEIR_KUBECONFIG outside a cluster).",
        );
      }
      const pass: JobPass = {
        ...ctx,
        deps,
        job,
        kafka: await loadKafka(ctx.db, job),
        observed: undefined,
        events: [],
        end: null,
        declarative: onKubernetes ? deps.kubernetes : undefined,
        app: null,
      };
      await observe(pass);
      return runPipeline(pass, onKubernetes ? declarativeSteps : steps);
    },
  };
}
