// Connector: makes a Connect cluster run the connector Postgres describes, through Connect's REST
// API on one of the cluster's workers. A pass:
//   delete-if-asked → wait-for-cluster → wait-for-access → apply-config → desired-state
//   → restart-if-asked → observe → status
// Secrets never reach Connect's REST API: each is written as a file of the workers' directory
// config provider (writeSecret) and the config carries its ${dir:…} reference; the connector's
// own Kafka credential is one more such secret, referenced by the client overrides.
import { asConditions, decryptSecret, isServing, notifyReconcile } from "@weir/domain";
import type { Db, Prisma } from "@weir/db";
import { ConnectError, ConnectRestClient, connectorClientOverrides, scramJaasConfig } from "@weir/runtime";
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
}

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

/** The connector's Kafka user and ACLs are marked DELETING: their reconcilers remove them from Kafka. */
async function removeKafkaAccess(db: Db, row: ConnectorRow): Promise<void> {
  const clusterId = row.connectCluster.kafkaClusterId;
  if (!row.kafkaUsername || !clusterId) return;
  const username = row.kafkaUsername;
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
    await new ConnectRestClient(`http://${worker.host}:${worker.restPort}`).delete(row.name).catch((e: unknown) => {
      if (!notFound(e)) throw e;
    });
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

// The connector's own Kafka user and ACLs must be in Kafka before its tasks connect as that user.
const waitForAccess = step<ConnectorPass>("wait-for-access", async (p) => {
  const { db, row } = p;
  const clusterId = row.connectCluster.kafkaClusterId;
  if (!row.kafkaUsername || !clusterId) return;
  const user = await db.kafkaUser.findFirst({ where: { clusterId, name: row.kafkaUsername } });
  const acls = await db.acl.findMany({ where: { clusterId, principal: `User:${row.kafkaUsername}` } });
  const pending = acls.filter((a) => a.status !== "READY");
  if (!user || user.status !== "READY" || pending.length > 0) {
    return {
      status: row.status === "PROVISIONING" ? "PROVISIONING" : "DEGRADED",
      statusReason: !user
        ? `Waiting for the connector's Kafka user ${row.kafkaUsername}`
        : user.status !== "READY"
          ? `Waiting for Kafka to hold the connector's user ${row.kafkaUsername} (${user.statusReason})`
          : `Waiting for ${pending.length} of the connector's ${acls.length} ACLs to be applied`,
      requeueAfterMs: 1000,
    };
  }
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
  if (row.kafkaUsername && row.kafkaPasswordEncrypted) {
    const jaas = scramJaasConfig(row.kafkaUsername, decryptSecret(row.kafkaPasswordEncrypted, deps.secretKey));
    overrides = connectorClientOverrides(await deps.runtime.writeSecret(clusterId, secretName(row.id, JAAS), jaas));
  }
  const desired: Record<string, string> = {
    ...(row.config as Record<string, string>),
    ...refs,
    ...overrides,
    "connector.class": row.connectorClass,
    name: row.name,
  };
  const held = await p.client!.get(row.name);
  const same =
    held !== null &&
    Object.keys(desired).length === Object.keys(held).length &&
    Object.entries(desired).every(([k, v]) => held[k] === v);
  if (same) return;
  await p.client!.put(row.name, desired).catch((e: unknown) => {
    // Connect refusing the config is the user's to fix (a PATCH); anything else is retried.
    if (e instanceof ConnectError && e.status >= 400 && e.status < 500) {
      throw new ReconcileError("ConnectRefused", `Kafka Connect refused the config: ${e.message}`, "user");
    }
    throw e;
  });
  p.applied = true;
  await p.event({
    type: "NORMAL",
    reason: held === null ? "Created" : "ConfigApplied",
    message:
      held === null ? "Created the connector in Connect." : "Gave Connect the new config; it restarts the connector.",
  });
});

const desiredState = step<ConnectorPass>("desired-state", async (p) => {
  const { row } = p;
  const status = await p.client!.status(row.name).catch((e: unknown) => (notFound(e) ? null : Promise.reject(e)));
  p.state = status?.state ?? null;
  if (!status) return;
  if (row.desiredState === "PAUSED" && status.state !== "PAUSED") {
    await p.client!.pause(row.name);
    await p.event({ type: "NORMAL", reason: "Paused", message: "Asked Connect to pause the connector and its tasks." });
  } else if (row.desiredState === "RUNNING" && status.state === "PAUSED") {
    await p.client!.resume(row.name);
    await p.event({ type: "NORMAL", reason: "Resumed", message: "Asked Connect to resume the connector." });
  }
});

const restartIfAsked = step<ConnectorPass>("restart-if-asked", async (p) => {
  const { row } = p;
  if (!row.restartRequestedAt || !p.state) return;
  await p.client!.restart(row.name, { includeTasks: true, onlyFailed: true });
  await saveObservation(p, { restartRequestedAt: null });
  await p.event({ type: "NORMAL", reason: "Restarted", message: "Restarted the connector and its failed tasks." });
});

const observe = step<ConnectorPass>("observe-and-status", async (p) => {
  const { row } = p;
  const s = await p.client!.status(row.name).catch((e: unknown) => (notFound(e) ? null : Promise.reject(e)));
  const tasks = (s?.tasks ?? []).map((t) => ({
    id: t.id,
    state: t.state,
    workerId: t.workerId,
    trace: traceHead(t.trace),
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
  return connectorStatus({
    desiredState: row.desiredState as "RUNNING" | "PAUSED",
    state: s?.state ?? null,
    trace,
    tasks,
    applied: p.applied,
  });
});

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
      return runPipeline({ ...ctx, deps, row, state: null, applied: false }, steps);
    },
  };
}
