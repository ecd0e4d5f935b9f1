// Connectors on a Connect cluster as desired state. Before anything is written the config is
// checked by Connect itself (PUT /connector-plugins/{class}/config/validate on one of the
// cluster's workers), so a field Connect rejects is a 400 naming it. Then one transaction writes
// the connector (its config without secrets; the secrets encrypted with the same crypto as admin
// credentials), the connector's own Kafka user with ACLs limited to its topics, and the audit
// event. The controller hands the secrets to the workers as files of the directory config
// provider and puts the config, with ${dir:…} references, into Connect. No answer of this API
// carries a secret.
import { randomBytes, randomUUID } from "node:crypto";
import type { ConnectorModel, Db, Prisma } from "@weir/db";
import { env } from "@weir/env";
import {
  CONNECT_PLUGINS,
  ConnectError,
  ConnectRestClient,
  MIRROR_SOURCE_CONNECTOR,
  scramJaasConfig,
  type ConnectPluginId,
} from "@weir/runtime";
import { z } from "zod";
import { notifyReconcile, recordAudit } from "../audit/record.ts";
import { asConditions } from "../conditions.ts";
import type { OrgScope } from "../context.ts";
import { decryptSecret, encryptSecret } from "../crypto.ts";
import { resourceEvents } from "../events.ts";
import { createWorkloadUser, notifyWorkloadUser, type AclBindingRow } from "../kafka/workload-users.ts";
import { AppError, conflict, invalid, notFound, asNameConflict } from "../errors.ts";
import { resourceName } from "../names.ts";
import { requireRole } from "../roles.ts";
import { acceptsChanges, isServing } from "../status.ts";
import {
  connectorLagInput,
  createReplicationInput,
  replicationAcls,
  replicationLagSamples,
  replicationAliases,
  replicationConfig,
  SOURCE_JAAS_KEY,
} from "./replication.ts";
import { mirrorKafkaUsername } from "./replication-rules.ts";
import { CONNECTOR_DESIRED_STATES, connectorKafkaUsername } from "./rules.ts";
import { checkCdcSource } from "./source-checks.ts";

const PLUGIN_IDS = CONNECT_PLUGINS.map((p) => p.id) as [ConnectPluginId, ...ConnectPluginId[]];

const configMap = z
  .record(
    z.string().min(1, "A config key must not be empty").max(200),
    z.string().max(10_000, "Must be at most 10,000 characters"),
  )
  .refine((m) => Object.keys(m).length <= 200, "At most 200 keys");

export const connectorNameInput = z.strictObject({ id: z.uuid(), name: resourceName });

export const createConnectorInput = z.strictObject({
  id: z.uuid().describe("The Connect cluster"),
  name: resourceName,
  plugin: z.enum(PLUGIN_IDS),
  /** One of the plugin's connector classes; its first when absent. */
  connectorClass: z.string().max(300).optional(),
  /** The connector's config, without secrets (Weir sets connector.class, name and the Kafka credential). */
  config: configMap,
  /** Secret config values (a database password): kept encrypted, handed to the workers as files, never answered. */
  secrets: configMap.default({}),
  desiredState: z.enum(CONNECTOR_DESIRED_STATES).default("RUNNING"),
});

export const updateConnectorInput = z.strictObject({
  id: z.uuid(),
  name: resourceName,
  config: configMap.optional(),
  /** Replaces the stored secrets (keys absent are removed); kept as they are when absent. */
  secrets: configMap.optional(),
  generation: z.number().int().optional(),
});

export const restartConnectorInput = connectorNameInput;

/** Keys Weir sets itself: a connector's Kafka principal is its own, not one a config may name. */
const RESERVED = [/^name$/, /^connector\.class$/, /^(producer|consumer|admin)\.override\./, /^config\.providers/];
/** Keys whose values are secrets: they belong under `secrets`. */
const SECRET_KEY = /(password|secret|jaas\.config|credentials?)$/i;

type Row = ConnectorModel;

interface TaskSnapshot {
  id: number;
  state: string;
  workerId: string;
  trace: string | null;
  /** Which of a replication's Connect connectors the task belongs to (absent for one-connector kinds). */
  connector?: string;
}

interface ConnectorThroughputView {
  recordsInPerSec: number;
  recordsOutPerSec: number;
  recordsInTotal: number;
  recordsOutTotal: number;
  tasks: number;
  sampledAt: string;
}

const asTasks = (json: Prisma.JsonValue): TaskSnapshot[] =>
  Array.isArray(json) ? (json as unknown as TaskSnapshot[]) : [];

const replicationView = (sourceKafkaClusterId: string, config: Record<string, string>) => ({
  sourceKafkaClusterId,
  topics: config.topics ?? "",
  groups: config.groups ?? "",
  syncGroupOffsets: config["sync.group.offsets.enabled"] === "true",
  replicationPolicy: "identity" as const,
});

const view = (c: Row) => ({
  id: c.id,
  connectClusterId: c.connectClusterId,
  name: c.name,
  plugin: c.plugin as ConnectPluginId,
  connectorClass: c.connectorClass,
  config: c.config as Record<string, string>,
  /** Which secret keys are stored (never their values). */
  secretKeys: Object.keys(secretsOf(c)),
  desiredState: c.desiredState as "RUNNING" | "PAUSED",
  kafkaUsername: c.kafkaUsername,
  status: c.status,
  statusReason: c.statusReason,
  connectorState: c.connectorState,
  trace: c.trace,
  tasks: asTasks(c.tasks),
  /** Records per second in and out as the workers' task metrics last reported them; null until sampled. */
  throughput: (c.throughput as ConnectorThroughputView | null) ?? null,
  /** A replication from another Weir Kafka cluster (MirrorMaker 2), or null. */
  replication: c.sourceKafkaClusterId
    ? replicationView(c.sourceKafkaClusterId, c.config as Record<string, string>)
    : null,
  generation: c.generation,
  observedGeneration: c.observedGeneration,
  conditions: asConditions(c.conditions),
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

export type ConnectorView = ReturnType<typeof view>;

/** A connector's secrets, decrypted (for the workers and for Connect's validation; never answered). */
function secretsOf(c: Row): Record<string, string> {
  return c.secretsEncrypted
    ? (JSON.parse(decryptSecret(c.secretsEncrypted, secretKey())) as Record<string, string>)
    : {};
}

function secretKey(): string {
  const key = env().WEIR_SECRET_KEY;
  if (!key) throw new AppError("UNAVAILABLE", "WEIR_SECRET_KEY is not set: start Weir with `pnpm start`.");
  return key;
}

const binding = (
  principal: string,
  resourceType: "TOPIC" | "GROUP",
  resourceName: string,
  operation: string,
  patternType: "LITERAL" | "PREFIXED" = "LITERAL",
) => ({ principal, host: "*", resourceType, resourceName, patternType, operation, permission: "ALLOW" as const });

const splitList = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The topics a connector uses, by its plugin and config, as the ACLs of its own Kafka user:
 * a CDC source writes (and creates) the topics under its topic.prefix; a sink reads its topics as
 * its group connect-<name>; MirrorMaker 2 writes the topics it replicates under the source alias.
 */
export function connectorAclBindings(
  plugin: ConnectPluginId,
  name: string,
  username: string,
  config: Record<string, string>,
) {
  const p = `User:${username}`;
  switch (plugin) {
    case "debezium-postgres": {
      const prefix = config["topic.prefix"];
      if (!prefix)
        throw invalid(
          "config.topic.prefix",
          "A CDC connector needs topic.prefix: its topics are <prefix>.<schema>.<table>",
        );
      return ["WRITE", "CREATE", "DESCRIBE", "DESCRIBE_CONFIGS"].map((op) =>
        binding(p, "TOPIC", `${prefix}.`, op, "PREFIXED"),
      );
    }
    case "debezium-jdbc": {
      const topics = splitList(config.topics);
      if (topics.length === 0) {
        throw invalid(
          "config.topics",
          "A sink connector needs topics: the comma-separated topics it writes to the database",
        );
      }
      return [
        ...topics.flatMap((t) => [binding(p, "TOPIC", t, "READ"), binding(p, "TOPIC", t, "DESCRIBE")]),
        binding(p, "GROUP", `connect-${name}`, "READ"),
      ];
    }
    case "mirror": {
      const alias = config["source.cluster.alias"] || "source";
      return [
        ...["WRITE", "CREATE", "DESCRIBE", "DESCRIBE_CONFIGS", "ALTER_CONFIGS"].map((op) =>
          binding(p, "TOPIC", `${alias}.`, op, "PREFIXED"),
        ),
        ...["WRITE", "CREATE", "DESCRIBE"].map((op) => binding(p, "TOPIC", "heartbeats", op)),
      ];
    }
  }
}

/** The sink topics must exist on the Kafka cluster (a Topic row Weir manages). */
async function checkTopicsExist(
  db: Db,
  kafkaClusterId: string,
  plugin: ConnectPluginId,
  config: Record<string, string>,
) {
  if (plugin !== "debezium-jdbc") return;
  const topics = splitList(config.topics);
  const rows = await db.topic.findMany({
    where: { clusterId: kafkaClusterId, name: { in: topics }, status: { not: "DELETING" } },
    select: { name: true },
  });
  const missing = topics.filter((t) => !rows.some((r) => r.name === t));
  if (missing.length > 0) throw invalid("config.topics", `No such topic on the Kafka cluster: ${missing.join(", ")}`);
}

function checkKeys(config: Record<string, string>, secrets: Record<string, string>) {
  for (const key of Object.keys(config)) {
    if (RESERVED.some((r) => r.test(key))) throw invalid(`config.${key}`, "Weir sets this key itself; leave it out");
    if (SECRET_KEY.test(key))
      throw invalid(`config.${key}`, "A secret: send it under secrets, where it is kept encrypted");
  }
  for (const key of Object.keys(secrets)) {
    if (RESERVED.some((r) => r.test(key))) throw invalid(`secrets.${key}`, "Weir sets this key itself; leave it out");
    if (key in config) throw invalid(`secrets.${key}`, "Also in config; give it in one place");
  }
}

function connectorClassOf(plugin: ConnectPluginId, requested: string | undefined): string {
  const classes = CONNECT_PLUGINS.find((p) => p.id === plugin)!.connectorClasses;
  if (requested === undefined) return classes[0]!;
  if (!classes.includes(requested)) {
    throw invalid("connectorClass", `The ${plugin} plugin has ${classes.join(", ")}`);
  }
  return requested;
}

/** Translates Connect's REST errors: its own sentence, a 422 for what it refused, 503 when it does not answer. */
function connectFailure(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof ConnectError && e.status >= 400 && e.status < 500) {
    return new AppError("UNPROCESSABLE", `Kafka Connect refused the config: ${e.message}`, {
      fields: { config: e.message },
      cause: e,
    });
  }
  return new AppError(
    "UNAVAILABLE",
    `Kafka Connect did not answer: ${e instanceof Error ? e.message : String(e)}. Try again in a moment.`,
    { cause: e },
  );
}

export function connectorsService(db: Db) {
  async function cluster(scope: OrgScope, id: string) {
    const c = await db.connectCluster.findFirst({
      where: { id, orgId: scope.orgId },
      include: { workers: { orderBy: { index: "asc" } } },
    });
    if (!c) throw notFound("Connect cluster");
    return c;
  }

  async function find(scope: OrgScope, input: { id: string; name: string }): Promise<Row> {
    const c = await db.connector.findFirst({
      where: { connectClusterId: input.id, name: input.name, orgId: scope.orgId },
    });
    if (!c) throw notFound("Connector");
    return c;
  }

  /** A worker that answers; a 409 while the cluster does not run. */
  function servingWorker(c: Awaited<ReturnType<typeof cluster>>) {
    if (!isServing("ConnectCluster", c.status)) {
      throw conflict(
        `The Connect cluster is ${c.status.toLowerCase()}: connectors are checked by its workers, so it must be running.`,
      );
    }
    const worker = c.workers.find((w) => w.status === "RUNNING");
    if (!worker) throw conflict("No worker of the Connect cluster answers yet; try again in a moment.");
    return worker;
  }

  /**
   * The checks before a config is written: the cluster runs; a CDC source's database is reachable
   * and ready for logical replication (a 422 naming the field); then Connect's own validation on a
   * worker, a 400 naming each field it rejects.
   */
  async function validate(
    c: Awaited<ReturnType<typeof cluster>>,
    plugin: ConnectPluginId,
    connectorClass: string,
    name: string,
    config: Record<string, string>,
    secrets: Record<string, string>,
  ) {
    const worker = servingWorker(c);
    if (plugin === "debezium-postgres") await checkCdcSource(config, secrets);
    const client = new ConnectRestClient(`http://${worker.host}:${worker.restPort}`);
    const verdict = await client
      .validate(connectorClass, { ...config, ...secrets, name, "connector.class": connectorClass })
      .catch((e: unknown) => {
        throw connectFailure(e);
      });
    if (verdict.errorCount > 0) {
      const fields: Record<string, string> = {};
      for (const e of verdict.errors) {
        fields[`${e.field in secrets ? "secrets" : "config"}.${e.field}`] = e.messages.join("; ");
      }
      const first = Object.entries(fields)[0]!;
      throw new AppError("VALIDATION_FAILED", `Kafka Connect rejected the config: ${first[0]}: ${first[1]}`, {
        fields,
      });
    }
  }

  /**
   * One transaction: the connector (secrets encrypted), its own Kafka user with its ACLs on the
   * Connect cluster's Kafka cluster, for a replication Weir's user on the source cluster, and the
   * audit event.
   */
  async function insert(
    scope: OrgScope,
    k: {
      id: string;
      connectClusterId: string;
      kafkaClusterId: string;
      name: string;
      plugin: ConnectPluginId;
      connectorClass: string;
      config: Record<string, string>;
      secrets: Record<string, string>;
      desiredState: "RUNNING" | "PAUSED";
      username: string;
      password: string;
      acls: AclBindingRow[];
      source?: { kafkaClusterId: string; username: string; password: string; acls: AclBindingRow[] };
    },
  ): Promise<Row> {
    const key = secretKey();
    try {
      return await db.$transaction(async (tx) => {
        const r = await tx.connector.create({
          data: {
            id: k.id,
            orgId: scope.orgId,
            connectClusterId: k.connectClusterId,
            name: k.name,
            plugin: k.plugin,
            connectorClass: k.connectorClass,
            config: k.config,
            secretsEncrypted: Object.keys(k.secrets).length > 0 ? encryptSecret(JSON.stringify(k.secrets), key) : null,
            desiredState: k.desiredState,
            kafkaUsername: k.username,
            kafkaPasswordEncrypted: encryptSecret(k.password, key),
            sourceKafkaClusterId: k.source?.kafkaClusterId ?? null,
            statusReason: "Waiting for the controller",
          },
        });
        const access = await createWorkloadUser(
          tx,
          k.kafkaClusterId,
          k.username,
          encryptSecret(k.password, key),
          k.acls,
        );
        const src = k.source;
        const sourceAccess =
          src &&
          (await createWorkloadUser(tx, src.kafkaClusterId, src.username, encryptSecret(src.password, key), src.acls));
        await recordAudit(tx, scope, {
          action: "connector.create",
          resourceType: "connector",
          resourceId: r.id,
          resourceName: r.name,
          details: {
            connectClusterId: k.connectClusterId,
            plugin: k.plugin,
            connectorClass: k.connectorClass,
            secretKeys: Object.keys(k.secrets),
            kafkaUser: k.username,
            aclIds: access.aclIds,
            ...(src && sourceAccess
              ? {
                  sourceKafkaClusterId: src.kafkaClusterId,
                  sourceKafkaUser: src.username,
                  sourceAclIds: sourceAccess.aclIds,
                }
              : {}),
          },
        });
        await notifyReconcile(tx, "Connector", r.id);
        await notifyWorkloadUser(tx, access);
        if (sourceAccess) await notifyWorkloadUser(tx, sourceAccess);
        return r;
      });
    } catch (err) {
      throw asNameConflict(err, `A connector named "${k.name}" already exists on this Connect cluster`);
    }
  }

  async function write(scope: OrgScope, c: Row, data: Prisma.ConnectorUpdateInput, action: string, details = {}) {
    return db.$transaction(async (tx) => {
      const u = await tx.connector.update({ where: { id: c.id }, data: { ...data, generation: { increment: 1 } } });
      await recordAudit(tx, scope, {
        action,
        resourceType: "connector",
        resourceId: c.id,
        resourceName: c.name,
        details: { connectClusterId: c.connectClusterId, ...details },
      });
      await notifyReconcile(tx, "Connector", c.id);
      return u;
    });
  }

  return {
    async list(scope: OrgScope, input: { id: string }) {
      const c = await cluster(scope, input.id);
      const rows = await db.connector.findMany({ where: { connectClusterId: c.id }, orderBy: { createdAt: "asc" } });
      return rows.map(view);
    },

    async get(scope: OrgScope, input: z.infer<typeof connectorNameInput>) {
      return view(await find(scope, input));
    },

    async events(scope: OrgScope, input: z.infer<typeof connectorNameInput>) {
      const c = await find(scope, input);
      return resourceEvents(db, "Connector", c.id);
    },

    /** A replication's lag over time: the source's end offsets minus the target's, sampled by the controller. */
    async lag(scope: OrgScope, input: z.infer<typeof connectorLagInput>) {
      const c = await find(scope, input);
      if (!c.sourceKafkaClusterId) throw invalid("name", "Only a replication from another Weir cluster has a lag");
      return { samples: await replicationLagSamples(db, c.id, input.minutes) };
    },

    async create(scope: OrgScope, input: z.infer<typeof createConnectorInput>) {
      requireRole(scope.role, "DEVELOPER", "create connectors");
      const c = await cluster(scope, input.id);
      if (c.status === "DELETING") throw conflict(`The Connect cluster "${c.name}" is being deleted.`);
      if (!c.kafkaClusterId) throw conflict("The Connect cluster's Kafka cluster was deleted.");
      const connectorClass = connectorClassOf(input.plugin, input.connectorClass);
      checkKeys(input.config, input.secrets);
      const id = randomUUID();
      const username = connectorKafkaUsername(id);
      const acls = connectorAclBindings(input.plugin, input.name, username, input.config);
      await checkTopicsExist(db, c.kafkaClusterId, input.plugin, input.config);
      if (await db.connector.findFirst({ where: { connectClusterId: c.id, name: input.name }, select: { id: true } })) {
        throw conflict(`A connector named "${input.name}" already exists on this Connect cluster`, "name");
      }
      await validate(c, input.plugin, connectorClass, input.name, input.config, input.secrets);
      return view(
        await insert(scope, {
          id,
          connectClusterId: c.id,
          kafkaClusterId: c.kafkaClusterId,
          name: input.name,
          plugin: input.plugin,
          connectorClass,
          config: input.config,
          secrets: input.secrets,
          desiredState: input.desiredState,
          username,
          password: randomBytes(24).toString("base64url"),
          acls,
        }),
      );
    },

    /**
     * Replicate from another Weir Kafka cluster of the organisation into the Connect cluster's
     * own: MirrorMaker 2 connectors Weir builds, a read-only user on the source, the connector's
     * own user on the target. Nothing is asked of Connect here: the config is Weir's own.
     */
    async createReplication(scope: OrgScope, input: z.infer<typeof createReplicationInput>) {
      requireRole(scope.role, "DEVELOPER", "create connectors");
      const c = await cluster(scope, input.id);
      if (c.status === "DELETING") throw conflict(`The Connect cluster "${c.name}" is being deleted.`);
      if (!c.kafkaClusterId) throw conflict("The Connect cluster's Kafka cluster was deleted.");
      if (input.sourceKafkaClusterId === c.kafkaClusterId) {
        throw invalid(
          "sourceKafkaClusterId",
          "This is the Connect cluster's own Kafka cluster, where the copies go: pick another cluster to copy from",
        );
      }
      const [source, target] = await Promise.all([
        db.kafkaCluster.findFirst({ where: { id: input.sourceKafkaClusterId, orgId: scope.orgId } }),
        db.kafkaCluster.findFirst({ where: { id: c.kafkaClusterId, orgId: scope.orgId } }),
      ]);
      if (!source) throw invalid("sourceKafkaClusterId", "No Kafka cluster with this id in your organisation");
      if (source.status === "DELETING") {
        throw invalid("sourceKafkaClusterId", `The Kafka cluster "${source.name}" is being deleted`);
      }
      if (!target) throw conflict("The Connect cluster's Kafka cluster was deleted.");
      if (await db.connector.findFirst({ where: { connectClusterId: c.id, name: input.name }, select: { id: true } })) {
        throw conflict(`A connector named "${input.name}" already exists on this Connect cluster`, "name");
      }
      const id = randomUUID();
      const username = connectorKafkaUsername(id);
      const sourceUsername = mirrorKafkaUsername(id);
      const sourcePassword = randomBytes(24).toString("base64url");
      const config = replicationConfig(input, replicationAliases(source, target));
      const acls = replicationAcls(config, sourceUsername, username);
      return view(
        await insert(scope, {
          id,
          connectClusterId: c.id,
          kafkaClusterId: c.kafkaClusterId,
          name: input.name,
          plugin: "mirror",
          connectorClass: MIRROR_SOURCE_CONNECTOR,
          config: { ...config },
          secrets: { [SOURCE_JAAS_KEY]: scramJaasConfig(sourceUsername, sourcePassword) },
          desiredState: "RUNNING",
          username,
          password: randomBytes(24).toString("base64url"),
          acls: acls.target,
          source: { kafkaClusterId: source.id, username: sourceUsername, password: sourcePassword, acls: acls.source },
        }),
      );
    },

    /** A new config (validated by Connect first) and/or new secrets; the topics it may use stay those it was created with. */
    async update(scope: OrgScope, input: z.infer<typeof updateConnectorInput>) {
      requireRole(scope.role, "DEVELOPER", "change connectors");
      const row = await find(scope, input);
      if (!acceptsChanges("Connector", row.status)) throw conflict("The connector is being deleted.");
      if (row.sourceKafkaClusterId) {
        throw invalid(
          input.config ? "config" : "secrets",
          "A replication's config and credentials are Weir's: delete it and create another to change what it copies",
        );
      }
      if (input.generation !== undefined && input.generation !== row.generation) {
        throw conflict("The connector changed since you loaded it; reload and try again.", "generation");
      }
      const c = await cluster(scope, input.id);
      const config = input.config ?? (row.config as Record<string, string>);
      const key = secretKey();
      const secrets = input.secrets ?? secretsOf(row);
      checkKeys(config, secrets);
      // The Kafka user's ACLs are the ones the connector was created with: a config naming other topics is refused.
      const before = JSON.stringify(
        connectorAclBindings(
          row.plugin as ConnectPluginId,
          row.name,
          row.kafkaUsername ?? "",
          row.config as Record<string, string>,
        ),
      );
      const after = JSON.stringify(
        connectorAclBindings(row.plugin as ConnectPluginId, row.name, row.kafkaUsername ?? "", config),
      );
      if (before !== after) {
        const field =
          row.plugin === "debezium-jdbc"
            ? "config.topics"
            : row.plugin === "mirror"
              ? "config.source.cluster.alias"
              : "config.topic.prefix";
        throw invalid(field, "The topics a connector may use are fixed when it is created; create another connector");
      }
      await validate(c, row.plugin as ConnectPluginId, row.connectorClass, row.name, config, secrets);
      const updated = await write(
        scope,
        row,
        {
          config,
          secretsEncrypted: Object.keys(secrets).length > 0 ? encryptSecret(JSON.stringify(secrets), key) : null,
          status: "UPDATING",
          statusReason: "Waiting for the controller to apply the new config",
          // Connect holds only the ${dir:…} references, which new secret values leave as they are:
          // its failed tasks are restarted to read them (a password fixed after the database's changed).
          ...(input.secrets ? { restartRequestedAt: new Date() } : {}),
        },
        "connector.update",
        { keys: Object.keys(config), secretKeys: Object.keys(secrets) },
      );
      return view(updated);
    },

    async pause(scope: OrgScope, input: z.infer<typeof connectorNameInput>) {
      requireRole(scope.role, "DEVELOPER", "pause connectors");
      const row = await find(scope, input);
      if (!acceptsChanges("Connector", row.status)) throw conflict("The connector is being deleted.");
      if (row.desiredState === "PAUSED") return view(row);
      return view(await write(scope, row, { desiredState: "PAUSED" }, "connector.pause"));
    },

    async resume(scope: OrgScope, input: z.infer<typeof connectorNameInput>) {
      requireRole(scope.role, "DEVELOPER", "resume connectors");
      const row = await find(scope, input);
      if (!acceptsChanges("Connector", row.status)) throw conflict("The connector is being deleted.");
      if (row.desiredState === "RUNNING") return view(row);
      return view(await write(scope, row, { desiredState: "RUNNING" }, "connector.resume"));
    },

    /** Restarts the connector and its failed tasks. */
    async restart(scope: OrgScope, input: z.infer<typeof restartConnectorInput>) {
      requireRole(scope.role, "DEVELOPER", "restart connectors");
      const row = await find(scope, input);
      if (!acceptsChanges("Connector", row.status)) throw conflict("The connector is being deleted.");
      return view(await write(scope, row, { restartRequestedAt: new Date() }, "connector.restart"));
    },

    /** The controller deletes it from Connect and removes its secrets, Kafka user and ACLs. */
    async delete(scope: OrgScope, input: z.infer<typeof connectorNameInput>) {
      requireRole(scope.role, "DEVELOPER", "delete connectors");
      const row = await find(scope, input);
      if (row.status === "DELETING") return view(row);
      return view(
        await write(
          scope,
          row,
          { status: "DELETING", statusReason: "Deleting it from Connect, removing its secrets, Kafka user and ACLs" },
          "connector.delete",
        ),
      );
    },
  };
}
