// KafkaCluster: desired state (broker count, instance type, storage) from Postgres, observed
// state from the broker processes (the runtime driver) and from Kafka itself (DescribeCluster and
// Metadata through the Admin protocol). Each pass takes the next idempotent steps:
//   credentials → node rows with ports → storage format + start (or adopt) → registered?
//   → scale out (new brokers, then partitions spread onto them)
//   → scale in (partitions moved off, then the broker stopped and removed)
//   → run intervals for metering → status.
import { randomBytes } from "node:crypto";
import type { BrokerModel, Db, KafkaClusterModel, Prisma, ResourceStatus } from "@weir/db";
import { adminForCluster, asConditions, closeKafkaAdmins, decryptSecret, encryptSecret } from "@weir/domain";
import {
  KafkaAdmin,
  PLANNED_EXIT,
  RuntimeSetupError,
  balancedAssignment,
  defaultReplicationFor,
  freePorts,
  initialNodes,
  isBroker,
  newKafkaClusterId,
  scaleNodes,
  type BrokerRuntime,
  type KafkaClusterSpec,
  type NodeRole,
  type ObservedNode,
  type TopicPartitions,
} from "@weir/runtime";
import type { EventInput, Reconciler, ReconcileOutcome } from "../framework/types.ts";
import { statusUpdate, statusWhere } from "../framework/types.ts";

export const ADMIN_USERNAME = "weir-admin";
/** A node that crashes this many times in a row before the cluster first runs fails the cluster. */
const MAX_START_FAILURES = 3;
/** A node up this long has its crash counter reset. */
const STABLE_AFTER_MS = 60_000;

export interface ClusterReconcilerDeps {
  runtime: BrokerRuntime;
  secretKey: string;
}

type ClusterWithBrokers = KafkaClusterModel & { brokers: BrokerModel[] };

function restartBackoffMs(restarts: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, restarts - 1));
}

async function allocatePorts(db: Db, count: number): Promise<number[]> {
  const used = await db.broker.findMany({ select: { port: true, controllerPort: true, metricsPort: true } });
  const avoid = new Set(used.flatMap((u) => [u.port, u.controllerPort, u.metricsPort]).filter((p): p is number => !!p));
  return freePorts(count, avoid);
}

async function createNodeRows(db: Db, clusterId: string, nodes: { nodeId: number; roles: NodeRole }[]): Promise<void> {
  if (nodes.length === 0) return;
  const ports = await allocatePorts(db, nodes.length * 3);
  await db.broker.createMany({
    data: nodes.map((n, i) => ({
      clusterId,
      nodeId: n.nodeId,
      roles: n.roles,
      host: "127.0.0.1",
      port: ports[i * 3]!,
      controllerPort: ports[i * 3 + 1]!,
      metricsPort: ports[i * 3 + 2]!,
      statusReason: "Waiting to start",
    })),
    skipDuplicates: true,
  });
}

function describeSpec(
  cluster: ClusterWithBrokers,
  password: string,
  instance: { vcpu: number; memoryGib: number },
): KafkaClusterSpec {
  const combined = cluster.brokers.filter((b) => b.roles === "broker,controller").length;
  return {
    clusterId: cluster.id,
    kafkaClusterId: cluster.kafkaClusterId!,
    kafkaVersion: cluster.kafkaVersion,
    // Fixed by the layout chosen at creation: combined nodes (1-3), else 3 dedicated controllers.
    defaultReplication: combined > 0 ? defaultReplicationFor(combined) : 3,
    admin: { username: cluster.adminUsername ?? ADMIN_USERNAME, password },
    instanceType: { sku: cluster.brokerInstanceType, ...instance },
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

/** Opens a run interval for a running broker (broker hours + its storage), closes it when it stops. */
async function syncRunIntervals(
  db: Db,
  cluster: ClusterWithBrokers,
  running: Map<number, ObservedNode>,
): Promise<void> {
  const now = new Date();
  for (const b of cluster.brokers.filter(isBroker)) {
    const obs = running.get(b.nodeId);
    const open = await db.runInterval.findMany({ where: { instanceId: b.id, endedAt: null } });
    if (obs?.running) {
      const have = new Set(open.map((o) => o.dimension));
      const base = {
        orgId: cluster.orgId,
        resourceKind: "KafkaCluster",
        resourceId: cluster.id,
        resourceName: cluster.name,
        instanceId: b.id,
        startedAt: obs.startedAt ?? now,
      };
      if (!have.has("BROKER_HOURS")) {
        await db.runInterval.create({
          data: { ...base, dimension: "BROKER_HOURS", sku: cluster.brokerInstanceType, quantity: 1 },
        });
      }
      if (!have.has("STORAGE_GB_HOURS")) {
        await db.runInterval.create({
          data: { ...base, dimension: "STORAGE_GB_HOURS", sku: "kafka.storage", quantity: cluster.storageGbPerBroker },
        });
      }
    } else if (open.length > 0) {
      await db.runInterval.updateMany({ where: { instanceId: b.id, endedAt: null }, data: { endedAt: now } });
    }
  }
}

async function closeIntervals(db: Db, brokerIds: string[]): Promise<void> {
  if (brokerIds.length === 0) return;
  await db.runInterval.updateMany({
    where: { instanceId: { in: brokerIds }, endedAt: null },
    data: { endedAt: new Date() },
  });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function kafkaClusterReconciler(deps: ClusterReconcilerDeps): Reconciler & { close(): Promise<void> } {
  const { runtime } = deps;

  async function updateBroker(db: Db, id: string, data: Prisma.BrokerUpdateInput) {
    await db.broker.updateMany({ where: { id }, data: data as Prisma.BrokerUpdateManyMutationInput });
  }

  async function remove(
    db: Db,
    cluster: ClusterWithBrokers,
    event: (e: EventInput) => Promise<void>,
  ): Promise<ReconcileOutcome> {
    await closeIntervals(
      db,
      cluster.brokers.map((b) => b.id),
    );
    await closeKafkaAdmins(cluster.id);
    await runtime.deleteCluster(cluster.id);
    await event({
      type: "NORMAL",
      reason: "Deleted",
      message: `Stopped ${plural(cluster.brokers.length, "node")} and deleted their data.`,
    });
    await db.kafkaCluster.deleteMany({ where: { id: cluster.id } });
    return { status: "DELETING", statusReason: "Deleted" };
  }

  /**
   * Scale-out spreads partitions onto new brokers once per generation; scale-in moves
   * partitions off the leaving brokers, then stops and removes them. Returns an outcome while
   * work is in progress, or null when there is nothing to do.
   */
  async function scaleStep({
    db,
    cluster,
    admin,
    topics,
    leaving,
    event,
  }: {
    db: Db;
    cluster: ClusterWithBrokers;
    admin: KafkaAdmin;
    topics: (TopicPartitions & { internal: boolean })[];
    leaving: Set<number>;
    event: (e: EventInput) => Promise<void>;
  }): Promise<ReconcileOutcome | null> {
    const conditions = asConditions(cluster.conditions);
    const balanced = conditions.find((c) => c.type === "Balanced");
    const inFlight = await admin.reassignmentsInProgress();
    if (inFlight > 0) {
      return {
        status: "UPDATING",
        statusReason: `Moving partitions: ${plural(inFlight, "partition")} still copying`,
        requeueAfterMs: 1000,
      };
    }
    const keep = cluster.brokers.filter((b) => isBroker(b) && !leaving.has(b.nodeId)).map((b) => b.nodeId);
    if (leaving.size > 0) {
      const userTopics = topics;
      const onLeaving = userTopics.some((t) => t.partitions.some((p) => p.replicas.some((r) => leaving.has(r))));
      if (onLeaving) {
        let moves;
        try {
          moves = balancedAssignment(
            userTopics.filter((t) => t.partitions.some((p) => p.replicas.some((r) => leaving.has(r)))),
            keep,
          );
        } catch (err) {
          const message = `Cannot scale in to ${plural(keep.length, "broker")}: ${err instanceof Error ? err.message : String(err)}. Lower that topic's replication factor or keep more brokers.`;
          return {
            status: "RUNNING",
            statusReason: message,
            conditions: [{ type: "Scaled", status: "False", reason: "ScaleInRefused", message }],
            requeueAfterMs: 10_000,
          };
        }
        await admin.reassign(moves);
        await event({
          type: "NORMAL",
          reason: "PartitionsMoving",
          message: `Moving ${plural(moves.length, "partition")} off ${[...leaving].map((n) => `broker ${n}`).join(", ")}.`,
        });
        return {
          status: "UPDATING",
          statusReason: `Moving ${plural(moves.length, "partition")} off the leaving brokers`,
          requeueAfterMs: 1000,
        };
      }
      for (const b of cluster.brokers.filter((x) => leaving.has(x.nodeId))) {
        await closeIntervals(db, [b.id]);
        await runtime.removeNode(cluster.id, b.nodeId);
        // KRaft keeps a stopped broker as a fenced id until it is unregistered.
        await admin.unregisterBroker(b.nodeId).catch((err: unknown) =>
          event({
            type: "WARNING",
            reason: "UnregisterFailed",
            message: `Broker ${b.nodeId} stays fenced in the cluster metadata: ${String(err)}`,
          }),
        );
        await db.broker.deleteMany({ where: { id: b.id } });
        await event({
          type: "NORMAL",
          reason: "BrokerRemoved",
          message: `Broker ${b.nodeId} held no partitions any more; stopped and removed it.`,
        });
      }
      return { status: "UPDATING", statusReason: "Brokers removed", requeueAfterMs: 500 };
    }
    // Scale-out: spread partitions over all brokers once for this generation.
    if (!balanced || balanced.observedGeneration !== cluster.generation) {
      // A new cluster has nothing to spread; its RUNNING outcome records Balanced.
      if (cluster.generation === 1) return null;
      {
        const moves = balancedAssignment(
          topics.filter((t) => !t.internal),
          keep,
        );
        if (moves.length > 0) {
          await admin.reassign(moves);
          await event({
            type: "NORMAL",
            reason: "PartitionsMoving",
            message: `Spreading ${plural(moves.length, "partition")} over ${plural(keep.length, "broker")}.`,
          });
        }
      }
      const conds = [
        {
          type: "Balanced",
          status: "True" as const,
          reason: "Balanced",
          message: `Partitions spread over ${plural(keep.length, "broker")}`,
        },
      ];
      return {
        status: "UPDATING",
        statusReason: "Spreading partitions over the brokers",
        conditions: conds,
        requeueAfterMs: 500,
      };
    }
    return null;
  }

  return {
    kind: "KafkaCluster",

    close: () => closeKafkaAdmins(),

    async listIds(db) {
      const rows = await db.kafkaCluster.findMany({ select: { id: true } });
      return rows.map((r) => r.id);
    },

    async readStatus(db, id) {
      const c = await db.kafkaCluster.findUnique({ where: { id } });
      if (!c) return null;
      return { ...c, conditions: asConditions(c.conditions) };
    },

    async writeStatus(db, id, patch) {
      await db.kafkaCluster.updateMany({
        where: statusWhere(id, patch),
        data: statusUpdate(patch),
      });
    },

    async reconcile({ db, id, current, event }) {
      let cluster = await db.kafkaCluster.findUnique({
        where: { id },
        include: { brokers: { orderBy: { nodeId: "asc" } } },
      });
      if (!cluster) return { status: current.status, statusReason: current.statusReason };
      if (cluster.status === "DELETING") return remove(db, cluster, event);
      // A failed cluster stays failed (and stopped) until its spec changes.
      if (cluster.status === "FAILED" && cluster.observedGeneration === cluster.generation) {
        return { status: "FAILED", statusReason: cluster.statusReason };
      }

      // 1. Identity and the admin credential, created once.
      if (!cluster.adminPasswordEncrypted || !cluster.kafkaClusterId) {
        await db.kafkaCluster.update({
          where: { id },
          data: {
            adminUsername: ADMIN_USERNAME,
            adminPasswordEncrypted: encryptSecret(randomBytes(24).toString("base64url"), deps.secretKey),
            kafkaClusterId: newKafkaClusterId(randomBytes(16)),
          },
        });
      }

      // 2. Node rows (ports are allocated once and kept).
      if (cluster.brokers.length === 0) {
        await createNodeRows(db, id, initialNodes(cluster.brokerCount));
      } else {
        const plan = scaleNodes(
          cluster.brokers.map((b) => ({ nodeId: b.nodeId, roles: b.roles as NodeRole })),
          Math.max(cluster.brokerCount, 1),
        );
        await createNodeRows(db, id, plan.add);
        if (plan.add.length > 0) {
          await event({
            type: "NORMAL",
            reason: "ScalingOut",
            message: `Adding ${plan.add.map((n) => `broker ${n.nodeId}`).join(", ")} to reach ${plural(cluster.brokerCount, "broker")}.`,
          });
        }
        if (plan.remove.length > 0 && current.observedGeneration !== current.generation) {
          await event({
            type: "NORMAL",
            reason: "ScalingIn",
            message: `Removing ${plan.remove.map((n) => `broker ${n.nodeId}`).join(", ")} once their partitions have moved.`,
          });
        }
      }
      cluster = (await db.kafkaCluster.findUnique({
        where: { id },
        include: { brokers: { orderBy: { nodeId: "asc" } } },
      }))!;
      const password = decryptSecret(cluster.adminPasswordEncrypted!, deps.secretKey);
      const price = await db.price.findFirst({
        where: { sku: cluster.brokerInstanceType },
        orderBy: { version: { effectiveFrom: "desc" } },
      });
      const spec = describeSpec(cluster, password, {
        vcpu: price?.vcpu ?? 2,
        memoryGib: Number(price?.memoryGib ?? 2),
      });
      const bootstrapServers = cluster.brokers
        .filter(isBroker)
        .map((b) => `${b.host}:${b.port}`)
        .join(",");
      const firstRun = cluster.status === "PROVISIONING";

      // Nodes being scaled in are not restarted.
      const scale = scaleNodes(
        cluster.brokers.map((b) => ({ nodeId: b.nodeId, roles: b.roles as NodeRole })),
        cluster.brokerCount,
      );
      const leaving = new Set(scale.remove.map((n) => n.nodeId));

      // 3. Start (or adopt) every node that is not running, with back-off for crashing ones.
      const observed = new Map(
        (
          await runtime.observe(
            id,
            cluster.brokers.map((b) => b.nodeId),
          )
        ).map((o) => [o.nodeId, o]),
      );
      const failures: string[] = [];
      // A node (re)started in this pass cannot be registered yet, whatever Kafka still remembers.
      const startedNow = new Set<number>();
      await Promise.all(
        cluster.brokers.map(async (b) => {
          if (leaving.has(b.nodeId)) return;
          const obs = observed.get(b.nodeId)!;
          const now = Date.now();
          if (obs.running) {
            const stable = obs.startedAt && now - obs.startedAt.getTime() > STABLE_AFTER_MS;
            if (b.pid !== obs.pid) {
              // Running but not what we recorded: a process an earlier controller started.
              const res = await runtime.ensureNode(spec, b.nodeId);
              await updateBroker(db, b.id, { pid: res.pid, startedAt: obs.startedAt });
              if (res.outcome === "adopted") {
                await event({
                  type: "NORMAL",
                  reason: "BrokerAdopted",
                  message: `Node ${b.nodeId} (pid ${res.pid}) was already running; adopted it.`,
                });
              }
            } else if (stable && b.restartCount > 0) {
              await updateBroker(db, b.id, { restartCount: 0 });
            }
            return;
          }
          // Stopped on purpose with Weir (pnpm start's shutdown): start it again, no crash counted.
          const planned = obs.lastExit === PLANNED_EXIT;
          const wasStarted = b.startedAt !== null && !planned;
          if (wasStarted && b.lastRestartAt && now - b.lastRestartAt.getTime() < restartBackoffMs(b.restartCount))
            return;
          if (wasStarted) {
            const tail = failureExcerpt(runtime.logTail(id, b.nodeId, 300));
            await event({
              type: "WARNING",
              reason: "BrokerExited",
              message: `Node ${b.nodeId} stopped${obs.lastExit ? ` (exit ${obs.lastExit})` : ""}; restarting it (attempt ${b.restartCount + 1}). Last log lines:\n${tail}`,
            });
            if (firstRun && b.restartCount + 1 >= MAX_START_FAILURES) {
              failures.push(
                `node ${b.nodeId} exited ${MAX_START_FAILURES} times while starting: ${lastMeaningfulLine(tail)}`,
              );
              return;
            }
          }
          try {
            const res = await runtime.ensureNode(spec, b.nodeId);
            if (res.outcome === "started") startedNow.add(b.nodeId);
            if (planned) {
              await event({
                type: "NORMAL",
                reason: "BrokerStarted",
                message: `Node ${b.nodeId} was stopped with Weir; started it again (pid ${res.pid}).`,
              });
            }
            await updateBroker(db, b.id, {
              pid: res.pid,
              startedAt: new Date(),
              lastRestartAt: new Date(),
              restartCount: wasStarted ? { increment: 1 } : undefined,
              status: "PROVISIONING",
              statusReason: "Starting",
            });
            if (res.outcome === "adopted") {
              await event({
                type: "NORMAL",
                reason: "BrokerAdopted",
                message: `Node ${b.nodeId} (pid ${res.pid}) was already running; adopted it.`,
              });
            }
          } catch (err) {
            if (err instanceof RuntimeSetupError) failures.push(err.message);
            else failures.push(`node ${b.nodeId} could not start: ${err instanceof Error ? err.message : String(err)}`);
          }
        }),
      );

      if (failures.length > 0 && (firstRun || failures.some((f) => f.includes("Java") || f.includes("Maven")))) {
        // Nothing half-running: stop what did start so no process runs unmanaged.
        await Promise.all(cluster.brokers.map((b) => runtime.stopNode(id, b.nodeId)));
        await closeIntervals(
          db,
          cluster.brokers.map((b) => b.id),
        );
        await db.broker.updateMany({ where: { clusterId: id }, data: { status: "FAILED", pid: null } });
        const reason = `The cluster could not start: ${failures.join("; ")}`;
        await event({ type: "WARNING", reason: "ProvisioningFailed", message: reason });
        return {
          status: "FAILED",
          statusReason: reason.slice(0, 1000),
          conditions: [
            { type: "Ready", status: "False", reason: "ProvisioningFailed", message: reason.slice(0, 1000) },
          ],
        };
      }

      // 4. What Kafka says: registered brokers and partition health.
      const after = new Map(
        (
          await runtime.observe(
            id,
            cluster.brokers.map((b) => b.nodeId),
          )
        ).map((o) => [o.nodeId, o]),
      );
      // The shared per-cluster client (also used by the topic, user and ACL reconcilers and the
      // API), addressed by the broker rows: the row's bootstrapServers may not be written yet.
      const admin = adminForCluster(
        { ...cluster, bootstrapServers, adminUsername: cluster.adminUsername ?? ADMIN_USERNAME },
        deps.secretKey,
      );
      let registered = new Set<number>();
      let topics: (TopicPartitions & { internal: boolean })[] = [];
      let kafkaError: string | null = null;
      try {
        const desc = await admin!.describeCluster();
        registered = new Set(desc.brokers.map((b) => b.nodeId).filter((n) => !startedNow.has(n)));
        topics = await admin!.topics();
      } catch (err) {
        kafkaError = err instanceof Error ? err.message : String(err);
      }
      const brokerNodes = cluster.brokers.filter(isBroker);
      const underReplicated = topics
        .flatMap((t) => t.partitions)
        .filter((p) => p.isr.length < p.replicas.length).length;

      // Per-node status.
      for (const b of cluster.brokers) {
        const o = after.get(b.nodeId)!;
        const up = o.running && (!isBroker(b) || registered.has(b.nodeId));
        const status: ResourceStatus = up
          ? "RUNNING"
          : o.running
            ? "PROVISIONING"
            : cluster.status === "PROVISIONING"
              ? "PROVISIONING"
              : "DEGRADED";
        const reason = up
          ? isBroker(b)
            ? "Registered with the cluster"
            : "Controller running"
          : o.running
            ? "Process running, not registered with the cluster yet"
            : `Not running${o.lastExit ? ` (last exit ${o.lastExit})` : ""}; restart pending`;
        if (
          b.status !== status ||
          b.statusReason !== reason ||
          Number(b.diskUsedBytes) !== o.diskUsedBytes ||
          b.pid !== o.pid
        ) {
          await updateBroker(db, b.id, {
            status,
            statusReason: reason,
            diskUsedBytes: BigInt(o.diskUsedBytes),
            pid: o.pid,
          });
        }
      }

      // 5. Metering: run intervals follow the processes.
      await syncRunIntervals(db, cluster, after);

      const down = cluster.brokers.filter((b) => !after.get(b.nodeId)?.running && !leaving.has(b.nodeId));
      const unregistered = brokerNodes.filter((b) => after.get(b.nodeId)?.running && !registered.has(b.nodeId));
      const nodesUp = cluster.brokers.filter((b) => after.get(b.nodeId)?.running).length;
      const ready = down.length === 0 && unregistered.length === 0 && !kafkaError;
      const progressTotal = cluster.brokers.length * 2 + 1;
      const progressDone =
        Math.min(
          progressTotal - 1,
          nodesUp +
            brokerNodes.filter((b) => registered.has(b.nodeId)).length +
            (cluster.brokers.length - brokerNodes.length),
        ) + (ready ? 1 : 0);
      await db.kafkaCluster.updateMany({
        where: { id },
        data: { bootstrapServers, progressDone, progressTotal },
      });

      if (firstRun && !ready) {
        return {
          status: "PROVISIONING",
          statusReason: `Starting brokers: ${nodesUp} of ${cluster.brokers.length} nodes running, ${registered.size} of ${brokerNodes.length} brokers registered`,
          conditions: [{ type: "Ready", status: "False", reason: "Provisioning", message: "Brokers are starting" }],
          requeueAfterMs: 1000,
        };
      }
      if (firstRun && ready) {
        await event({
          type: "NORMAL",
          reason: "ClusterRunning",
          message: `All ${plural(brokerNodes.length, "broker")} registered; bootstrap servers ${bootstrapServers}.`,
        });
      }

      // 6. Scaling, once the cluster itself is healthy.
      if (ready && scale.add.length === 0) {
        const step = await scaleStep({ db, cluster, admin: admin!, topics, leaving, event });
        if (step) return step;
      }

      const balanced = asConditions(cluster.conditions).find((c) => c.type === "Balanced");
      const scaling =
        leaving.size > 0 || (cluster.generation > 1 && balanced?.observedGeneration !== cluster.generation);
      if (!ready && scaling) {
        return {
          status: "UPDATING",
          statusReason: `Scaling to ${plural(cluster.brokerCount, "broker")}: ${nodesUp} of ${cluster.brokers.length} nodes running, ${registered.size} of ${brokerNodes.length} brokers registered`,
          requeueAfterMs: 1000,
        };
      }
      if (!ready || underReplicated > 0) {
        const parts: string[] = [];
        if (down.length > 0) parts.push(`${down.map((b) => `node ${b.nodeId}`).join(", ")} down (restarting)`);
        if (unregistered.length > 0)
          parts.push(`${unregistered.map((b) => `broker ${b.nodeId}`).join(", ")} not registered yet`);
        if (kafkaError) parts.push(`the Admin API did not answer (${kafkaError})`);
        if (underReplicated > 0) parts.push(`${plural(underReplicated, "partition")} under-replicated`);
        return {
          status: "DEGRADED",
          statusReason: `Degraded: ${parts.join("; ")}`,
          conditions: [{ type: "Ready", status: "False", reason: "Degraded", message: parts.join("; ") }],
          requeueAfterMs: 1000,
        };
      }
      return {
        status: "RUNNING",
        statusReason: `${plural(brokerNodes.length, "broker")} running`,
        conditions: [
          {
            type: "Ready",
            status: "True",
            reason: "Running",
            message: "Every broker is registered and every partition in sync",
          },
          { type: "Scaled", status: "True", reason: "Scaled", message: `${plural(brokerNodes.length, "broker")}` },
          { type: "Balanced", status: "True", reason: "Balanced", message: "Partitions spread over the brokers" },
        ],
        requeueAfterMs: 5000,
      };
    },
  };
}

/** The error lines of a broker log tail (first few) and its last lines: what a user needs. */
/** A broker log line that says what went wrong. */
const isErrorLine = (line: string) => /ERROR|FATAL|Exception|Caused by/.test(line);

function failureExcerpt(tail: string): string {
  const lines = tail.split("\n");
  const errors = [...new Set(lines.filter(isErrorLine))].slice(0, 5);
  const last = lines.slice(-10);
  return [...errors, ...(errors.length ? ["…"] : []), ...last].join("\n").slice(0, 6000);
}

function lastMeaningfulLine(tail: string): string {
  const lines = tail.split("\n").filter(isErrorLine);
  return (lines.at(-1) ?? tail.split("\n").at(-1) ?? "").slice(0, 400);
}
