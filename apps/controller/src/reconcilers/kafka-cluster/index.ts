// KafkaCluster: desired state (broker count, instance type, storage) from Postgres, observed
// state from the broker processes (the driver) and from Kafka itself (DescribeCluster and
// Metadata through the Admin protocol). A pass is a pipeline of named, idempotent steps:
//   delete-if-asked → stay-failed → identity → node-rows → certificates (tls.ts) → keep-nodes-running → record-revisions
//   → observe-kafka → record-nodes → watch-storage → announce-running → apply-live-config → scale
//   → roll (restarts, one node at a time, nodes whose config revision changed: roll.ts)
//   → raise-metadata-version (after a Kafka upgrade: upgrade.ts) → status
// A cluster whose runtime is "kubernetes" is handed whole to a declarative driver (Strimzi):
// the same pipeline with the process steps (keep-nodes-running, observe-kafka, scale) replaced
// by apply-resources and observe-resources (Strimzi's Ready condition, node ids, bootstrap
// servers) and forget-removed-nodes; node rows, run intervals and status are shared.
// The status itself is a pure function of the observation (status.ts).
import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "@weir/db";
import { ADMIN_KAFKA_USER, asConditions, decryptSecret, encryptSecret } from "@weir/domain";
import {
  asBrokerConfig,
  defaultReplicationFor,
  initialNodes,
  isBroker,
  kafkaAdmins,
  newKafkaClusterId,
  partitionsSharingZones,
  scaleNodes,
  zoneOf,
  BROKER_SESSION_TIMEOUT_MS,
  type BrokerRuntime,
  type DeclarativeBrokerRuntime,
  type KafkaClusterSpec,
  type NodeRole,
} from "@weir/runtime";
import { KubernetesRejectedError, strimziAdminUsername, strimziPodName } from "@weir/runtime/k8s";
import {
  closeRunIntervals,
  defaultInstancePolicy,
  failStart,
  removeInstances,
  keepInstancesRunning,
  syncRunIntervals,
  type InstanceRow,
} from "../../framework/instances.ts";
import { runPipeline, stayFailed, step, type Step } from "../../framework/pipeline.ts";
import { leasePorts, renewTakenPorts } from "../../framework/ports.ts";
import { ReconcileError, statusStore, type Reconciler, type ReconcileOutcome } from "../../framework/types.ts";
import { applyLiveConfig } from "./live-config.ts";
import { recordRevisions, roll } from "./roll.ts";
import { raiseMetadataVersion, recordVersions } from "./upgrade.ts";
import { scaleStep } from "./scale.ts";
import { certificates } from "./tls.ts";
import { watchStorage } from "./storage.ts";
import { clusterProgress, clusterStatus, isReady, nodeStatus, plural, type ClusterObservation } from "./status.ts";
import type { ClusterPass, ClusterWithBrokers } from "./types.ts";

export const ADMIN_USERNAME = ADMIN_KAFKA_USER;
const policy = defaultInstancePolicy("Broker");
const NODE_PORTS = ["listener", "controller", "metrics"];

export interface ClusterReconcilerDeps {
  runtime: BrokerRuntime;
  /** Runs clusters whose runtime is "kubernetes"; without it such clusters wait with a reason. */
  kubernetes?: DeclarativeBrokerRuntime;
  secretKey: string;
}

const loadCluster = (db: Db, id: string) =>
  db.kafkaCluster.findUnique({ where: { id }, include: { brokers: { orderBy: { nodeId: "asc" } } } });

const rowOf = (b: ClusterWithBrokers["brokers"][number]): InstanceRow => ({
  ...b,
  name: String(b.nodeId),
  label: `node ${b.nodeId}`,
});

// ---------------------------------------------------------------- steps

const deleteIfAsked = step<ClusterPass>("delete-if-asked", async ({ db, cluster, runtime, declarative, event }) => {
  if (cluster.status !== "DELETING") return;
  await kafkaAdmins.close(cluster.id);
  await removeInstances(
    db,
    declarative ?? runtime,
    cluster.id,
    cluster.brokers.map((b) => b.id),
  );
  await event({
    type: "NORMAL",
    reason: "Deleted",
    message: declarative
      ? `Deleted the cluster's Strimzi resources (${plural(cluster.brokers.length, "node")}).`
      : `Stopped ${plural(cluster.brokers.length, "node")} and deleted their data.`,
  });
  await db.kafkaCluster.deleteMany({ where: { id: cluster.id } });
  return { status: "DELETING", statusReason: "Deleted" };
});

// The KRaft cluster id and the admin credential, created once.
const ensureIdentity = step<ClusterPass>("identity", async (pass) => {
  if (pass.cluster.adminPasswordEncrypted && pass.cluster.kafkaClusterId) return;
  pass.cluster = await pass.db.kafkaCluster.update({
    where: { id: pass.id },
    data: {
      // Strimzi names a SCRAM user after its KafkaUser, unique in the namespace clusters share.
      adminUsername: pass.declarative ? strimziAdminUsername(pass.id) : ADMIN_USERNAME,
      adminPasswordEncrypted: encryptSecret(randomBytes(24).toString("base64url"), pass.secretKey),
      kafkaClusterId: newKafkaClusterId(randomBytes(16)),
    },
    include: { brokers: { orderBy: { nodeId: "asc" } } },
  });
});

// One row per node with ports from the lease (kept for the node's life); the spec from the rows.
const ensureNodeRows = step<ClusterPass>("node-rows", async (pass) => {
  const { db, cluster, event } = pass;
  const current = cluster.brokers.map((b) => ({ nodeId: b.nodeId, roles: b.roles as NodeRole }));
  const plan =
    current.length === 0
      ? { add: initialNodes(cluster.brokerCount), remove: [] }
      : scaleNodes(current, Math.max(cluster.brokerCount, 1));
  if (plan.add.length > 0) {
    const rows = plan.add.map((n) => ({ ...n, id: randomUUID() }));
    // A declarative driver's nodes are pods: no host ports, the pod's name as host.
    const ports = pass.declarative
      ? rows.map(() => [null, null, null])
      : await leasePorts(
          db,
          rows.map((r) => ({ ownerKind: "KafkaCluster", ownerId: r.id, purposes: NODE_PORTS })),
        );
    await db.broker.createMany({
      data: rows.map((r, i) => {
        const [port, controllerPort, metricsPort] = ports[i]!;
        return {
          ...r,
          clusterId: pass.id,
          host: pass.declarative ? strimziPodName(pass.id, r.roles, r.nodeId) : "127.0.0.1",
          port,
          controllerPort,
          metricsPort,
          statusReason: "Waiting to start",
        };
      }),
      skipDuplicates: true,
    });
    if (current.length > 0) {
      await event({
        type: "NORMAL",
        reason: "ScalingOut",
        message: `Adding ${plan.add.map((n) => `broker ${n.nodeId}`).join(", ")} to reach ${plural(cluster.brokerCount, "broker")}.`,
      });
    }
    pass.cluster = (await loadCluster(db, pass.id))!;
  }
  if (plan.remove.length > 0 && pass.current.observedGeneration !== pass.current.generation) {
    await event({
      type: "NORMAL",
      reason: "ScalingIn",
      message: `Removing ${plan.remove.map((n) => `broker ${n.nodeId}`).join(", ")} once their partitions have moved.`,
    });
  }
  pass.leaving = new Set(plan.remove.map((n) => n.nodeId));
  pass.adding = plan.add.length;
  if (pass.declarative) return;
  pass.spec = await specOf(db, pass.cluster, decryptSecret(pass.cluster.adminPasswordEncrypted!, pass.secretKey));
  pass.bootstrapServers = bootstrapOf(pass.cluster);
});

// Start (or adopt) every node that should run, with back-off for crashing ones (instance policy).
const keepNodesRunning = step<ClusterPass>("keep-nodes-running", async (pass) => {
  const { db, cluster, runtime, spec } = pass;
  const names = cluster.brokers.map((b) => String(b.nodeId));
  pass.observed = new Map((await runtime.observe(cluster.id, names)).map((o) => [o.name, o]));
  const result = await keepInstancesRunning({
    policy,
    rows: cluster.brokers.filter((b) => !pass.leaving.has(b.nodeId)).map(rowOf),
    observed: pass.observed,
    firstRun: pass.firstRun,
    start: async (row) => {
      if (!pass.observed.get(row.name)?.running) await renewNodePorts(pass, Number(row.name));
      return runtime.ensureNode(spec!, Number(row.name));
    },
    logTail: (row) => runtime.logTail(cluster.id, row.name, 300),
    update: async (id, patch) => {
      await db.broker.updateMany({ where: { id }, data: patch });
    },
    event: pass.event,
  });
  pass.startedNow = result.startedNow;
  const fatal = result.failures.filter((f) => pass.firstRun || f.kind === "setup");
  if (fatal.length > 0) return failCluster(pass, fatal.map((f) => f.message).join("; "));
  // What this pass started runs now; no second look at every process.
  if (result.startedNow.size > 0) {
    pass.observed = new Map((await runtime.observe(cluster.id, names)).map((o) => [o.name, o]));
  }
});

/**
 * A node about to start whose client listener or metrics port another process took since the
 * lease gets fresh ones: recorded on its row, in the spec it starts from (so it advertises the
 * new listener) and in the bootstrap servers. A voter's controller port is fixed (every voter's
 * configuration names it), so a taken one still fails the start with Kafka's reason.
 */
async function renewNodePorts(pass: ClusterPass, nodeId: number): Promise<void> {
  const b = pass.cluster.brokers.find((x) => x.nodeId === nodeId);
  const node = pass.spec?.nodes.find((n) => n.nodeId === nodeId);
  if (!b || !node || !isBroker(b)) return;
  const renewed = await renewTakenPorts(
    pass.db,
    { ownerKind: "KafkaCluster", ownerId: b.id },
    { listener: b.port, metrics: b.metricsPort },
    ["listener", "metrics"],
  );
  if (renewed.length === 0) return;
  const to = Object.fromEntries(renewed.map((r) => [r.purpose, r.to]));
  const patch = { port: to.listener ?? b.port, metricsPort: to.metrics ?? b.metricsPort };
  await pass.db.broker.updateMany({ where: { id: b.id }, data: patch });
  Object.assign(b, patch);
  Object.assign(node, patch);
  pass.bootstrapServers = bootstrapOf(pass.cluster);
  await pass.event({
    type: "WARNING",
    reason: "PortRenewed",
    message: `Broker ${nodeId}: ${renewed.map((r) => `${r.purpose} port ${r.from} was taken by another process, leased ${r.to} instead`).join("; ")}.`,
  });
}

/** Nothing half-running: stop what did start so no process runs unmanaged. */
async function failCluster(pass: ClusterPass, why: string): Promise<ReconcileOutcome> {
  const { db, cluster } = pass;
  const outcome = await failStart(db, pass.event, {
    what: "cluster",
    why,
    instanceIds: cluster.brokers.map((b) => b.id),
    stopAll: () => Promise.all(cluster.brokers.map((b) => pass.runtime.stopNode(cluster.id, b.nodeId))),
  });
  await db.broker.updateMany({ where: { clusterId: cluster.id }, data: { status: "FAILED", pid: null } });
  return outcome;
}

// What Kafka says: registered brokers and partition health, through the pooled Admin client
// (addressed by the node rows: the cluster row's bootstrapServers may not be written yet).
const observeKafka = step<ClusterPass>("observe-kafka", async (pass) => {
  const admin = kafkaAdmins.forCluster({ ...pass.cluster, bootstrapServers: pass.bootstrapServers }, (encrypted) =>
    decryptSecret(encrypted, pass.secretKey),
  );
  pass.admin = admin ?? undefined;
  if (!admin) {
    pass.kafka.error = "the cluster has no broker address or admin credential yet";
    return;
  }
  try {
    const desc = await admin.describeCluster();
    pass.kafka.registered = new Set(desc.brokers.map((b) => b.nodeId).filter((n) => !pass.startedNow.has(String(n))));
    pass.kafka.topics = await admin.topics();
  } catch (err) {
    pass.kafka.error = err instanceof Error ? err.message : String(err);
  }
});

// Per-node status, run intervals (what metering bills) and the cluster's address and progress.
const recordNodes = step<ClusterPass>("record-nodes", async (pass) => {
  const { db, cluster } = pass;
  const obs = observation(pass);
  await Promise.all(
    cluster.brokers.map(async (b, i) => {
      const o = pass.observed.get(String(b.nodeId));
      const next = nodeStatus(obs.nodes[i]!, pass.firstRun);
      const disk = o?.diskUsedBytes ?? 0;
      if (
        b.status === next.status &&
        b.statusReason === next.statusReason &&
        Number(b.diskUsedBytes) === disk &&
        b.pid === (o?.pid ?? null)
      )
        return;
      await db.broker.updateMany({
        where: { id: b.id },
        data: { ...next, diskUsedBytes: BigInt(disk), pid: o?.pid ?? null },
      });
    }),
  );
  await syncRunIntervals(
    db,
    { orgId: cluster.orgId, resourceKind: "KafkaCluster", resourceId: cluster.id, resourceName: cluster.name },
    cluster.brokers.filter(isBroker).map((b) => {
      const o = pass.observed.get(String(b.nodeId));
      return {
        instanceId: b.id,
        running: !!o?.running,
        startedAt: o?.startedAt ?? null,
        meters: [
          { dimension: "BROKER_HOURS" as const, sku: cluster.brokerInstanceType, quantity: 1 },
          { dimension: "STORAGE_GB_HOURS" as const, sku: "kafka.storage", quantity: cluster.storageGbPerBroker },
        ],
      };
    }),
  );
  const progress = clusterProgress(obs);
  await db.kafkaCluster.updateMany({
    where: { id: cluster.id },
    data: { bootstrapServers: pass.bootstrapServers, progressDone: progress.done, progressTotal: progress.total },
  });
});

const announceRunning = step<ClusterPass>("announce-running", async (pass) => {
  if (!pass.firstRun || !isReady(observation(pass))) return;
  await pass.event({
    type: "NORMAL",
    reason: "ClusterRunning",
    message: `All ${plural(pass.cluster.brokers.filter(isBroker).length, "broker")} registered; bootstrap servers ${pass.bootstrapServers}.`,
  });
});

// Scaling, once the cluster itself is healthy and every new node has its row.
const scale = step<ClusterPass>("scale", async (pass) => {
  if (pass.adding > 0 || !pass.admin || !isReady(observation(pass))) return;
  return scaleStep(pass, pass.admin);
});

const status = step<ClusterPass>("status", async (pass) => {
  const outcome = clusterStatus(observation(pass));
  // The operator takes minutes to roll pods: no need to read its resources every second.
  if (pass.declarative && outcome.requeueAfterMs !== undefined) {
    outcome.requeueAfterMs = Math.max(outcome.requeueAfterMs, 5000);
  }
  return outcome;
});

// ---------------------------------------------------------------- declarative (Kubernetes) steps

// The whole desired cluster (the nodes staying, with their roles) applied every pass: server-side
// apply changes nothing when nothing changed. A manifest the API server refuses is the spec's
// fault (FAILED with the server's own message); an unreachable API server is retried.
const applyResources = step<ClusterPass>("apply-resources", async (pass) => {
  const { cluster, db } = pass;
  const price = await db.price.findFirst({
    where: { sku: cluster.brokerInstanceType },
    orderBy: { version: { effectiveFrom: "desc" } },
  });
  const combined = cluster.brokers.filter((b) => b.roles === "broker,controller").length;
  try {
    await pass.declarative!.applyCluster({
      clusterId: cluster.id,
      kafkaVersion: cluster.kafkaVersion,
      nodes: cluster.brokers
        .filter((b) => !pass.leaving.has(b.nodeId))
        .map((b) => ({ nodeId: b.nodeId, roles: b.roles as NodeRole })),
      storageGbPerBroker: cluster.storageGbPerBroker,
      instanceType: { vcpu: price?.vcpu ?? 2, memoryGib: Number(price?.memoryGib ?? 8) },
      defaultReplication: combined > 0 ? defaultReplicationFor(combined) : 3,
      admin: {
        username: cluster.adminUsername ?? ADMIN_USERNAME,
        password: decryptSecret(cluster.adminPasswordEncrypted!, pass.secretKey),
      },
    });
  } catch (err) {
    if (err instanceof KubernetesRejectedError) throw new ReconcileError("KubernetesRejected", err.message, "user");
    throw err;
  }
});

// Strimzi's view: Ready at the applied generation, the pools' node ids, the listener's address.
// A node listed by its pool runs (a pod); it counts as registered once the cluster is Ready.
const observeResources = step<ClusterPass>("observe-resources", async (pass) => {
  const names = pass.cluster.brokers.map((b) => String(b.nodeId));
  const observed = await pass.declarative!.observe(pass.cluster.id, names);
  pass.observed = new Map(observed.map((o) => [o.name, o]));
  const s = await pass.declarative!.observeCluster(pass.cluster.id);
  pass.bootstrapServers = s.bootstrapServers ?? "";
  pass.kafka.registered = new Set(s.ready ? s.nodeIds : []);
  pass.kafka.error = s.ready ? null : s.message;
});

// Scaled-in nodes whose pods Strimzi removed: their run intervals end and their rows go.
const forgetRemovedNodes = step<ClusterPass>("forget-removed-nodes", async (pass) => {
  const gone = pass.cluster.brokers.filter(
    (b) => pass.leaving.has(b.nodeId) && !pass.observed.get(String(b.nodeId))?.running,
  );
  if (gone.length === 0) return;
  await closeRunIntervals(
    pass.db,
    gone.map((b) => b.id),
  );
  await pass.db.broker.deleteMany({ where: { id: { in: gone.map((b) => b.id) } } });
  await pass.event({
    type: "NORMAL",
    reason: "ScaledIn",
    message: `Removed ${gone.map((b) => `broker ${b.nodeId}`).join(", ")}.`,
  });
  pass.cluster = (await loadCluster(pass.db, pass.id))!;
  pass.leaving = new Set([...pass.leaving].filter((id) => !gone.some((b) => b.nodeId === id)));
});

const steps: Step<ClusterPass>[] = [
  deleteIfAsked,
  stayFailed<ClusterPass>(),
  ensureIdentity,
  ensureNodeRows,
  certificates,
  keepNodesRunning,
  recordRevisions,
  recordVersions,
  observeKafka,
  recordNodes,
  watchStorage,
  announceRunning,
  applyLiveConfig,
  scale,
  roll,
  raiseMetadataVersion,
  status,
];

const declarativeSteps: Step<ClusterPass>[] = [
  deleteIfAsked,
  stayFailed<ClusterPass>(),
  ensureIdentity,
  ensureNodeRows,
  applyResources,
  observeResources,
  forgetRemovedNodes,
  recordNodes,
  announceRunning,
  status,
];

// ---------------------------------------------------------------- helpers

const bootstrapOf = (cluster: ClusterWithBrokers) =>
  cluster.brokers
    .filter(isBroker)
    .map((b) => `${b.host}:${b.port}`)
    .join(",");

async function specOf(db: Db, cluster: ClusterWithBrokers, password: string): Promise<KafkaClusterSpec> {
  const price = await db.price.findFirst({
    where: { sku: cluster.brokerInstanceType },
    orderBy: { version: { effectiveFrom: "desc" } },
  });
  const combined = cluster.brokers.filter((b) => b.roles === "broker,controller").length;
  return {
    clusterId: cluster.id,
    kafkaClusterId: cluster.kafkaClusterId!,
    kafkaVersion: cluster.kafkaVersion,
    // Fixed by the layout chosen at creation: combined nodes (1-3), else 3 dedicated controllers.
    defaultReplication: combined > 0 ? defaultReplicationFor(combined) : 3,
    admin: { username: cluster.adminUsername ?? ADMIN_USERNAME, password },
    instanceType: { sku: cluster.brokerInstanceType, vcpu: price?.vcpu ?? 2, memoryGib: Number(price?.memoryGib ?? 2) },
    zoneCount: cluster.zoneCount,
    brokerConfig: asBrokerConfig(cluster.brokerConfig),
    nodes: cluster.brokers.map((b) => ({
      nodeId: b.nodeId,
      roles: b.roles as NodeRole,
      host: b.host,
      port: b.port!,
      controllerPort: b.controllerPort!,
      metricsPort: b.metricsPort!,
    })),
  };
}

/** The pure status module's input, from what this pass saw. */
function observation(pass: ClusterPass, now = Date.now()): ClusterObservation {
  const { cluster, kafka } = pass;
  const balanced = asConditions(cluster.conditions).find((c) => c.type === "Balanced");
  return {
    firstRun: pass.firstRun,
    brokerCount: cluster.brokerCount,
    nodes: cluster.brokers.map((b) => {
      const o = pass.observed.get(String(b.nodeId));
      const running = !!o?.running;
      return {
        nodeId: b.nodeId,
        broker: isBroker(b),
        running,
        registered: kafka.registered.has(b.nodeId),
        // Restarted after a crash less than a broker session ago (a node started in this pass
        // is left out of `registered` instead).
        rejoining:
          running &&
          !pass.firstRun &&
          b.restartCount > 0 &&
          !!b.lastRestartAt &&
          now - b.lastRestartAt.getTime() < BROKER_SESSION_TIMEOUT_MS + 1000,
        leaving: pass.leaving.has(b.nodeId),
        lastExit: o?.lastExit ?? null,
      };
    }),
    kafkaError: kafka.error,
    underReplicated: kafka.topics.flatMap((t) => t.partitions).filter((p) => p.isr.length < p.replicas.length).length,
    storage: pass.storage,
    zoneCount: cluster.zoneCount,
    sharingZones: partitionsSharingZones(kafka.topics, cluster.zoneCount, (b) => zoneOf(b, cluster.zoneCount)),
    scaling:
      pass.leaving.size > 0 ||
      pass.adding > 0 ||
      (cluster.generation > 1 && balanced?.observedGeneration !== cluster.generation),
  };
}

// ---------------------------------------------------------------- the reconciler

export function kafkaClusterReconciler(deps: ClusterReconcilerDeps): Reconciler & { close(): Promise<void> } {
  return {
    kind: "KafkaCluster",
    close: () => kafkaAdmins.close(),
    ...statusStore((db) => db.kafkaCluster),

    async reconcile(ctx) {
      const cluster = await loadCluster(ctx.db, ctx.id);
      if (!cluster) return { status: ctx.current.status, statusReason: ctx.current.statusReason };
      const onKubernetes = cluster.runtime === "kubernetes";
      if (onKubernetes && !deps.kubernetes) {
        throw new ReconcileError(
          "NoKubernetesDriver",
          "The cluster runs on Kubernetes but this controller has no Kubernetes driver: start it with WEIR_RUNTIME=kubernetes (and WEIR_KUBECONFIG outside a cluster).",
        );
      }
      const pass: ClusterPass = {
        ...ctx,
        runtime: deps.runtime,
        secretKey: deps.secretKey,
        declarative: onKubernetes ? deps.kubernetes : undefined,
        cluster,
        firstRun: cluster.status === "PROVISIONING",
        bootstrapServers: "",
        leaving: new Set(),
        adding: 0,
        observed: new Map(),
        startedNow: new Set(),
        kafka: { registered: new Set(), topics: [], error: null },
      };
      return runPipeline(pass, onKubernetes ? declarativeSteps : steps);
    },
  };
}
