// ConnectCluster: N Kafka Connect distributed workers attached to one Weir Kafka cluster, the
// third kind of managed instance on the runtime core: the same supervisor (through the Connect
// driver), port lease, instance policy, run intervals and step pipeline. A pass:
//   delete-if-asked → stay-failed → wait-for-kafka → internal-topics → wait-for-access
//   → worker-rows → keep-workers-running → observe-rest → remove-leaving → record-workers
//   → announce-running → status
// The internal topics are Topic rows (the Topic reconciler creates them in Kafka) and the
// workers' Kafka user and ACLs are KafkaUser/Acl rows written by the API: this reconciler waits
// for them, as a job waits for its user. Health comes from each worker's REST API, never from logs.
import { randomUUID } from "node:crypto";
import type { ConnectWorkerModel, Db } from "@weir/db";
import {
  asConditions,
  CONNECT_INTERNAL_TOPIC_CONFIGS,
  connectReplicationFactor,
  connectWorkerName,
  decryptSecret,
  isServing,
  notifyReconcile,
} from "@weir/domain";
import { CONNECT_INTERNAL_PARTITIONS, ConnectRestClient, type ObservedInstance } from "@weir/runtime";
import type { LocalConnectRuntime } from "@weir/runtime/local";
import {
  closeRunIntervals,
  defaultInstancePolicy,
  failStart,
  keepInstancesRunning,
  removeInstances,
  syncRunIntervals,
  type InstanceRow,
} from "../../framework/instances.ts";
import { runPipeline, stayFailed, step, type Step } from "../../framework/pipeline.ts";
import { leasePorts, releasePorts } from "../../framework/ports.ts";
import {
  ReconcileError,
  statusStore,
  type EventInput,
  type Reconciler,
  type ReconcileOutcome,
  type StatusRecord,
} from "../../framework/types.ts";
import { plural } from "../kafka-cluster/status.ts";
import { connectProgress, connectStatus, isReady, waiting, workerStatus, type ConnectObservation } from "./status.ts";

/** How long one pass waits for a starting worker's REST API to answer. */
const REST_WAIT_MS = 5000;
const workerPolicy = defaultInstancePolicy("Worker");

/** What the reconciler needs of the Connect driver (LocalConnectRuntime). */
export type ConnectWorkerDriver = Pick<
  LocalConnectRuntime,
  | "ensureWorker"
  | "stopWorker"
  | "removeWorker"
  | "secretsDir"
  | "pluginPath"
  | "observe"
  | "logTail"
  | "onExit"
  | "deleteGroup"
>;

export interface ConnectClusterReconcilerDeps {
  runtime: ConnectWorkerDriver;
  /** Decrypts the workers' Kafka password. */
  secretKey: string;
}

type ClusterRow = NonNullable<Awaited<ReturnType<typeof loadCluster>>>;
type KafkaRow = NonNullable<ClusterRow["kafkaCluster"]>;

export interface ConnectPass {
  db: Db;
  id: string;
  current: StatusRecord;
  event(e: EventInput): Promise<void>;
  deps: ConnectClusterReconcilerDeps;
  cluster: ClusterRow;
  kafka?: KafkaRow;
  firstRun: boolean;
  replicationFactor: number;
  leaving: Set<number>;
  adding: number;
  observed: Map<string, ObservedInstance>;
  /** Workers whose REST API answered in this pass. */
  ready: Set<number>;
}

const loadCluster = (db: Db, id: string) =>
  db.connectCluster.findUnique({
    where: { id },
    include: { workers: { orderBy: { index: "asc" } }, kafkaCluster: true },
  });

const rowOf = (w: ConnectWorkerModel): InstanceRow => ({
  ...w,
  name: connectWorkerName(w.index),
  label: `worker ${w.index}`,
});

const restUrl = (w: { host: string; restPort: number }) => `http://${w.host}:${w.restPort}`;

const internalTopics = (c: ClusterRow) => [
  { name: c.configTopic, partitions: CONNECT_INTERNAL_PARTITIONS.config, configs: CONNECT_INTERNAL_TOPIC_CONFIGS },
  { name: c.offsetTopic, partitions: CONNECT_INTERNAL_PARTITIONS.offset, configs: CONNECT_INTERNAL_TOPIC_CONFIGS },
  { name: c.statusTopic, partitions: CONNECT_INTERNAL_PARTITIONS.status, configs: CONNECT_INTERNAL_TOPIC_CONFIGS },
];

const staying = (p: ConnectPass) => p.cluster.workers.filter((w) => !p.leaving.has(w.index));

async function observe(p: ConnectPass): Promise<void> {
  const names = p.cluster.workers.map((w) => connectWorkerName(w.index));
  p.observed = new Map((await p.deps.runtime.observe(p.cluster.id, names)).map((o) => [o.name, o]));
}

/** Marks the Kafka user, ACLs and internal topics DELETING: their reconcilers remove them from Kafka. */
async function removeKafkaAccess(db: Db, c: ClusterRow): Promise<void> {
  if (!c.kafkaClusterId) return;
  const clusterId = c.kafkaClusterId;
  await db.$transaction(async (tx) => {
    const data = { status: "DELETING" as const, generation: { increment: 1 } };
    const users = await tx.kafkaUser.findMany({ where: { clusterId, name: c.kafkaUsername }, select: { id: true } });
    const acls = await tx.acl.findMany({
      where: { clusterId, principal: `User:${c.kafkaUsername}` },
      select: { id: true },
    });
    const topics = await tx.topic.findMany({
      where: { clusterId, name: { in: internalTopics(c).map((t) => t.name) } },
      select: { id: true },
    });
    await tx.kafkaUser.updateMany({ where: { id: { in: users.map((u) => u.id) } }, data });
    await tx.acl.updateMany({ where: { id: { in: acls.map((a) => a.id) } }, data });
    await tx.topic.updateMany({ where: { id: { in: topics.map((t) => t.id) } }, data });
    for (const u of users) await notifyReconcile(tx, "KafkaUser", u.id);
    for (const a of acls) await notifyReconcile(tx, "Acl", a.id);
    for (const t of topics) await notifyReconcile(tx, "Topic", t.id);
  });
}

// ---------------------------------------------------------------- steps

// Connectors go first (the API marked them DELETING; the Connector reconciler removes each one's
// Kafka user, ACLs and secrets), then the workers, then the cluster's own Kafka user, ACLs and
// internal topics.
const deleteIfAsked = step<ConnectPass>("delete-if-asked", async (p) => {
  const { db, cluster } = p;
  if (cluster.status !== "DELETING") return;
  const connectors = await db.connector.count({ where: { connectClusterId: cluster.id } });
  if (connectors > 0) {
    return {
      status: "DELETING",
      statusReason: `Waiting for ${plural(connectors, "connector")} to be deleted`,
      requeueAfterMs: 1000,
    };
  }
  await removeInstances(
    db,
    p.deps.runtime,
    cluster.id,
    cluster.workers.map((w) => w.id),
  );
  await removeKafkaAccess(db, cluster);
  await p.event({
    type: "NORMAL",
    reason: "Deleted",
    message: `Stopped ${plural(cluster.workers.length, "worker")}, deleted their data and secrets, and removed the Kafka user ${cluster.kafkaUsername}, its ACLs and the internal topics.`,
  });
  await db.connectCluster.deleteMany({ where: { id: cluster.id } });
  return { status: "DELETING", statusReason: "Deleted" };
});

const waitForKafka = step<ConnectPass>("wait-for-kafka", async (p) => {
  const k = p.cluster.kafkaCluster;
  // Its Kafka cluster was deleted: nothing is left to connect to, so no worker is left running.
  if (!k) {
    const { db, cluster, deps } = p;
    await Promise.all(cluster.workers.map((w) => deps.runtime.stopWorker(cluster.id, connectWorkerName(w.index))));
    await closeRunIntervals(
      db,
      cluster.workers.map((w) => w.id),
    );
    await db.connectWorker.updateMany({
      where: { connectClusterId: cluster.id },
      data: { status: "FAILED", pid: null },
    });
    const reason =
      "The Kafka cluster this Connect cluster attached to was deleted; its workers are stopped. Delete it.";
    await p.event({ type: "WARNING", reason: "KafkaClusterDeleted", message: reason });
    return {
      status: "FAILED",
      statusReason: reason,
      conditions: [{ type: "Ready", status: "False", reason: "KafkaClusterDeleted", message: reason }],
    };
  }
  if (!isServing("KafkaCluster", k.status) || !k.bootstrapServers) {
    return waiting(
      `Waiting for Kafka cluster ${k.name} to serve (it is ${k.status.toLowerCase()})`,
      p.firstRun,
      p.current.status,
    );
  }
  p.kafka = k;
  p.replicationFactor = connectReplicationFactor(k.brokerCount);
});

// The internal topics are compacted Topic rows Weir manages (config 1 partition, offsets 25,
// status 5), created with as many replicas as the cluster allows up to 3.
const ensureInternalTopics = step<ConnectPass>("internal-topics", async (p) => {
  const { db, cluster, kafka } = p;
  const wanted = internalTopics(cluster);
  let rows = await db.topic.findMany({ where: { clusterId: kafka!.id, name: { in: wanted.map((t) => t.name) } } });
  const missing = wanted.filter((t) => !rows.some((r) => r.name === t.name));
  if (missing.length > 0) {
    await db.$transaction(async (tx) => {
      for (const t of missing) {
        const row = await tx.topic.create({
          data: {
            clusterId: kafka!.id,
            name: t.name,
            partitions: t.partitions,
            replicationFactor: p.replicationFactor,
            configs: t.configs,
            statusReason: "Waiting for the controller",
          },
        });
        await notifyReconcile(tx, "Topic", row.id);
      }
    });
    rows = await db.topic.findMany({ where: { clusterId: kafka!.id, name: { in: wanted.map((t) => t.name) } } });
  }
  const pending = rows.filter((r) => r.status !== "READY");
  if (pending.length > 0) {
    return waiting(
      `Creating the internal topics: ${pending.map((r) => `${r.name} (${r.statusReason})`).join(", ")}`,
      p.firstRun,
      p.current.status,
    );
  }
  p.replicationFactor = rows[0]!.replicationFactor;
});

// The workers' Kafka user and its ACLs must be in Kafka before a worker connects as that user.
const waitForAccess = step<ConnectPass>("wait-for-access", async (p) => {
  const { db, cluster, kafka } = p;
  const user = await db.kafkaUser.findFirst({ where: { clusterId: kafka!.id, name: cluster.kafkaUsername } });
  if (!user) {
    throw new ReconcileError(
      "KafkaUserMissing",
      `The workers' Kafka user ${cluster.kafkaUsername} is gone from the Kafka cluster; delete the Connect cluster and create it again.`,
      "user",
    );
  }
  if (user.status !== "READY") {
    return waiting(
      `Waiting for Kafka to hold the workers' user ${user.name} (${user.statusReason})`,
      p.firstRun,
      p.current.status,
    );
  }
  const acls = await db.acl.findMany({ where: { clusterId: kafka!.id, principal: `User:${cluster.kafkaUsername}` } });
  const pending = acls.filter((a) => a.status !== "READY");
  if (pending.length > 0) {
    const a = pending[0]!;
    return waiting(
      `Waiting for ${pending.length} of the workers' ${acls.length} ACLs (${a.operation} on ${a.resourceType.toLowerCase()} ${a.resourceName}: ${a.statusReason})`,
      p.firstRun,
      p.current.status,
    );
  }
});

// A row per worker with its REST and metrics ports from the lease; new workers get fresh indexes,
// the highest indexes leave first. A worker from before metrics gets its port now (used at its
// next start).
const ensureWorkerRows = step<ConnectPass>("worker-rows", async (p) => {
  const { db, cluster } = p;
  const workers = cluster.workers;
  p.leaving = new Set(workers.slice(cluster.workerCount).map((w) => w.index));
  const unmetered = workers.filter((w) => w.metricsPort === null && !p.leaving.has(w.index));
  if (unmetered.length > 0) {
    const leased = await leasePorts(
      db,
      unmetered.map((w) => ({ ownerKind: "ConnectCluster", ownerId: w.id, purposes: ["metrics"] })),
    );
    for (const [i, w] of unmetered.entries()) {
      await db.connectWorker.updateMany({ where: { id: w.id }, data: { metricsPort: leased[i]![0]! } });
    }
  }
  const missing = Math.max(0, cluster.workerCount - workers.length);
  if (missing === 0) {
    if (unmetered.length > 0) p.cluster = (await loadCluster(db, cluster.id))!;
    return;
  }
  const maxIndex = Math.max(0, ...workers.map((w) => w.index));
  const add = Array.from({ length: missing }, (_, i) => ({ id: randomUUID(), index: maxIndex + i + 1 }));
  const ports = await leasePorts(
    db,
    add.map((w) => ({ ownerKind: "ConnectCluster", ownerId: w.id, purposes: ["rest", "metrics"] })),
  );
  await db.connectWorker.createMany({
    data: add.map((w, i) => ({
      ...w,
      connectClusterId: cluster.id,
      restPort: ports[i]![0]!,
      metricsPort: ports[i]![1]!,
      statusReason: "Waiting to start",
    })),
    skipDuplicates: true,
  });
  p.adding = add.length;
  if (workers.length > 0) {
    await p.event({
      type: "NORMAL",
      reason: "ScalingOut",
      message: `Adding ${plural(add.length, "worker")} to reach ${plural(cluster.workerCount, "worker")}.`,
    });
  }
  p.cluster = (await loadCluster(db, cluster.id))!;
});

const keepWorkersRunning = step<ConnectPass>("keep-workers-running", async (p) => {
  const { db, cluster, deps } = p;
  await observe(p);
  const pluginPath = deps.runtime.pluginPath();
  const password = decryptSecret(cluster.kafkaPasswordEncrypted, deps.secretKey);
  const secretsDir = deps.runtime.secretsDir(cluster.id);
  const byName = new Map(cluster.workers.map((w) => [connectWorkerName(w.index), w]));
  const result = await keepInstancesRunning({
    policy: workerPolicy,
    rows: staying(p).map(rowOf),
    observed: p.observed,
    firstRun: p.firstRun,
    start: async (row) => {
      const w = byName.get(row.name)!;
      const r = await deps.runtime.ensureWorker({
        clusterId: cluster.id,
        workerId: row.name,
        metricsPort: w.metricsPort,
        input: {
          clusterId: cluster.id,
          groupId: cluster.groupId,
          bootstrapServers: p.kafka!.bootstrapServers!,
          username: cluster.kafkaUsername,
          password,
          protocol: p.kafka!.securityProtocol === "SASL_SSL" ? "SASL_SSL" : "SASL_PLAINTEXT",
          caPem: p.kafka!.caCertPem,
          restPort: w.restPort,
          configTopic: cluster.configTopic,
          offsetTopic: cluster.offsetTopic,
          statusTopic: cluster.statusTopic,
          replicationFactor: p.replicationFactor,
          pluginPath,
          secretsDir,
        },
      });
      return { pid: r.pid, outcome: r.adopted ? "adopted" : "started" };
    },
    logTail: (row) => deps.runtime.logTail(cluster.id, row.name, 300),
    update: async (id, patch) => {
      await db.connectWorker.updateMany({ where: { id }, data: patch });
    },
    event: p.event,
  });
  const fatal = result.failures.filter((f) => p.firstRun || f.kind === "setup");
  if (fatal.length > 0) return failCluster(p, fatal.map((f) => f.message).join("; "));
  if (result.startedNow.size > 0) await observe(p);
});

// A worker answers once its REST API does (Connect opens it after joining the group); a worker
// just started is given a few seconds in this pass.
const observeRest = step<ConnectPass>("observe-rest", async (p) => {
  const until = Date.now() + REST_WAIT_MS;
  await Promise.all(
    staying(p).map(async (w) => {
      const client = new ConnectRestClient(restUrl(w));
      for (;;) {
        if (!p.observed.get(connectWorkerName(w.index))?.running) return;
        if (await client.ready().catch(() => false)) {
          p.ready.add(w.index);
          return;
        }
        if (Date.now() > until) return;
        await new Promise((r) => setTimeout(r, 250));
      }
    }),
  );
});

// Scale-in: the highest workers are stopped (SIGTERM: the worker leaves its group and Connect
// moves its connectors and tasks to the others), their rows and ports given back.
const removeLeaving = step<ConnectPass>("remove-leaving", async (p) => {
  const { db, cluster, deps } = p;
  const leaving = cluster.workers.filter((w) => p.leaving.has(w.index));
  if (leaving.length === 0) return;
  for (const w of leaving) {
    await closeRunIntervals(db, [w.id]);
    await deps.runtime.removeWorker(cluster.id, connectWorkerName(w.index));
    await db.connectWorker.deleteMany({ where: { id: w.id } });
    await releasePorts(db, [w.id]);
    p.observed.delete(connectWorkerName(w.index));
  }
  p.cluster = { ...cluster, workers: cluster.workers.filter((w) => !p.leaving.has(w.index)) };
  p.leaving.clear();
  await p.event({
    type: "NORMAL",
    reason: "WorkerRemoved",
    message: `Stopped ${leaving.map((w) => `worker ${w.index}`).join(", ")}; Connect rebalances their tasks over the other workers.`,
  });
});

const recordWorkers = step<ConnectPass>("record-workers", async (p) => {
  const { db, cluster } = p;
  const obs = observation(p);
  await Promise.all(
    cluster.workers.map(async (w) => {
      const o = obs.workers.find((x) => x.index === w.index)!;
      const next = workerStatus(o, p.firstRun);
      const pid = p.observed.get(connectWorkerName(w.index))?.pid ?? null;
      if (w.status === next.status && w.statusReason === next.statusReason && w.pid === pid) return;
      await db.connectWorker.updateMany({ where: { id: w.id }, data: { ...next, pid } });
    }),
  );
  await syncRunIntervals(
    db,
    { orgId: cluster.orgId, resourceKind: "ConnectCluster", resourceId: cluster.id, resourceName: cluster.name },
    cluster.workers.map((w) => {
      const o = p.observed.get(connectWorkerName(w.index));
      return {
        instanceId: w.id,
        running: !!o?.running,
        startedAt: o?.startedAt ?? null,
        meters: [{ dimension: "CONNECT_WORKER_HOURS" as const, sku: cluster.workerInstanceType, quantity: 1 }],
      };
    }),
  );
  const progress = connectProgress(obs, 2);
  if (progress.done !== cluster.progressDone || progress.total !== cluster.progressTotal) {
    await db.connectCluster.updateMany({
      where: { id: cluster.id },
      data: { progressDone: progress.done, progressTotal: progress.total },
    });
  }
});

const announceRunning = step<ConnectPass>("announce-running", async (p) => {
  const obs = observation(p);
  if (!isReady(obs)) return;
  const workers = plural(p.cluster.workers.length, "worker");
  if (p.firstRun) {
    await p.event({
      type: "NORMAL",
      reason: "ClusterRunning",
      message: `${workers} answering in group ${p.cluster.groupId} on Kafka cluster ${p.kafka!.name}.`,
    });
  } else if (obs.scaling) {
    await p.event({ type: "NORMAL", reason: "Scaled", message: `Scaled to ${workers}; every one answers.` });
  }
});

const status = step<ConnectPass>("status", async (p) => connectStatus(observation(p)));

const steps: Step<ConnectPass>[] = [
  deleteIfAsked,
  stayFailed<ConnectPass>(),
  waitForKafka,
  ensureInternalTopics,
  waitForAccess,
  ensureWorkerRows,
  keepWorkersRunning,
  observeRest,
  removeLeaving,
  recordWorkers,
  announceRunning,
  status,
];

// ---------------------------------------------------------------- helpers

/** Nothing half-running: stop what did start so no process runs unmanaged. */
async function failCluster(p: ConnectPass, why: string): Promise<ReconcileOutcome> {
  const { db, cluster, deps } = p;
  const outcome = await failStart(db, p.event, {
    what: "Connect cluster",
    why,
    instanceIds: cluster.workers.map((w) => w.id),
    stopAll: () =>
      Promise.all(cluster.workers.map((w) => deps.runtime.stopWorker(cluster.id, connectWorkerName(w.index)))),
  });
  await db.connectWorker.updateMany({ where: { connectClusterId: cluster.id }, data: { status: "FAILED", pid: null } });
  return outcome;
}

function observation(p: ConnectPass): ConnectObservation {
  const { cluster } = p;
  const scaled = asConditions(cluster.conditions).find((c) => c.type === "Scaled");
  return {
    firstRun: p.firstRun,
    workerCount: cluster.workerCount,
    workers: cluster.workers.map((w) => {
      const o = p.observed.get(connectWorkerName(w.index));
      return {
        index: w.index,
        running: !!o?.running,
        ready: p.ready.has(w.index),
        leaving: p.leaving.has(w.index),
        lastExit: o?.lastExit ?? null,
      };
    }),
    scaling:
      p.leaving.size > 0 ||
      p.adding > 0 ||
      (cluster.generation > 1 && scaled?.observedGeneration !== cluster.generation),
  };
}

// ---------------------------------------------------------------- the reconciler

export function connectClusterReconciler(deps: ConnectClusterReconcilerDeps): Reconciler {
  return {
    kind: "ConnectCluster",
    ...statusStore((db) => db.connectCluster),

    async reconcile(ctx) {
      const cluster = await loadCluster(ctx.db, ctx.id);
      if (!cluster) return { status: ctx.current.status, statusReason: ctx.current.statusReason };
      const pass: ConnectPass = {
        ...ctx,
        deps,
        cluster,
        firstRun: cluster.status === "PROVISIONING",
        replicationFactor: 1,
        leaving: new Set(),
        adding: 0,
        observed: new Map(),
        ready: new Set(),
      };
      return runPipeline(pass, steps);
    },
  };
}
