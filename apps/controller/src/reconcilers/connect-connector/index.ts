// Connector: makes a Connect cluster run the connector Postgres describes, through Connect's REST
// API on one of the cluster's workers. A pass:
//   delete-if-asked → wait-for-cluster → wait-for-access → apply-config → desired-state
//   → restart-if-asked → observe → sample-lag → status
// Most kinds are one Connect connector; a replication from another Weir Kafka cluster is
// MirrorMaker 2's source connector and, when offsets follow, its checkpoint connector (the
// "parts"), built by mirrorReplicationConnectors from the row and both clusters as they are now.
// Secrets never reach Connect's REST API: each is written as a file of the workers' directory
// config provider (writeSecret) and the config carries its ${dir:…} reference; the connector's
// own Kafka credential is one more such secret, referenced by the client overrides.
import {
  asConditions,
  connectReplicationFactor,
  decryptSecret,
  isServing,
  mirrorKafkaUsername,
  notifyReconcile,
} from "@weir/domain";
import type { Db, Prisma } from "@weir/db";
import {
  clientSecurityProps,
  ConnectError,
  ConnectRestClient,
  connectorClientOverrides,
  kafkaAdmins,
  mirrorCheckpointName,
  mirrorLag,
  mirrorReplicationConnectors,
  scramJaasConfig,
  type ConnectorStatus,
} from "@weir/runtime";
import type { LocalConnectRuntime } from "@weir/runtime/local";
import { runPipeline, step, type Step } from "../../framework/pipeline.ts";
import {
  ReconcileError,
  statusUpdate,
  statusWhere,
  type EventInput,
  type Reconciler,
  type StatusRecord,
} from "../../framework/types.ts";
import { connectorStatus, traceHead } from "./status.ts";

/** What the reconciler needs of the Connect driver: the secrets directory of a cluster. */
export type ConnectSecretStore = Pick<LocalConnectRuntime, "writeSecret" | "removeSecret">;

export interface ConnectorReconcilerDeps {
  runtime: ConnectSecretStore;
  /** Decrypts the connector's secrets and Kafka password. */
  secretKey: string;
}

type ConnectorRow = NonNullable<Awaited<ReturnType<typeof load>>>;

interface ConnectorPass {
  db: Db;
  id: string;
  current: StatusRecord;
  event(e: EventInput): Promise<void>;
  deps: ConnectorReconcilerDeps;
  row: ConnectorRow;
  client?: ConnectRestClient;
  state: string | null;
  applied: boolean;
  /** The Connect connectors this row is (one, or a replication's two). */
  parts: Part[];
  /** A replication's source cluster, once wait-for-access found it serving. */
  source?: KafkaClusterRow;
  /** A replication's target: the Connect cluster's own Kafka cluster. */
  target?: KafkaClusterRow;
}

/** One Connect connector of a row: its name in Connect and the full config Connect should hold. */
interface Part {
  name: string;
  config: Record<string, string>;
}

type KafkaClusterRow = NonNullable<Awaited<ReturnType<Db["kafkaCluster"]["findUnique"]>>>;

const load = (db: Db, id: string) =>
  db.connector.findUnique({
    where: { id },
    include: { connectCluster: { include: { workers: { orderBy: { index: "asc" } } } } },
  });

/** The file name of one of a connector's secrets in its cluster's secrets directory. */
const secretName = (connectorId: string, key: string) => `${connectorId}.${key}`;
const JAAS = "kafka.jaas";

const secretsOf = (row: ConnectorRow, key: string): Record<string, string> =>
  row.secretsEncrypted ? (JSON.parse(decryptSecret(row.secretsEncrypted, key)) as Record<string, string>) : {};

const notFound = (e: unknown) => e instanceof ConnectError && e.status === 404;

/** The names a row may have in Connect (a replication's checkpoint connector even when not asked for: it is removed too). */
const connectNames = (row: ConnectorRow) =>
  row.sourceKafkaClusterId ? [row.name, mirrorCheckpointName(row.name)] : [row.name];

/** The connector's Kafka users (its own; a replication's on the source too) and their ACLs are marked DELETING. */
async function removeKafkaAccess(db: Db, row: ConnectorRow): Promise<void> {
  const clusterId = row.connectCluster.kafkaClusterId;
  if (row.kafkaUsername && clusterId) await removeUser(db, clusterId, row.kafkaUsername);
  if (row.sourceKafkaClusterId) await removeUser(db, row.sourceKafkaClusterId, mirrorKafkaUsername(row.id));
}

/** A workload user and its ACLs are marked DELETING: their reconcilers remove them from Kafka. */
async function removeUser(db: Db, clusterId: string, username: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const data = { status: "DELETING" as const, generation: { increment: 1 } };
    const users = await tx.kafkaUser.findMany({ where: { clusterId, name: username }, select: { id: true } });
    const acls = await tx.acl.findMany({ where: { clusterId, principal: `User:${username}` }, select: { id: true } });
    await tx.kafkaUser.updateMany({ where: { id: { in: users.map((u) => u.id) } }, data });
    await tx.acl.updateMany({ where: { id: { in: acls.map((a) => a.id) } }, data });
    for (const u of users) await notifyReconcile(tx, "KafkaUser", u.id);
    for (const a of acls) await notifyReconcile(tx, "Acl", a.id);
  });
}

async function saveObservation(p: ConnectorPass, data: Prisma.ConnectorUpdateManyMutationInput): Promise<void> {
  await p.db.connector.updateMany({ where: { id: p.row.id }, data });
}

// ---------------------------------------------------------------- steps

// Deleted from Connect when the cluster still runs (a cluster being deleted takes its connectors
// with its internal topics), then its secrets, Kafka user and ACLs, then the row.
const deleteIfAsked = step<ConnectorPass>("delete-if-asked", async (p) => {
  const { db, row, deps } = p;
  if (row.status !== "DELETING") return;
  const cluster = row.connectCluster;
  const worker = cluster.workers.find((w) => w.status === "RUNNING");
  if (cluster.status !== "DELETING" && worker) {
    const client = new ConnectRestClient(`http://${worker.host}:${worker.restPort}`);
    for (const name of connectNames(row)) {
      await client.delete(name).catch((e: unknown) => {
        if (!notFound(e)) throw e;
      });
    }
  }
  for (const key of [...Object.keys(secretsOf(row, deps.secretKey)), JAAS]) {
    await deps.runtime.removeSecret(cluster.id, secretName(row.id, key));
  }
  await removeKafkaAccess(db, row);
  await p.event({
    type: "NORMAL",
    reason: "Deleted",
    message: `Deleted the connector from Connect, its secrets, its Kafka user ${row.kafkaUsername ?? "(none)"} and its ACLs.`,
  });
  await db.connector.deleteMany({ where: { id: row.id } });
  return { status: "DELETING", statusReason: "Deleted" };
});

const waitForCluster = step<ConnectorPass>("wait-for-cluster", async (p) => {
  const c = p.row.connectCluster;
  const worker = c.workers.find((w) => w.status === "RUNNING");
  if (!isServing("ConnectCluster", c.status) || !worker) {
    return {
      status: p.row.status === "PROVISIONING" ? "PROVISIONING" : "DEGRADED",
      statusReason: `Waiting for Connect cluster ${c.name} to run (it is ${c.status.toLowerCase()})`,
      requeueAfterMs: 2000,
    };
  }
  p.client = new ConnectRestClient(`http://${worker.host}:${worker.restPort}`);
});

/** Why a workload user cannot be used yet, or null once it and its ACLs are in Kafka. */
async function accessPending(db: Db, clusterId: string, username: string, whose: string): Promise<string | null> {
  const user = await db.kafkaUser.findFirst({ where: { clusterId, name: username } });
  const acls = await db.acl.findMany({ where: { clusterId, principal: `User:${username}` } });
  const pending = acls.filter((a) => a.status !== "READY");
  if (!user) return `Waiting for ${whose} Kafka user ${username}`;
  if (user.status !== "READY") return `Waiting for Kafka to hold ${whose} user ${username} (${user.statusReason})`;
  if (pending.length > 0) return `Waiting for ${pending.length} of ${whose} ${acls.length} ACLs to be applied`;
  return null;
}

// The connector's own Kafka user and ACLs must be in Kafka before its tasks connect as that user;
// a replication also needs its source cluster serving and Weir's user there.
const waitForAccess = step<ConnectorPass>("wait-for-access", async (p) => {
  const { db, row } = p;
  const clusterId = row.connectCluster.kafkaClusterId;
  const wait = (statusReason: string) => ({
    status: row.status === "PROVISIONING" ? ("PROVISIONING" as const) : ("DEGRADED" as const),
    statusReason,
    requeueAfterMs: 1000,
  });
  if (row.kafkaUsername && clusterId) {
    const why = await accessPending(db, clusterId, row.kafkaUsername, "the connector's");
    if (why) return wait(why);
  }
  if (!row.sourceKafkaClusterId) return;
  const source = await db.kafkaCluster.findUnique({ where: { id: row.sourceKafkaClusterId } });
  if (!source || source.status === "DELETING") {
    return { ...wait("The source Kafka cluster was deleted: nothing left to copy from"), status: "FAILED" as const };
  }
  if (!isServing("KafkaCluster", source.status) || !source.bootstrapServers) {
    return {
      ...wait(`Waiting for the source Kafka cluster ${source.name} (it is ${source.status.toLowerCase()})`),
      requeueAfterMs: 2000,
    };
  }
  const target = clusterId ? await db.kafkaCluster.findUnique({ where: { id: clusterId } }) : null;
  if (!target?.bootstrapServers) return wait("Waiting for the Connect cluster's Kafka cluster to have an address");
  for (const c of [source, target]) {
    if (c.securityProtocol === "SASL_SSL" && !c.caCertPem) return wait(`Waiting for ${c.name}'s CA certificate`);
  }
  const why = await accessPending(db, source.id, mirrorKafkaUsername(row.id), "the replication's source");
  if (why) return wait(why);
  p.source = source;
  p.target = target;
});

// The secrets as files, then the config with their references and the connector's own Kafka
// credential; put only when Connect holds something else (a put restarts the connector).
const applyConfig = step<ConnectorPass>("apply-config", async (p) => {
  const { row, deps } = p;
  const clusterId = row.connectClusterId;
  const refs: Record<string, string> = {};
  for (const [key, value] of Object.entries(secretsOf(row, deps.secretKey))) {
    refs[key] = await deps.runtime.writeSecret(clusterId, secretName(row.id, key), value);
  }
  let overrides: Record<string, string> = {};
  let jaasRef: string | null = null;
  if (row.kafkaUsername && row.kafkaPasswordEncrypted) {
    const jaas = scramJaasConfig(row.kafkaUsername, decryptSecret(row.kafkaPasswordEncrypted, deps.secretKey));
    jaasRef = await deps.runtime.writeSecret(clusterId, secretName(row.id, JAAS), jaas);
    const kafka =
      p.target ??
      (row.connectCluster.kafkaClusterId
        ? await p.db.kafkaCluster.findUnique({ where: { id: row.connectCluster.kafkaClusterId } })
        : null);
    overrides = connectorClientOverrides(jaasRef, {
      protocol: kafka?.securityProtocol === "SASL_SSL" ? "SASL_SSL" : "SASL_PLAINTEXT",
    });
  }
  const parts: Part[] = p.source
    ? replicationParts(p, p.source, refs, jaasRef).map((k) => ({
        name: k.name,
        config: { ...k.config, ...overrides, "connector.class": k.connectorClass, name: k.name },
      }))
    : [
        {
          name: row.name,
          config: {
            ...(row.config as Record<string, string>),
            ...refs,
            ...overrides,
            "connector.class": row.connectorClass,
            name: row.name,
          },
        },
      ];
  p.parts = parts;
  for (const part of parts) {
    const desired = part.config;
    const held = await p.client!.get(part.name);
    const same =
      held !== null &&
      Object.keys(desired).length === Object.keys(held).length &&
      Object.entries(desired).every(([k, v]) => held[k] === v);
    if (same) continue;
    await p.client!.put(part.name, desired).catch((e: unknown) => {
      // Connect refusing the config is the user's to fix (a PATCH); anything else is retried.
      if (e instanceof ConnectError && e.status >= 400 && e.status < 500) {
        throw new ReconcileError(
          "ConnectRefused",
          `Kafka Connect refused the config of ${part.name}: ${e.message}`,
          "user",
        );
      }
      throw e;
    });
    p.applied = true;
    await p.event({
      type: "NORMAL",
      reason: held === null ? "Created" : "ConfigApplied",
      message:
        held === null
          ? `Created the connector ${part.name} in Connect.`
          : `Gave Connect the new config of ${part.name}; it restarts the connector.`,
    });
  }
});

/**
 * A replication's MirrorMaker 2 connectors as the clusters are now: the source's address and
 * Weir's read-only user there (its JAAS line a secret reference), the target's address and the
 * connector's own user, topic replicas by the target's brokers, one source task per worker.
 */
function replicationParts(
  p: ConnectorPass,
  source: KafkaClusterRow,
  refs: Record<string, string>,
  jaasRef: string | null,
) {
  const { row } = p;
  const cfg = row.config as Record<string, string>;
  const target = p.target!;
  // The client properties of each cluster as it is now (SASL_SSL with its CA, or SASL_PLAINTEXT),
  // the JAAS line replaced by a reference to the secret file holding it.
  const security = (c: KafkaClusterRow, ref: string | undefined) => ({
    ...clientSecurityProps({
      protocol: c.securityProtocol === "SASL_SSL" ? "SASL_SSL" : "SASL_PLAINTEXT",
      caPem: c.caCertPem,
      username: "",
      password: "",
    }),
    "sasl.jaas.config": ref ?? "",
  });
  return mirrorReplicationConnectors(
    row.name,
    {
      alias: cfg["source.cluster.alias"]!,
      bootstrapServers: source.bootstrapServers!,
      security: security(source, refs["source.cluster.sasl.jaas.config"]),
    },
    {
      alias: cfg["target.cluster.alias"]!,
      bootstrapServers: target.bootstrapServers!,
      security: security(target, jaasRef ?? undefined),
    },
    {
      topics: cfg.topics!,
      groups: cfg.groups ?? ".*",
      syncGroupOffsets: cfg["sync.group.offsets.enabled"] === "true",
      syncIntervalSeconds: Number(cfg["sync.group.offsets.interval.seconds"] ?? 30),
      refreshIntervalSeconds: REPLICATION_REFRESH_SECONDS,
      replicationFactor: connectReplicationFactor(target.brokerCount),
      tasksMax: row.connectCluster.workerCount,
    },
  );
}

/** How often a replication looks for new matching topics and groups on the source (MM2's default is 10 minutes). */
const REPLICATION_REFRESH_SECONDS = 30;

const statusOf = (p: ConnectorPass, name: string) =>
  p.client!.status(name).catch((e: unknown) => (notFound(e) ? null : Promise.reject(e)));

const desiredState = step<ConnectorPass>("desired-state", async (p) => {
  const { row } = p;
  for (const part of p.parts) {
    const status = await statusOf(p, part.name);
    p.state = p.state ?? status?.state ?? null;
    if (!status) continue;
    if (row.desiredState === "PAUSED" && status.state !== "PAUSED") {
      await p.client!.pause(part.name);
      await p.event({
        type: "NORMAL",
        reason: "Paused",
        message: `Asked Connect to pause ${part.name} and its tasks.`,
      });
    } else if (row.desiredState === "RUNNING" && status.state === "PAUSED") {
      await p.client!.resume(part.name);
      await p.event({ type: "NORMAL", reason: "Resumed", message: `Asked Connect to resume ${part.name}.` });
    }
  }
});

const restartIfAsked = step<ConnectorPass>("restart-if-asked", async (p) => {
  const { row } = p;
  if (!row.restartRequestedAt || !p.state) return;
  for (const part of p.parts) await p.client!.restart(part.name, { includeTasks: true, onlyFailed: true });
  await saveObservation(p, { restartRequestedAt: null });
  await p.event({ type: "NORMAL", reason: "Restarted", message: "Restarted the connector and its failed tasks." });
});

/** The row's parts' statuses as one: FAILED if one failed, unknown while one is, tasks side by side (named when there are several parts). */
function mergeStatuses(parts: Part[], statuses: (ConnectorStatus | null)[]): ConnectorStatus | null {
  if (statuses.length === 1) return statuses[0]!;
  if (statuses.some((s) => s === null)) return null;
  const all = statuses as ConnectorStatus[];
  const failed = all.find((s) => s.state === "FAILED");
  const notRunning = all.find((s) => s.state !== "RUNNING");
  return {
    state: (failed ?? notRunning ?? all[0]!).state,
    trace: failed?.trace,
    tasks: all.flatMap((s, i) => s.tasks.map((t) => ({ ...t, connector: parts[i]!.name }))),
  };
}

const observe = step<ConnectorPass>("observe-and-status", async (p) => {
  const { row } = p;
  const s = mergeStatuses(p.parts, await Promise.all(p.parts.map((part) => statusOf(p, part.name))));
  const tasks = (s?.tasks ?? []).map((t: ConnectorStatus["tasks"][number] & { connector?: string }) => ({
    id: t.id,
    state: t.state,
    workerId: t.workerId,
    trace: traceHead(t.trace),
    ...(t.connector ? { connector: t.connector } : {}),
  }));
  const trace = traceHead(s?.trace);
  const before = JSON.stringify([row.connectorState, row.trace, row.tasks]);
  if (before !== JSON.stringify([s?.state ?? null, trace, tasks])) {
    await saveObservation(p, { connectorState: s?.state ?? null, trace, tasks });
    const failed = tasks.find((t) => t.state === "FAILED");
    if (
      (s?.state === "FAILED" && row.connectorState !== "FAILED") ||
      (failed && !JSON.stringify(row.tasks).includes('"FAILED"'))
    ) {
      await p.event({
        type: "WARNING",
        reason: "ConnectorFailed",
        message: `${s?.state === "FAILED" ? "The connector" : `Task ${failed!.id}`} failed:\n${s?.state === "FAILED" ? trace : failed!.trace}`,
      });
    }
  }
  if (p.source) await sampleLag(p, p.source);
  const outcome = connectorStatus({
    desiredState: row.desiredState as "RUNNING" | "PAUSED",
    state: s?.state ?? null,
    trace,
    tasks,
    applied: p.applied,
  });
  // MirrorMaker 2's source connector has no task until it finds a matching topic on the source
  // (its checkpoint connector none until it finds a group, which is fine): not running yet.
  if (p.parts.length > 1 && outcome.status === "RUNNING" && !tasks.some((t) => t.connector === row.name)) {
    return {
      status: "PROVISIONING",
      statusReason: `Waiting for MirrorMaker 2 to find topics matching ${(row.config as Record<string, string>).topics} on the source`,
      requeueAfterMs: 2000,
    };
  }
  return outcome;
});

/** How often a replication's lag is sampled (each sample is two ListOffsets per cluster). */
const LAG_SAMPLE_MS = 10_000;

/**
 * A replication's lag (the source's end offsets minus the target's) as a sample for the chart, at
 * most every LAG_SAMPLE_MS. A cluster that does not answer leaves a gap, not a failed connector.
 */
async function sampleLag(p: ConnectorPass, source: KafkaClusterRow): Promise<void> {
  const { db, row, deps } = p;
  const last = await db.connectorLagSample.findFirst({
    where: { connectorId: row.id },
    orderBy: { sampledAt: "desc" },
    select: { sampledAt: true },
  });
  if (last && Date.now() - last.sampledAt.getTime() < LAG_SAMPLE_MS) return;
  const decrypt = (e: string) => decryptSecret(e, deps.secretKey);
  const sourceAdmin = kafkaAdmins.forCluster(source, decrypt);
  const targetAdmin = p.target && kafkaAdmins.forCluster(p.target, decrypt);
  if (!sourceAdmin || !targetAdmin) return;
  const lag = await mirrorLag(sourceAdmin, targetAdmin, (row.config as Record<string, string>).topics ?? "").catch(
    () => null,
  );
  if (lag) {
    await db.connectorLagSample.create({
      data: { connectorId: row.id, sampledAt: new Date(), records: lag.records, topics: lag.topics },
    });
  }
}

const steps: Step<ConnectorPass>[] = [
  deleteIfAsked,
  waitForCluster,
  waitForAccess,
  applyConfig,
  desiredState,
  restartIfAsked,
  observe,
];

// ---------------------------------------------------------------- the reconciler

export function connectorReconciler(deps: ConnectorReconcilerDeps): Reconciler {
  return {
    kind: "Connector",
    async listIds(db) {
      return (await db.connector.findMany({ select: { id: true } })).map((r) => r.id);
    },
    async readStatus(db, id) {
      const row = await db.connector.findUnique({ where: { id } });
      return row && { ...row, conditions: asConditions(row.conditions) };
    },
    async writeStatus(db, id, patch) {
      const data = statusUpdate(patch);
      await db.connector.updateMany({
        where: statusWhere(id, patch),
        data: { ...data, status: patch.status as ConnectorRow["status"] | undefined },
      });
    },

    async reconcile(ctx) {
      const row = await load(ctx.db, ctx.id);
      if (!row) return { status: ctx.current.status, statusReason: ctx.current.statusReason };
      return runPipeline({ ...ctx, deps, row, state: null, applied: false, parts: [] }, steps);
    },
  };
}
