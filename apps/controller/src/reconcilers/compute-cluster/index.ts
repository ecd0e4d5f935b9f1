// ComputeCluster: a Spark standalone cluster (one master, N workers) as managed instances, the
// second user of the runtime core after Kafka: the same supervisor (through the engine driver),
// port lease, instance policy, run intervals and step pipeline. A pass:
//   delete-if-asked → stay-failed → node-rows → keep-master-running → observe-master
//   → keep-workers-running → keep-connect-running → decommission-leaving → record-nodes
//   → announce-running → status
// Health comes from the master's /json/, never from logs; the status is a pure function of it.
// The Spark Connect server (role "connect", the SQL workspace) is a third kind of node: started
// once the master is ALIVE, restarted with the same back-off, but never part of the cluster's
// own status: the cluster is RUNNING when the master and workers are, and the connect node has
// its status of its own (RUNNING once its gRPC port answers), which the workspace API reports.
//
// A compute cluster whose runtime is "kubernetes" has no processes: it is a namespace with a
// ResourceQuota (its plan: workers × the instance type) and a LimitRange, where the Spark Operator
// runs its jobs. A pass:  delete-if-asked → stay-failed → apply-quota → observe-quota → status
import { randomUUID } from "node:crypto";
import net from "node:net";
import type { ComputeNodeModel, Db } from "@weir/db";
import { KubernetesRejectedError, type KubernetesComputeRuntime, type ObservedComputeCluster } from "@weir/runtime/k8s";
import { asConditions } from "@weir/domain";
import {
  CONNECT,
  CONNECT_CORES,
  CONNECT_EXECUTOR_MEMORY_MB,
  MASTER,
  findWorker,
  workerName,
  workerResources,
  type EngineRuntime,
  type MasterState,
  type ObservedInstance,
  type SparkClusterSpec,
  type SparkNodeSpec,
} from "@weir/runtime";
import {
  closeRunIntervals,
  defaultInstancePolicy,
  failStart,
  removeInstances,
  keepInstancesRunning,
  syncRunIntervals,
  type InstanceRow,
  type InstancePolicy,
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
import {
  computeProgress,
  computeStatus,
  connectStatus,
  isReady,
  masterStatus,
  workerStatus,
  type ComputeObservation,
} from "./status.ts";

/** How long one pass waits for a starting master to say ALIVE. */
const MASTER_WAIT_MS = 3000;
/** How long one pass waits for the connect server's gRPC port to accept a connection. */
const CONNECT_PROBE_MS = 1000;
/** A leaving worker still running executors is stopped anyway after this long. */
const DECOMMISSION_GRACE_MS = 60_000;
const NODE_PORTS = ["rpc", "ui"];
const masterPolicy = defaultInstancePolicy("Master");
const workerPolicy = defaultInstancePolicy("Worker");
const connectPolicy = defaultInstancePolicy("ConnectServer");

type ClusterWithNodes = NonNullable<Awaited<ReturnType<typeof loadCluster>>>;

export interface ComputePass {
  db: Db;
  id: string;
  current: StatusRecord;
  event(e: EventInput): Promise<void>;
  runtime: EngineRuntime;
  cluster: ClusterWithNodes;
  firstRun: boolean;
  /** Set by the node-rows step. */
  spec?: SparkClusterSpec;
  /** Worker indexes being removed. */
  leaving: Set<number>;
  adding: number;
  observed: Map<string, ObservedInstance>;
  master: MasterState | null;
  /** The connect server's gRPC port accepted a connection in this pass. */
  connectAnswers: boolean;
  uiProxyPrefix?: string;
}

export interface ComputeReconcilerDeps {
  runtime: EngineRuntime;
  /** Runs the compute clusters whose runtime is "kubernetes" (a namespace with a quota). */
  kubernetes?: KubernetesComputeRuntime;
  /** Where the console serves a compute cluster's Spark UI (its id is appended). */
  uiProxyPrefix?: string;
}

const loadCluster = (db: Db, id: string) =>
  db.computeCluster.findUnique({ where: { id }, include: { nodes: { orderBy: [{ role: "asc" }, { index: "asc" }] } } });

const nameOf = (n: ComputeNodeModel) =>
  n.role === "master" ? MASTER : n.role === "connect" ? CONNECT : workerName(n.index);
const workersOf = (c: ClusterWithNodes) => c.nodes.filter((n) => n.role === "worker");
const masterOf = (c: ClusterWithNodes) => c.nodes.find((n) => n.role === "master");
const connectOf = (c: ClusterWithNodes) => c.nodes.find((n) => n.role === "connect");

const rowOf = (n: ComputeNodeModel): InstanceRow => ({
  ...n,
  name: nameOf(n),
  label: n.role === "master" ? "the master" : n.role === "connect" ? "the SQL workspace server" : `worker ${n.index}`,
});

// ---------------------------------------------------------------- steps

const deleteIfAsked = step<ComputePass>("delete-if-asked", async ({ db, cluster, runtime, event }) => {
  if (cluster.status !== "DELETING") return;
  // Jobs are deleted first (the API marked them), each with its Kafka user and ACLs.
  const jobs = await db.job.count({ where: { computeClusterId: cluster.id } });
  if (jobs > 0) {
    return {
      status: "DELETING",
      statusReason: `Waiting for ${plural(jobs, "job")} to be deleted`,
      requeueAfterMs: 1000,
    };
  }
  await removeInstances(
    db,
    runtime,
    cluster.id,
    cluster.nodes.map((n) => n.id),
  );
  await event({
    type: "NORMAL",
    reason: "Deleted",
    message: `Stopped the master, ${plural(workersOf(cluster).length, "worker")} and the SQL workspace server and deleted their data.`,
  });
  await db.computeCluster.deleteMany({ where: { id: cluster.id } });
  return { status: "DELETING", statusReason: "Deleted" };
});

// A row per node with ports from the lease; workers added with fresh indexes, the highest
// indexes leave first. The spec is built from the rows.
const ensureNodeRows = step<ComputePass>("node-rows", async (pass) => {
  const { db, cluster } = pass;
  const workers = workersOf(cluster);
  const staying = workers.slice(0, cluster.workerCount);
  pass.leaving = new Set(workers.slice(cluster.workerCount).map((w) => w.index));
  const price = await db.price.findFirst({
    where: { sku: cluster.workerInstanceType },
    orderBy: { version: { effectiveFrom: "desc" } },
  });
  const resources = workerResources({ vcpu: price?.vcpu ?? 1, memoryGib: Number(price?.memoryGib ?? 2) });
  const maxIndex = Math.max(0, ...workers.map((w) => w.index));
  const add = [
    ...(masterOf(cluster) ? [] : [{ role: "master", index: 0, cores: 0, memoryMb: 0 }]),
    ...(connectOf(cluster)
      ? []
      : [{ role: "connect", index: 0, cores: CONNECT_CORES, memoryMb: CONNECT_EXECUTOR_MEMORY_MB }]),
    ...Array.from({ length: Math.max(0, cluster.workerCount - staying.length) }, (_, i) => ({
      role: "worker",
      index: maxIndex + i + 1,
      ...resources,
    })),
  ].map((n) => ({ ...n, id: randomUUID() }));
  pass.adding = add.filter((n) => n.role === "worker").length;
  if (add.length > 0) {
    const ports = await leasePorts(
      db,
      add.map((n) => ({ ownerKind: "ComputeCluster", ownerId: n.id, purposes: NODE_PORTS })),
    );
    await db.computeNode.createMany({
      data: add.map((n, i) => ({
        ...n,
        computeClusterId: cluster.id,
        port: ports[i]![0]!,
        uiPort: ports[i]![1]!,
        statusReason: "Waiting to start",
      })),
      skipDuplicates: true,
    });
    if (workers.length > 0 && pass.adding > 0) {
      await pass.event({
        type: "NORMAL",
        reason: "ScalingOut",
        message: `Adding ${plural(pass.adding, "worker")} to reach ${plural(cluster.workerCount, "worker")}.`,
      });
    }
    pass.cluster = (await loadCluster(db, cluster.id))!;
  }
  pass.spec = specOf(pass.cluster, pass.uiProxyPrefix);
});

/**
 * Instance policy for a set of nodes; a setup fault, or a crash loop on first start of a node the
 * cluster needs (`critical`), fails the cluster. A crash-looping connect server is only restarted
 * with back-off: the cluster serves jobs without it.
 */
async function keepRunning(pass: ComputePass, rows: ComputeNodeModel[], policy: InstancePolicy, critical = true) {
  const { db, runtime, cluster, spec } = pass;
  const names = cluster.nodes.map(nameOf);
  pass.observed = new Map((await runtime.observe(cluster.id, names)).map((o) => [o.name, o]));
  const result = await keepInstancesRunning({
    policy,
    rows: rows.map(rowOf),
    observed: pass.observed,
    firstRun: critical && pass.firstRun,
    start: (row) => runtime.ensureNode(spec!, row.name),
    logTail: (row) => runtime.logTail(cluster.id, row.name, 300),
    update: async (id, patch) => {
      await db.computeNode.updateMany({ where: { id }, data: patch });
    },
    event: pass.event,
  });
  const fatal = result.failures.filter((f) => (critical && pass.firstRun) || f.kind === "setup");
  if (fatal.length > 0) return failCluster(pass, fatal.map((f) => f.message).join("; "));
  if (result.startedNow.size > 0) {
    pass.observed = new Map((await runtime.observe(cluster.id, names)).map((o) => [o.name, o]));
  }
}

const keepMasterRunning = step<ComputePass>("keep-master-running", (pass) =>
  keepRunning(pass, [masterOf(pass.cluster)!], masterPolicy),
);

// A master that runs but is not ALIVE yet usually is within a second or two: wait for it here,
// so the workers start the moment it is, not a pass later.
const observeMaster = step<ComputePass>("observe-master", async (pass) => {
  const until = Date.now() + MASTER_WAIT_MS;
  pass.master = await pass.runtime.masterState(pass.spec!);
  while (pass.master?.status !== "ALIVE" && pass.observed.get(MASTER)?.running && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    pass.master = await pass.runtime.masterState(pass.spec!);
  }
});

// Workers start once the master's /json/ says ALIVE (earlier, they miss it and wait to retry).
const keepWorkersRunning = step<ComputePass>("keep-workers-running", async (pass) => {
  if (pass.master?.status !== "ALIVE") return;
  return keepRunning(
    pass,
    workersOf(pass.cluster).filter((w) => !pass.leaving.has(w.index)),
    workerPolicy,
  );
});

// The connect server starts once the master is ALIVE (a driver started earlier gives up on it);
// it answers when its gRPC port accepts a connection.
const keepConnectRunning = step<ComputePass>("keep-connect-running", async (pass) => {
  const connect = connectOf(pass.cluster);
  if (!connect) return;
  if (pass.master?.status === "ALIVE") {
    const outcome = await keepRunning(pass, [connect], connectPolicy, false);
    if (outcome) return outcome;
  }
  pass.connectAnswers =
    !!pass.observed.get(CONNECT)?.running && (await portAnswers(connect.host, connect.port, CONNECT_PROBE_MS));
});

// Scale-in: a leaving worker is asked to decommission (Spark stops placing executors on it and
// lets running ones finish or move), then stopped once it runs no executor, or after a grace.
const decommissionLeaving = step<ComputePass>("decommission-leaving", async (pass) => {
  const { db, runtime, cluster, event } = pass;
  for (const w of workersOf(cluster).filter((x) => pass.leaving.has(x.index))) {
    const name = workerName(w.index);
    const inMaster = findWorker(pass.master, w.host, w.port);
    const running = pass.observed.get(name)?.running ?? false;
    if (running && !w.decommissionAt && (inMaster?.coresUsed ?? 0) > 0) {
      await runtime.decommissionWorker(cluster.id, name);
      await db.computeNode.updateMany({ where: { id: w.id }, data: { decommissionAt: new Date() } });
      await event({
        type: "NORMAL",
        reason: "WorkerDecommissioning",
        message: `Worker ${w.index} runs ${plural(inMaster!.coresUsed, "executor core")}: decommissioning it first.`,
      });
      continue;
    }
    const drained = !running || (inMaster?.coresUsed ?? 0) === 0;
    const overdue = !!w.decommissionAt && Date.now() - w.decommissionAt.getTime() > DECOMMISSION_GRACE_MS;
    if (!drained && !overdue) continue;
    await closeRunIntervals(db, [w.id]);
    await runtime.removeNode(cluster.id, name);
    await db.computeNode.deleteMany({ where: { id: w.id } });
    await releasePorts(db, [w.id]);
    // Gone for the rest of this pass too: no status or run interval is written for it.
    pass.cluster = { ...pass.cluster, nodes: pass.cluster.nodes.filter((n) => n.id !== w.id) };
    pass.leaving.delete(w.index);
    pass.observed.delete(name);
    await event({
      type: "NORMAL",
      reason: "WorkerRemoved",
      message: `Worker ${w.index} ${drained ? "ran no executor" : "did not drain in time"}; stopped and removed it.`,
    });
  }
});

const recordNodes = step<ComputePass>("record-nodes", async (pass) => {
  const { db, cluster } = pass;
  const obs = observation(pass);
  const master = masterOf(cluster)!;
  const writes = [{ row: master, next: masterStatus(obs.master, pass.firstRun) }];
  for (const w of workersOf(cluster)) {
    writes.push({
      row: w,
      next: workerStatus(
        obs.workers.find((x) => x.index === w.index)!,
        pass.firstRun,
      ),
    });
  }
  const connect = connectOf(cluster);
  if (connect && obs.connect) writes.push({ row: connect, next: connectStatus(obs.connect, obs.master.alive) });
  await Promise.all(
    writes.map(async ({ row, next }) => {
      const pid = pass.observed.get(nameOf(row))?.pid ?? null;
      const sparkId = row.role === "worker" ? (findWorker(pass.master, row.host, row.port)?.id ?? row.sparkId) : null;
      if (
        row.status === next.status &&
        row.statusReason === next.statusReason &&
        row.pid === pid &&
        row.sparkId === sparkId
      )
        return;
      await db.computeNode.updateMany({ where: { id: row.id }, data: { ...next, pid, sparkId } });
    }),
  );
  await syncRunIntervals(
    db,
    { orgId: cluster.orgId, resourceKind: "ComputeCluster", resourceId: cluster.id, resourceName: cluster.name },
    workersOf(cluster).map((w) => {
      const o = pass.observed.get(workerName(w.index));
      return {
        instanceId: w.id,
        running: !!o?.running,
        startedAt: o?.startedAt ?? null,
        meters: [{ dimension: "COMPUTE_NODE_HOURS" as const, sku: cluster.workerInstanceType, quantity: 1 }],
      };
    }),
  );
  const progress = computeProgress(obs);
  await db.computeCluster.updateMany({
    where: { id: cluster.id },
    data: {
      masterUrl: `spark://${master.host}:${master.port}`,
      progressDone: progress.done,
      progressTotal: progress.total,
    },
  });
});

// The first time the cluster runs, and the end of a change of worker count (the pass whose
// RUNNING outcome records Scaled at the new generation).
const announceRunning = step<ComputePass>("announce-running", async (pass) => {
  const obs = observation(pass);
  if (!isReady(obs) || pass.leaving.size > 0) return;
  const workers = plural(workersOf(pass.cluster).length, "worker");
  if (pass.firstRun) {
    await pass.event({
      type: "NORMAL",
      reason: "ClusterRunning",
      message: `The master is ALIVE with ${workers}; master URL ${pass.spec!.master.host}:${pass.spec!.master.port}.`,
    });
  } else if (obs.scaling) {
    await pass.event({
      type: "NORMAL",
      reason: "Scaled",
      message: `Scaled to ${workers}; all registered with the master.`,
    });
  }
});

const status = step<ComputePass>("status", async (pass) => computeStatus(observation(pass)));

const steps: Step<ComputePass>[] = [
  deleteIfAsked,
  stayFailed<ComputePass>(),
  ensureNodeRows,
  keepMasterRunning,
  observeMaster,
  keepWorkersRunning,
  keepConnectRunning,
  decommissionLeaving,
  recordNodes,
  announceRunning,
  status,
];

// ---------------------------------------------------------------- declarative (Kubernetes) steps

interface QuotaPass {
  db: Db;
  id: string;
  current: StatusRecord;
  event(e: EventInput): Promise<void>;
  kubernetes: KubernetesComputeRuntime;
  cluster: ClusterWithNodes;
  firstRun: boolean;
  observedQuota?: ObservedComputeCluster;
}

// Jobs go first (the API marked them DELETING); then the namespace with its quota and defaults.
const deleteQuotaIfAsked = step<QuotaPass>("delete-if-asked", async ({ db, cluster, kubernetes, event }) => {
  if (cluster.status !== "DELETING") return;
  const jobs = await db.job.count({ where: { computeClusterId: cluster.id } });
  if (jobs > 0) {
    return {
      status: "DELETING",
      statusReason: `Waiting for ${plural(jobs, "job")} to be deleted`,
      requeueAfterMs: 1000,
    };
  }
  await kubernetes.deleteComputeCluster(cluster.id);
  await event({
    type: "NORMAL",
    reason: "Deleted",
    message: `Deleted its ResourceQuota, LimitRange and namespace ${kubernetes.namespaceOf(cluster.id)}.`,
  });
  await db.computeCluster.deleteMany({ where: { id: cluster.id } });
  return { status: "DELETING", statusReason: "Deleted" };
});

// The plan as a quota: a change of worker count is a change of the quota's hard limits.
const applyQuota = step<QuotaPass>("apply-quota", async (pass) => {
  const { db, cluster } = pass;
  const price = await db.price.findFirst({
    where: { sku: cluster.workerInstanceType },
    orderBy: { version: { effectiveFrom: "desc" } },
  });
  try {
    await pass.kubernetes.applyComputeCluster({
      computeClusterId: cluster.id,
      workers: cluster.workerCount,
      instanceType: { vcpu: price?.vcpu ?? 1, memoryGib: Number(price?.memoryGib ?? 2) },
    });
  } catch (err) {
    if (err instanceof KubernetesRejectedError) throw new ReconcileError("KubernetesRejected", err.message, "user");
    throw err;
  }
});

const observeQuota = step<QuotaPass>("observe-quota", async (pass) => {
  pass.observedQuota = await pass.kubernetes.observeComputeCluster(pass.cluster.id);
});

const quotaStatus = step<QuotaPass>("status", async (pass): Promise<ReconcileOutcome> => {
  const o = pass.observedQuota!;
  const { cluster } = pass;
  if (!o.ready) {
    return {
      status: pass.firstRun ? "PROVISIONING" : "UPDATING",
      statusReason: `Waiting for the ResourceQuota and LimitRange in namespace ${o.namespace}`,
      requeueAfterMs: 2000,
    };
  }
  const hard = o.hard ?? {};
  const reason = `Namespace ${o.namespace}: quota ${hard["requests.cpu"] ?? "?"} cores, ${hard["requests.memory"] ?? "?"} (${plural(cluster.workerCount, "worker")} × ${cluster.workerInstanceType})`;
  if (pass.firstRun) {
    await pass.event({
      type: "NORMAL",
      reason: "ClusterRunning",
      message: `${reason}; jobs run as SparkApplications.`,
    });
  } else if (
    cluster.generation > 1 &&
    asConditions(cluster.conditions).find((c) => c.type === "Scaled")?.observedGeneration !== cluster.generation
  ) {
    await pass.event({ type: "NORMAL", reason: "Scaled", message: `The quota now holds ${reason}.` });
  }
  return {
    status: "RUNNING",
    statusReason: reason,
    conditions: [{ type: "Scaled", status: "True", reason: "QuotaApplied", message: reason }],
  };
});

const quotaSteps: Step<QuotaPass>[] = [
  deleteQuotaIfAsked,
  stayFailed<QuotaPass>(),
  applyQuota,
  observeQuota,
  quotaStatus,
];

// ---------------------------------------------------------------- helpers

/** Nothing half-running: stop what did start so no process runs unmanaged. */
async function failCluster(pass: ComputePass, why: string): Promise<ReconcileOutcome> {
  const { db, cluster } = pass;
  const outcome = await failStart(db, pass.event, {
    what: "compute cluster",
    why,
    instanceIds: cluster.nodes.map((n) => n.id),
    stopAll: () => Promise.all(cluster.nodes.map((n) => pass.runtime.stopNode(cluster.id, nameOf(n)))),
  });
  await db.computeNode.updateMany({ where: { computeClusterId: cluster.id }, data: { status: "FAILED", pid: null } });
  return outcome;
}

function specOf(cluster: ClusterWithNodes, uiProxyPrefix = "/spark-ui"): SparkClusterSpec {
  const node = (n: ComputeNodeModel): SparkNodeSpec => ({
    name: nameOf(n),
    role: n.role === "master" || n.role === "connect" ? n.role : "worker",
    host: n.host,
    port: n.port,
    uiPort: n.uiPort,
    cores: n.cores,
    memoryMb: n.memoryMb,
  });
  return {
    clusterId: cluster.id,
    sparkVersion: cluster.sparkVersion,
    master: node(masterOf(cluster)!),
    workers: workersOf(cluster).map(node),
    ...(connectOf(cluster) ? { connect: node(connectOf(cluster)!) } : {}),
    uiProxyPath: `${uiProxyPrefix}/${cluster.id}`,
  };
}

/** A TCP connection to host:port opens within `ms`. */
function portAnswers(host: string, port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(ms, () => done(false));
    sock.once("connect", () => done(true));
    sock.once("error", () => done(false));
  });
}

function observation(pass: ComputePass): ComputeObservation {
  const { cluster } = pass;
  const m = pass.observed.get(MASTER);
  const scaled = asConditions(cluster.conditions).find((c) => c.type === "Scaled");
  return {
    firstRun: pass.firstRun,
    workerCount: cluster.workerCount,
    master: { running: !!m?.running, alive: pass.master?.status === "ALIVE", lastExit: m?.lastExit ?? null },
    workers: workersOf(cluster).map((w) => {
      const o = pass.observed.get(workerName(w.index));
      return {
        index: w.index,
        running: !!o?.running,
        registered: findWorker(pass.master, w.host, w.port)?.state === "ALIVE",
        leaving: pass.leaving.has(w.index),
        lastExit: o?.lastExit ?? null,
      };
    }),
    connect: connectOf(cluster)
      ? {
          running: !!pass.observed.get(CONNECT)?.running,
          answers: pass.connectAnswers,
          lastExit: pass.observed.get(CONNECT)?.lastExit ?? null,
        }
      : null,
    // A change of worker count is done once a RUNNING pass recorded Scaled at its generation.
    scaling:
      pass.leaving.size > 0 ||
      pass.adding > 0 ||
      (cluster.generation > 1 && scaled?.observedGeneration !== cluster.generation),
  };
}

// ---------------------------------------------------------------- the reconciler

export function computeClusterReconciler(deps: ComputeReconcilerDeps): Reconciler {
  return {
    kind: "ComputeCluster",
    ...statusStore((db) => db.computeCluster),

    async reconcile(ctx) {
      const cluster = await loadCluster(ctx.db, ctx.id);
      if (!cluster) return { status: ctx.current.status, statusReason: ctx.current.statusReason };
      if (cluster.runtime === "kubernetes") {
        // Never run a cluster created for Kubernetes as local processes.
        if (!deps.kubernetes) {
          throw new ReconcileError(
            "NoKubernetesDriver",
            "The compute cluster runs on Kubernetes but this controller has no Kubernetes driver: start it with WEIR_RUNTIME=kubernetes (and WEIR_KUBECONFIG outside a cluster).",
          );
        }
        const quota: QuotaPass = {
          ...ctx,
          kubernetes: deps.kubernetes,
          cluster,
          firstRun: cluster.status === "PROVISIONING",
        };
        return runPipeline(quota, quotaSteps);
      }
      const pass: ComputePass = {
        ...ctx,
        runtime: deps.runtime,
        uiProxyPrefix: deps.uiProxyPrefix,
        cluster,
        firstRun: cluster.status === "PROVISIONING",
        leaving: new Set(),
        adding: 0,
        observed: new Map(),
        master: null,
        connectAnswers: false,
      };
      return runPipeline(pass, steps);
    },
  };
}
