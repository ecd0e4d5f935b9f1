// Kafka clusters as desired state: the API validates, authorises and records what the user
// asked for (and an audit event) in one transaction, then wakes the controller, which does the
// work. Nothing here starts a process or talks to Kafka.
import { queryRows, type Db } from "@weir/db";
import { env } from "@weir/env";
import {
  BROKER_CONFIG_KEYS,
  DEFAULT_KAFKA_VERSION,
  KAFKA_VERSIONS,
  MAX_ZONES,
  asBrokerConfig,
  brokerConfigChange,
  brokerConfigNames,
  compareKafkaVersions,
  kafkaUpgradeProblem,
  mergeBrokerConfig,
  upgradingTo,
  zoneOf,
} from "@weir/runtime";
import { z } from "zod";
import { notifyReconcile, recordAudit } from "../audit/record.ts";
import {
  type ClusterKind,
  checkChangeable,
  confirmTypedName,
  markDeleting,
  projectForNewCluster,
} from "../cluster-changes.ts";
import { priceBookInForce } from "../billing/price-book.ts";
import type { OrgScope } from "../context.ts";
import { decryptSecret } from "../crypto.ts";
import { AppError, conflict, invalid, notFound, asNameConflict } from "../errors.ts";
import { resourceName } from "../names.ts";
import { requireRole } from "../roles.ts";
import { asConditions } from "../conditions.ts";
import { resourceEvents } from "../events.ts";
import { defaultProjectQuotas } from "../orgs/provision.ts";
import { chooseRuntime, clusterRuntime, runtimeChoices } from "../compute/clusters.ts";
import { clusterPrometheusText } from "./prometheus.ts";
import {
  caCertificateOf,
  clusterSecurityProtocol,
  rotateCertificates,
  rotateCertificatesInput,
  tlsView,
} from "./tls.ts";
import {
  DEFAULT_STORAGE_PROTECTION,
  STORAGE_PROTECTIONS,
  STORAGE_WARN_RATIO,
  formatBytes,
  type StorageProtection,
} from "./storage-rules.ts";

/** Below this a broker cannot hold its own logs and the internal topics comfortably. */
const MIN_STORAGE_GB = 10;
/** Brokers 1-3 of a cluster created with 3 or fewer also run the KRaft quorum. */
const MAX_COMBINED = 3;

/** A broker's provisioned storage in bytes (1 GB = 1 GiB; tests shrink it, see WEIR_STORAGE_GB_BYTES). */
export const storageQuotaBytes = (gb: number) => gb * env().WEIR_STORAGE_GB_BYTES;

const storageGb = z.number().int("Must be a whole number").min(MIN_STORAGE_GB, `Must be at least ${MIN_STORAGE_GB} GB`);
const storageProtection = z
  .enum(STORAGE_PROTECTIONS)
  .describe(
    'What happens when a broker\'s log dirs pass 95 % of its storage: "retention-bytes" caps the largest topics\' retention.bytes, "alert-only" only warns',
  );

export const createClusterInput = z.strictObject({
  name: resourceName,
  projectId: z.uuid().optional(),
  brokerCount: z.number().int("Must be a whole number").min(1, "Must be at least 1"),
  brokerInstanceType: z.string().min(1, "Must not be empty").max(64),
  storageGbPerBroker: storageGb,
  storageProtection: storageProtection.default(DEFAULT_STORAGE_PROTECTION),
  /** Zones (failure domains) the brokers are spread over; each partition's replicas in distinct ones. */
  zoneCount: z
    .number()
    .int("Must be a whole number")
    .min(1, "Must be at least 1")
    .max(MAX_ZONES, `Must be at most ${MAX_ZONES}`)
    .default(1),
  kafkaVersion: z.string().default(DEFAULT_KAFKA_VERSION),
  /**
   * Also a SASL_PLAINTEXT listener on 127.0.0.1 next to the SASL_SSL one (local runtime), for
   * clients on the Weir host that cannot do TLS. Off by default.
   */
  plaintextLoopback: z
    .boolean()
    .default(false)
    .describe(
      "Also expose a SASL_PLAINTEXT listener bound to 127.0.0.1 (local runtime only); the client listener is always SASL_SSL with the cluster's own CA",
    ),
  /** Default: WEIR_RUNTIME. "kubernetes" (Strimzi) needs a configured Kubernetes API. */
  runtime: clusterRuntime.optional(),
});

export const clusterIdInput = z.strictObject({ id: z.uuid() });

const brokerConfigValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Each key Weir lets users change, documented; any other key is refused naming brokerConfig.<key>. */
const brokerConfigPatch = z
  .object(
    Object.fromEntries(
      brokerConfigNames.map((k) => {
        const key = BROKER_CONFIG_KEYS[k];
        const how = key.apply === "live" ? "applies live, no restart" : "restarts the brokers one at a time";
        return [k, brokerConfigValue.optional().describe(`${key.description}; ${how}`)];
      }),
    ),
  )
  .catchall(brokerConfigValue)
  .describe(
    "Cluster-level broker configs to change, merged into the current ones (null puts a key back to Weir's default). Live keys are set as the cluster-wide dynamic defaults at once; the others roll the brokers one at a time, never below min.insync.replicas",
  );

export const updateClusterInput = z.strictObject({
  id: z.uuid(),
  brokerCount: z.number().int("Must be a whole number").min(1, "Must be at least 1").optional(),
  /** Growing applies live; shrinking is refused while the data would not fit. */
  storageGbPerBroker: storageGb.optional(),
  storageProtection: storageProtection.optional(),
  brokerConfig: brokerConfigPatch.optional(),
  /**
   * An in-place upgrade to a newer offered release (local runtime): the nodes move to the new
   * binaries one at a time, then metadata.version is raised. A downgrade is refused.
   */
  kafkaVersion: z.string().min(1, "Must not be empty").optional(),
  /** Optional optimistic concurrency: the generation the caller saw. */
  generation: z.number().int().optional(),
});

export const deleteClusterInput = z.strictObject({
  id: z.uuid(),
  /** The console asks the user to type the cluster's name; the API accepts it as a check. */
  confirmName: z.string().optional(),
});

export const clusterMetricsInput = z.strictObject({
  id: z.uuid(),
  minutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(72 * 60)
    .default(60),
  nodeId: z.coerce.number().int().optional(),
});

type ClusterRow = Awaited<ReturnType<Db["kafkaCluster"]["findFirstOrThrow"]>> & {
  brokers?: Awaited<ReturnType<Db["broker"]["findMany"]>>;
  project?: { name: string };
};

/**
 * An upgrade in progress: the release the cluster moves to and how many of its brokers run it
 * (the controller records each node's release), until metadata.version is raised.
 */
function upgradeView(c: ClusterRow): { to: string; brokersDone: number; brokers: number } | null {
  const to = upgradingTo({ kafkaVersion: c.kafkaVersion, metadataVersion: c.metadataVersion ?? null });
  if (!to) return null;
  const brokers = (c.brokers ?? []).filter((b) => b.roles.includes("broker"));
  return { to, brokersDone: brokers.filter((b) => b.kafkaVersion === to).length, brokers: brokers.length };
}

const view = (c: ClusterRow) => ({
  id: c.id,
  name: c.name,
  projectId: c.projectId,
  projectName: c.project?.name ?? null,
  kafkaVersion: c.kafkaVersion,
  metadataVersion: c.metadataVersion ?? null,
  upgrade: upgradeView(c),
  // Strimzi upgrades its own way; a local cluster may move to any newer offered release.
  upgradableTo:
    c.runtime === "kubernetes" ? [] : KAFKA_VERSIONS.filter((v) => compareKafkaVersions(v, c.kafkaVersion) > 0),
  brokerCount: c.brokerCount,
  brokerInstanceType: c.brokerInstanceType,
  storageGbPerBroker: c.storageGbPerBroker,
  storageQuotaBytes: storageQuotaBytes(c.storageGbPerBroker),
  storageProtection: c.storageProtection as StorageProtection,
  zoneCount: c.zoneCount,
  /** The user's broker config overrides in force (Weir's defaults for every other key). */
  brokerConfig: asBrokerConfig(c.brokerConfig),
  saslMechanism: c.saslMechanism,
  // SASL_SSL with the cluster's CA (Strimzi's listener is TLS too); SASL_PLAINTEXT: created before TLS.
  ...tlsView(c),
  runtime: c.runtime as "local" | "kubernetes",
  bootstrapServers: c.bootstrapServers,
  status: c.status,
  statusReason: c.statusReason,
  generation: c.generation,
  observedGeneration: c.observedGeneration,
  conditions: asConditions(c.conditions),
  progress: { done: c.progressDone, total: c.progressTotal },
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
  brokers: (c.brokers ?? [])
    .filter((b) => b.roles.includes("broker") || c.brokers!.every((x) => !x.roles.includes("broker")))
    .map((b) => ({
      nodeId: b.nodeId,
      roles: b.roles,
      zone: zoneOf(b.nodeId, c.zoneCount),
      address: b.port ? `${b.host}:${b.port}` : null,
      status: b.status,
      statusReason: b.statusReason,
      pid: b.pid,
      startedAt: b.status === "RUNNING" || b.status === "PROVISIONING" ? b.startedAt : null,
      restartCount: b.restartCount,
      diskUsedBytes: Number(b.diskUsedBytes),
      kafkaVersion: b.kafkaVersion ?? null,
    })),
  controllers: (c.brokers ?? [])
    .filter((b) => b.roles.includes("controller"))
    .map((b) => ({ nodeId: b.nodeId, status: b.status, combined: b.roles.includes("broker") })),
});

const fieldNames = new Map<string, string>();
/** A column's model field name: the schema maps each field to its snake_case column. */
function fieldOf(column: string): string {
  let field = fieldNames.get(column);
  if (field === undefined) {
    field = column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    fieldNames.set(column, field);
  }
  return field;
}
const BROKER_DATES: ReadonlySet<string> = new Set(["lastRestartAt", "startedAt", "createdAt", "updatedAt"]);

/**
 * A raw row under the model's field names, the fields in `dates` turned back into Dates
 * (json_agg writes timestamps as strings).
 */
function modelFields(row: Record<string, unknown>, dates?: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const column in row) {
    const field = fieldOf(column);
    const value = row[column];
    out[field] = dates?.has(field) && typeof value === "string" ? new Date(value) : value;
  }
  return out;
}

/** A cluster as `view` shows it: its brokers in node order, its project's name. */
const include = { brokers: { orderBy: { nodeId: "asc" as const } }, project: { select: { name: true } } };

const kind: ClusterKind<ClusterRow> = {
  kind: "KafkaCluster",
  label: "cluster",
  auditType: "kafka_cluster",
  refusal: (status) =>
    status === "DELETING" ? "The cluster is being deleted." : "Wait until the cluster is running before changing it.",
  write: (tx, id, data) => tx.kafkaCluster.update({ where: { id }, data, include }),
};

/**
 * An in-place upgrade: only forward, to an offered release, on the local runtime (Strimzi
 * upgrades its own way), and not in the same request as a scale (one roll at a time).
 */
function checkUpgrade(c: ClusterRow, to: string, brokerCount: number) {
  const problem = kafkaUpgradeProblem(c.kafkaVersion, to);
  if (problem?.code === "conflict") throw conflict(problem.message, "kafkaVersion");
  if (problem) throw invalid("kafkaVersion", problem.message);
  if (c.runtime === "kubernetes") {
    throw invalid("kafkaVersion", "In-place upgrades are built for the local runtime only");
  }
  if (brokerCount !== c.brokerCount) {
    throw invalid("kafkaVersion", "Upgrade Kafka and change the broker count in separate requests");
  }
}

export function clustersService(db: Db) {
  async function find(scope: OrgScope, id: string) {
    const c = await db.kafkaCluster.findFirst({ where: { id, orgId: scope.orgId }, include });
    if (!c) throw notFound("Kafka cluster");
    return c;
  }

  return {
    // One query, the brokers aggregated per cluster and the project joined, where findMany's
    // includes make three, sent through pg (queryRows): on a busy host each round trip to Postgres,
    // and Prisma's own work per query, cost more than the rest of an API call (see bench/api).
    // The rows are the model's, so `view` is the same for both.
    async list(scope: OrgScope) {
      const rows = await queryRows<Record<string, unknown>>(
        db,
        `SELECT c.*, p.name AS project_name,
                COALESCE(json_agg(b ORDER BY b.node_id) FILTER (WHERE b.id IS NOT NULL), '[]') AS broker_rows
         FROM kafka_clusters c
         JOIN projects p ON p.id = c.project_id
         LEFT JOIN brokers b ON b.cluster_id = c.id
         WHERE c.org_id = $1::uuid
         GROUP BY c.id, p.name
         ORDER BY c.created_at DESC`,
        [scope.orgId],
      );
      return rows.map((row) => {
        const c = modelFields(row);
        c.project = { name: c.projectName };
        c.brokers = (c.brokerRows as Array<Record<string, unknown>>).map((b) => modelFields(b, BROKER_DATES));
        return view(c as unknown as ClusterRow);
      });
    },

    async get(scope: OrgScope, input: z.infer<typeof clusterIdInput>) {
      return view(await find(scope, input.id));
    },

    /** What the create form offers: broker types from the price book in force, versions, limits. */
    async options(scope: OrgScope) {
      const book = await priceBookInForce(db);
      const project = await db.project.findFirst({ where: { orgId: scope.orgId, isDefault: true } });
      return {
        kafkaVersions: [...KAFKA_VERSIONS],
        defaultKafkaVersion: DEFAULT_KAFKA_VERSION,
        instanceTypes: (book?.prices ?? [])
          .filter((p) => p.dimension === "BROKER_HOURS")
          .map((p) => ({
            sku: p.sku,
            vcpu: p.vcpu ?? 0,
            memoryGib: Number(p.memoryGib ?? 0),
            hourly: p.unitPrice.toString(),
          })),
        minStorageGb: MIN_STORAGE_GB,
        maxStorageGb: project?.maxStorageGbPerBroker ?? defaultProjectQuotas.maxStorageGbPerBroker,
        maxBrokers: project?.maxBrokersPerCluster ?? defaultProjectQuotas.maxBrokersPerCluster,
        ...runtimeChoices(),
      };
    },

    async create(scope: OrgScope, input: z.infer<typeof createClusterInput>) {
      requireRole(scope.role, "DEVELOPER", "create Kafka clusters");
      const project = await projectForNewCluster(db, scope, input.projectId);
      if (input.brokerCount > project.maxBrokersPerCluster) {
        throw invalid("brokerCount", `Must be at most ${project.maxBrokersPerCluster} (the project's limit)`);
      }
      if (input.storageGbPerBroker > project.maxStorageGbPerBroker) {
        throw invalid(
          "storageGbPerBroker",
          `Must be at most ${project.maxStorageGbPerBroker} GB (the project's limit)`,
        );
      }
      if (input.zoneCount > input.brokerCount) {
        throw invalid(
          "zoneCount",
          `Must be at most the broker count (${input.brokerCount}): every zone needs a broker`,
        );
      }
      if (!(KAFKA_VERSIONS as readonly string[]).includes(input.kafkaVersion)) {
        throw invalid("kafkaVersion", `Unknown Kafka version; Weir offers ${KAFKA_VERSIONS.join(", ")}`);
      }
      const runtime = chooseRuntime(input.runtime);
      if (runtime === "kubernetes" && input.plaintextLoopback) {
        throw invalid("plaintextLoopback", "A plaintext loopback listener is built for the local runtime only");
      }
      if (runtime === "kubernetes" && input.zoneCount > 1) {
        throw invalid("zoneCount", "Zones are built for the local runtime only; on Kubernetes, use 1");
      }
      const book = await priceBookInForce(db);
      const type = book?.prices.find((p) => p.dimension === "BROKER_HOURS" && p.sku === input.brokerInstanceType);
      if (!type) {
        const offered = (book?.prices ?? []).filter((p) => p.dimension === "BROKER_HOURS").map((p) => p.sku);
        throw invalid("brokerInstanceType", `Unknown broker instance type; choose one of ${offered.join(", ")}`);
      }
      try {
        const cluster = await db.$transaction(async (tx) => {
          const count = await tx.kafkaCluster.count({ where: { projectId: project.id } });
          if (count >= project.maxKafkaClusters) {
            throw new AppError(
              "CONFLICT",
              `The project already has ${count} Kafka clusters, its limit; delete one first.`,
            );
          }
          const c = await tx.kafkaCluster.create({
            data: {
              orgId: scope.orgId,
              projectId: project.id,
              name: input.name,
              kafkaVersion: input.kafkaVersion,
              brokerCount: input.brokerCount,
              brokerInstanceType: input.brokerInstanceType,
              storageGbPerBroker: input.storageGbPerBroker,
              storageProtection: input.storageProtection,
              zoneCount: input.zoneCount,
              plaintextLoopback: input.plaintextLoopback,
              runtime,
              statusReason: "Waiting for the controller",
              progressTotal: input.brokerCount * 2 + 1,
            },
            include: { brokers: true, project: { select: { name: true } } },
          });
          await recordAudit(tx, scope, {
            action: "kafka_cluster.create",
            resourceType: "kafka_cluster",
            resourceId: c.id,
            resourceName: c.name,
            details: {
              brokerCount: c.brokerCount,
              brokerInstanceType: c.brokerInstanceType,
              storageGbPerBroker: c.storageGbPerBroker,
              zoneCount: c.zoneCount,
            },
          });
          await notifyReconcile(tx, "KafkaCluster", c.id);
          return c;
        });
        return view(cluster);
      } catch (err) {
        throw asNameConflict(err, `A cluster named "${input.name}" already exists in this project`);
      }
    },

    /**
     * Changes the broker count (scale out or in; the controller moves partitions), the storage
     * per broker (growing applies live; shrinking is refused while the data would not fit) and
     * the storage protection.
     */
    async update(scope: OrgScope, input: z.infer<typeof updateClusterInput>) {
      requireRole(scope.role, "DEVELOPER", "change Kafka clusters");
      const c = await find(scope, input.id);
      checkChangeable(kind, c, input.generation);
      const project = await db.project.findFirstOrThrow({ where: { id: c.projectId } });
      const brokerCount = input.brokerCount ?? c.brokerCount;
      const storage = input.storageGbPerBroker ?? c.storageGbPerBroker;
      const protection = input.storageProtection ?? c.storageProtection;
      const kafkaVersion = input.kafkaVersion ?? c.kafkaVersion;
      if (kafkaVersion !== c.kafkaVersion) checkUpgrade(c, kafkaVersion, brokerCount);
      if (brokerCount > project.maxBrokersPerCluster) {
        throw invalid("brokerCount", `Must be at most ${project.maxBrokersPerCluster} (the project's limit)`);
      }
      const combined = c.brokers.filter((b) => b.roles === "broker,controller").length;
      if (brokerCount < combined) {
        throw invalid(
          "brokerCount",
          `Must be at least ${combined}: brokers 1-${Math.min(combined, MAX_COMBINED)} also run this cluster's controller quorum`,
        );
      }
      if (brokerCount < c.zoneCount) {
        throw invalid(
          "brokerCount",
          `Must be at least ${c.zoneCount}: the cluster spreads over ${c.zoneCount} zones, each needs a broker`,
        );
      }
      if (brokerCount < c.brokerCount) {
        const tooWide = await db.topic.findFirst({
          where: { clusterId: c.id, replicationFactor: { gt: brokerCount } },
          select: { name: true, replicationFactor: true },
        });
        if (tooWide) {
          throw invalid(
            "brokerCount",
            `Topic "${tooWide.name}" has replication factor ${tooWide.replicationFactor}; the cluster needs at least that many brokers`,
          );
        }
      }
      if (storage > project.maxStorageGbPerBroker) {
        throw invalid(
          "storageGbPerBroker",
          `Must be at most ${project.maxStorageGbPerBroker} GB (the project's limit)`,
        );
      }
      if (storage < c.storageGbPerBroker) {
        // What the brokers' log dirs hold now (the controller's last look at each): the new size
        // must leave it below the warning threshold, or the cluster would degrade at once.
        const fullest = c.brokers.reduce<(typeof c.brokers)[number] | null>(
          (m, b) => (b.roles.includes("broker") && (!m || b.diskUsedBytes > m.diskUsedBytes) ? b : m),
          null,
        );
        const used = Number(fullest?.diskUsedBytes ?? 0);
        const fits = storageQuotaBytes(storage) * STORAGE_WARN_RATIO;
        if (used > fits) {
          throw conflict(
            `Broker ${fullest!.nodeId} holds ${formatBytes(used)}; ${storage} GB per broker would leave it above ${STORAGE_WARN_RATIO * 100} % (${formatBytes(fits)}). Delete data or lower retention first, or keep at least ${Math.ceil(used / STORAGE_WARN_RATIO / storageQuotaBytes(1))} GB.`,
            "storageGbPerBroker",
          );
        }
      }
      const before = asBrokerConfig(c.brokerConfig);
      let brokerConfig = before;
      if (input.brokerConfig) {
        if (c.runtime === "kubernetes") {
          throw invalid(
            "brokerConfig",
            "Broker configs are applied by the local runtime only; Strimzi clusters keep theirs",
          );
        }
        const merged = mergeBrokerConfig(before, input.brokerConfig, {
          brokerCount,
          // Internal topics' replication, fixed at creation: combined nodes (1-3), else 3.
          defaultReplication: combined > 0 ? Math.min(3, combined) : 3,
        });
        if (merged.issues.length > 0) {
          throw new AppError("VALIDATION_FAILED", merged.issues.map((i) => i.message).join("; "), {
            fields: Object.fromEntries(merged.issues.map((i) => [i.field, i.message])),
          });
        }
        brokerConfig = merged.config;
      }
      const configChange = brokerConfigChange(before, brokerConfig);
      const changes: Record<string, { from: string | number; to: string | number }> = {};
      for (const k of [...configChange.live, ...configChange.restart]) {
        changes[`brokerConfig.${k}`] = {
          from: before[k as keyof typeof before] ?? "default",
          to: brokerConfig[k as keyof typeof brokerConfig] ?? "default",
        };
      }
      if (brokerCount !== c.brokerCount) changes.brokerCount = { from: c.brokerCount, to: brokerCount };
      if (storage !== c.storageGbPerBroker) changes.storageGbPerBroker = { from: c.storageGbPerBroker, to: storage };
      if (protection !== c.storageProtection) changes.storageProtection = { from: c.storageProtection, to: protection };
      if (kafkaVersion !== c.kafkaVersion) changes.kafkaVersion = { from: c.kafkaVersion, to: kafkaVersion };
      if (Object.keys(changes).length === 0) return view(c);
      const scaling = brokerCount !== c.brokerCount;
      const rolling = configChange.restart.length > 0;
      const updated = await db.$transaction(async (tx) => {
        const u = await tx.kafkaCluster.update({
          where: { id: c.id },
          data: {
            brokerCount,
            storageGbPerBroker: storage,
            storageProtection: protection,
            kafkaVersion,
            brokerConfig,
            generation: { increment: 1 },
            // Storage and protection apply live: only scaling changes the status.
            ...(scaling
              ? { status: "UPDATING", statusReason: `Scaling from ${c.brokerCount} to ${brokerCount} brokers` }
              : rolling
                ? {
                    status: "UPDATING",
                    statusReason: `Restarting the brokers one at a time for ${configChange.restart.join(", ")}`,
                  }
                : {}),
            ...(kafkaVersion !== c.kafkaVersion
              ? { status: "UPDATING", statusReason: `Upgrading from Kafka ${c.kafkaVersion} to ${kafkaVersion}` }
              : {}),
          },
          include,
        });
        await recordAudit(tx, scope, {
          action: "kafka_cluster.update",
          resourceType: "kafka_cluster",
          resourceId: c.id,
          resourceName: c.name,
          details: changes,
        });
        await notifyReconcile(tx, "KafkaCluster", c.id);
        return u;
      });
      return view(updated);
    },

    async delete(scope: OrgScope, input: z.infer<typeof deleteClusterInput>) {
      requireRole(scope.role, "DEVELOPER", "delete Kafka clusters");
      const c = await find(scope, input.id);
      confirmTypedName(kind, c, input.confirmName);
      return view(await markDeleting(db, scope, kind, c, "Stopping brokers and deleting data"));
    },

    /**
     * The admin (super user) credential, for owners and admins only, and audited. Users with
     * narrower rights get their own SCRAM users with ACLs.
     */
    async revealAdminCredential(scope: OrgScope, input: z.infer<typeof clusterIdInput>, secretKey: string | undefined) {
      requireRole(scope.role, "ADMIN", "see a cluster's admin credential");
      const c = await find(scope, input.id);
      if (!c.adminPasswordEncrypted || !secretKey) {
        throw conflict("The cluster's credentials are not ready yet; wait until it is running.");
      }
      await db.$transaction(async (tx) => {
        await recordAudit(tx, scope, {
          action: "kafka_cluster.reveal_admin_credential",
          resourceType: "kafka_cluster",
          resourceId: c.id,
          resourceName: c.name,
        });
      });
      return {
        username: c.adminUsername ?? "weir-admin",
        password: decryptSecret(c.adminPasswordEncrypted, secretKey),
        mechanism: c.saslMechanism,
        securityProtocol: clusterSecurityProtocol(c),
        // What a SASL_SSL client trusts (null: SASL_PLAINTEXT, or Strimzi's CA in Kubernetes).
        caCertificatePem: c.runtime !== "kubernetes" && c.securityProtocol === "SASL_SSL" ? c.caCertPem : null,
        bootstrapServers: c.bootstrapServers,
      };
    },

    /** The cluster's CA certificate (PEM), which clients of a SASL_SSL cluster trust. */
    async caCertificate(scope: OrgScope, input: z.infer<typeof clusterIdInput>) {
      return caCertificateOf(await find(scope, input.id));
    },

    /** New broker certificates from the same CA, rolled out one broker at a time. */
    async rotateCertificates(scope: OrgScope, input: z.infer<typeof rotateCertificatesInput>) {
      return view(await rotateCertificates(db, scope, kind, await find(scope, input.id), input));
    },

    async events(scope: OrgScope, input: z.infer<typeof clusterIdInput>) {
      await find(scope, input.id);
      return resourceEvents(db, "KafkaCluster", input.id);
    },

    /** The cluster's and each broker's metrics in Prometheus' text format (see prometheus.ts). */
    prometheus(scope: OrgScope, input: z.infer<typeof clusterIdInput>): Promise<string> {
      return clusterPrometheusText(db, scope, input.id);
    },

    async metrics(scope: OrgScope, input: z.infer<typeof clusterMetricsInput>) {
      const c = await find(scope, input.id);
      const since = new Date(Date.now() - input.minutes * 60_000);
      const rows = await db.clusterMetricSample.findMany({
        where: { clusterId: c.id, nodeId: input.nodeId ?? null, sampledAt: { gte: since } },
        orderBy: { sampledAt: "asc" },
        take: 5000,
      });
      return {
        storageQuotaBytes: storageQuotaBytes(c.storageGbPerBroker) * (input.nodeId === undefined ? c.brokerCount : 1),
        samples: rows.map((r) => ({
          at: r.sampledAt,
          bytesInPerSec: r.bytesInPerSec,
          bytesOutPerSec: r.bytesOutPerSec,
          messagesInPerSec: r.messagesInPerSec,
          partitions: r.partitions,
          underReplicated: r.underReplicated,
          diskUsedBytes: Number(r.diskUsedBytes),
        })),
      };
    },
  };
}
