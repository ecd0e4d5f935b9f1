// Kafka Connect clusters as desired state: N distributed workers attached to one Weir Kafka
// cluster. The API validates, authorises and writes in one transaction the cluster, its workers'
// Kafka user (weir-connect-<id8>) with ACLs limited to its internal topics and its group, and the
// audit event, then wakes the controller, which creates the internal topics and starts the JVMs.
// Nothing here starts a process.
import { randomBytes, randomUUID } from "node:crypto";
import type { Db, Prisma } from "@weir/db";
import { env } from "@weir/env";
import { CONNECT_KAFKA_VERSION, connectInternalTopics, connectWorkerAcls } from "@weir/runtime";
import { z } from "zod";
import { notifyReconcile, recordAudit } from "../audit/record.ts";
import {
  type ClusterKind,
  confirmTypedName,
  markDeleting,
  scaleWorkers,
  projectForNewCluster,
  checkWorkerLimit,
} from "../cluster-changes.ts";
import { priceBookInForce } from "../billing/price-book.ts";
import { asConditions } from "../conditions.ts";
import type { OrgScope } from "../context.ts";
import { encryptSecret } from "../crypto.ts";
import { resourceEvents } from "../events.ts";
import { createWorkloadUser, notifyWorkloadUser } from "../kafka/workload-users.ts";
import { AppError, conflict, invalid, notFound, asNameConflict } from "../errors.ts";
import { resourceName } from "../names.ts";
import { requireRole } from "../roles.ts";
import { connectKafkaUsername, DEFAULT_CONNECT_INSTANCE_TYPE } from "./rules.ts";

const workerCount = z.number().int("Must be a whole number").min(1, "Must be at least 1").max(1000);

export const createConnectClusterInput = z.strictObject({
  name: resourceName,
  projectId: z.uuid().optional(),
  /** The Weir Kafka cluster the workers attach to (same organisation). */
  kafkaClusterId: z.uuid(),
  workerCount: workerCount.default(1),
  workerInstanceType: z.string().min(1, "Must not be empty").max(64).default(DEFAULT_CONNECT_INSTANCE_TYPE),
});

export const connectClusterIdInput = z.strictObject({ id: z.uuid() });

export const updateConnectClusterInput = z.strictObject({
  id: z.uuid(),
  workerCount,
  /** Optional optimistic concurrency: the generation the caller saw. */
  generation: z.number().int().optional(),
});

export const deleteConnectClusterInput = z.strictObject({
  id: z.uuid(),
  /** The console asks the user to type the cluster's name; the API accepts it as a check. */
  confirmName: z.string().max(200).optional(),
});

const include = {
  workers: { orderBy: { index: "asc" as const } },
  project: { select: { name: true } },
  kafkaCluster: { select: { id: true, name: true, status: true } },
  _count: { select: { connectors: true } },
};

type Row = Prisma.ConnectClusterGetPayload<{ include: typeof include }>;

const workerView = (w: Row["workers"][number]) => ({
  index: w.index,
  address: `${w.host}:${w.restPort}`,
  status: w.status,
  statusReason: w.statusReason,
  pid: w.pid,
  startedAt: w.status === "RUNNING" || w.status === "PROVISIONING" ? w.startedAt : null,
  restartCount: w.restartCount,
});

const view = (c: Row) => ({
  id: c.id,
  name: c.name,
  projectId: c.projectId,
  projectName: c.project.name,
  connectVersion: c.connectVersion,
  kafkaCluster: c.kafkaCluster,
  workerCount: c.workerCount,
  workerInstanceType: c.workerInstanceType,
  kafkaUsername: c.kafkaUsername,
  groupId: c.groupId,
  internalTopics: { config: c.configTopic, offset: c.offsetTopic, status: c.statusTopic },
  connectorCount: c._count.connectors,
  status: c.status,
  statusReason: c.statusReason,
  generation: c.generation,
  observedGeneration: c.observedGeneration,
  conditions: asConditions(c.conditions),
  progress: { done: c.progressDone, total: c.progressTotal },
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
  workers: c.workers.map(workerView),
});

export type ConnectClusterView = ReturnType<typeof view>;

const kind: ClusterKind<Row> = {
  kind: "ConnectCluster",
  label: "Connect cluster",
  auditType: "connect_cluster",
  refusal: (status) => `The Connect cluster is ${status === "DELETING" ? "being deleted" : "still starting"}.`,
  write: (tx, id, data) => tx.connectCluster.update({ where: { id }, data, include }),
};

function secretKey(): string {
  const key = env().WEIR_SECRET_KEY;
  if (!key) throw new AppError("UNAVAILABLE", "WEIR_SECRET_KEY is not set: start Weir with `pnpm start`.");
  return key;
}

/** The ACL rows of a Connect cluster's worker user: its group and its three internal topics, nothing else. */
export const connectWorkerAclRows = (connectClusterId: string, username: string) =>
  connectWorkerAcls(username, connectClusterId);

export function connectClustersService(db: Db) {
  async function find(scope: OrgScope, id: string): Promise<Row> {
    const c = await db.connectCluster.findFirst({ where: { id, orgId: scope.orgId }, include });
    if (!c) throw notFound("Connect cluster");
    return c;
  }

  async function instanceTypes() {
    const book = await priceBookInForce(db);
    return (book?.prices ?? []).filter((p) => p.dimension === "CONNECT_WORKER_HOURS");
  }

  return {
    async list(scope: OrgScope) {
      const rows = await db.connectCluster.findMany({
        where: { orgId: scope.orgId },
        include,
        orderBy: { createdAt: "desc" },
      });
      return rows.map(view);
    },

    async get(scope: OrgScope, input: z.infer<typeof connectClusterIdInput>) {
      return view(await find(scope, input.id));
    },

    /** What the create form offers: worker types from the price book in force, Kafka clusters, limits. */
    async options(scope: OrgScope) {
      const project = await db.project.findFirst({ where: { orgId: scope.orgId, isDefault: true } });
      const kafka = await db.kafkaCluster.findMany({
        where: { orgId: scope.orgId, status: { not: "DELETING" } },
        select: { id: true, name: true, status: true },
        orderBy: { createdAt: "desc" },
      });
      return {
        connectVersion: CONNECT_KAFKA_VERSION,
        instanceTypes: (await instanceTypes()).map((p) => ({
          sku: p.sku,
          vcpu: p.vcpu ?? 1,
          memoryGib: Number(p.memoryGib ?? 4),
          hourly: p.unitPrice.toString(),
        })),
        kafkaClusters: kafka,
        maxWorkers: project?.maxWorkersPerCluster ?? 8,
      };
    },

    async create(scope: OrgScope, input: z.infer<typeof createConnectClusterInput>) {
      requireRole(scope.role, "DEVELOPER", "create Connect clusters");
      const project = await projectForNewCluster(db, scope, input.projectId);
      checkWorkerLimit(project, input.workerCount);
      const types = await instanceTypes();
      if (!types.some((p) => p.sku === input.workerInstanceType)) {
        throw invalid(
          "workerInstanceType",
          `Unknown Connect worker type; choose one of ${types.map((p) => p.sku).join(", ")}`,
        );
      }
      const kafka = await db.kafkaCluster.findFirst({ where: { id: input.kafkaClusterId, orgId: scope.orgId } });
      if (!kafka) throw invalid("kafkaClusterId", "No such Kafka cluster in this organisation");
      if (kafka.status === "DELETING") {
        throw invalid("kafkaClusterId", `The Kafka cluster "${kafka.name}" is being deleted`);
      }
      if (kafka.runtime !== "local") {
        throw invalid("kafkaClusterId", "Connect clusters attach to Kafka clusters run by the local driver only");
      }

      const key = secretKey();
      const id = randomUUID();
      const username = connectKafkaUsername(id);
      const password = randomBytes(24).toString("base64url");
      const topics = connectInternalTopics(id);
      try {
        const cluster = await db.$transaction(async (tx) => {
          const count = await tx.connectCluster.count({ where: { projectId: project.id } });
          // Connect clusters count against the project's compute-cluster limit.
          if (count >= project.maxComputeClusters) {
            throw conflict(
              `The project already has ${count} Connect clusters, its limit; delete one first.`,
              "projectId",
            );
          }
          const c = await tx.connectCluster.create({
            data: {
              id,
              orgId: scope.orgId,
              projectId: project.id,
              name: input.name,
              connectVersion: CONNECT_KAFKA_VERSION,
              kafkaClusterId: kafka.id,
              workerCount: input.workerCount,
              workerInstanceType: input.workerInstanceType,
              runtime: "local",
              kafkaUsername: username,
              kafkaPasswordEncrypted: encryptSecret(password, key),
              groupId: topics.group,
              configTopic: topics.config,
              offsetTopic: topics.offset,
              statusTopic: topics.status,
              statusReason: "Waiting for the controller",
              progressTotal: input.workerCount + 3,
            },
            include,
          });
          const access = await createWorkloadUser(
            tx,
            kafka.id,
            username,
            encryptSecret(password, key),
            connectWorkerAclRows(id, username),
          );
          await recordAudit(tx, scope, {
            action: "connect_cluster.create",
            resourceType: "connect_cluster",
            resourceId: c.id,
            resourceName: c.name,
            details: {
              kafkaClusterId: kafka.id,
              workerCount: c.workerCount,
              workerInstanceType: c.workerInstanceType,
              kafkaUser: username,
              aclIds: access.aclIds,
            },
          });
          await notifyReconcile(tx, "ConnectCluster", c.id);
          await notifyWorkloadUser(tx, access);
          return c;
        });
        return view(cluster);
      } catch (err) {
        throw asNameConflict(err, `A Connect cluster named "${input.name}" already exists in this project`);
      }
    },

    /** Changes the worker count; the controller starts workers or stops the highest ones (Connect rebalances). */
    async update(scope: OrgScope, input: z.infer<typeof updateConnectClusterInput>) {
      requireRole(scope.role, "DEVELOPER", "change Connect clusters");
      return view(await scaleWorkers(db, scope, kind, await find(scope, input.id), input));
    },

    /** The controller deletes the connectors, stops the workers, and removes the user, ACLs and internal topics. */
    async delete(scope: OrgScope, input: z.infer<typeof deleteConnectClusterInput>) {
      requireRole(scope.role, "DEVELOPER", "delete Connect clusters");
      const c = await find(scope, input.id);
      confirmTypedName(kind, c, input.confirmName);
      if (c.status === "DELETING") return view(c);
      const updated = await markDeleting(
        db,
        scope,
        kind,
        c,
        "Deleting connectors, stopping workers, removing the Kafka user, ACLs and internal topics",
        async (tx) => {
          const connectors = await tx.connector.findMany({
            where: { connectClusterId: c.id, status: { not: "DELETING" } },
            select: { id: true },
          });
          if (connectors.length > 0) {
            await tx.connector.updateMany({
              where: { id: { in: connectors.map((x) => x.id) } },
              data: {
                status: "DELETING",
                statusReason: "Deleted with its Connect cluster",
                generation: { increment: 1 },
              },
            });
            for (const x of connectors) await notifyReconcile(tx, "Connector", x.id);
          }
        },
      );
      return view(updated);
    },

    async events(scope: OrgScope, input: z.infer<typeof connectClusterIdInput>) {
      await find(scope, input.id);
      return resourceEvents(db, "ConnectCluster", input.id);
    },
  };
}
