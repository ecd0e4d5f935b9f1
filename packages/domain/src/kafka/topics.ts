// Topics: desired state in Postgres (spec + generation), applied by the Topic reconciler.
// Every check Kafka would make is made first (locally, then with Kafka's validateOnly), so a
// change is either accepted whole or refused with the field named.
import type { Db, Prisma, TopicModel as Topic } from "@weir/db";
import {
  createTopic,
  describeTopics,
  dynamicConfigs,
  increasePartitions,
  alterTopicConfigs,
  listTopicNames,
  partitionOffsets,
  partitionSizes,
  topicConfigs,
  listAclBindings,
  kafkaRefusal,
} from "@weir/runtime";
import { z } from "zod";
import { notifyReconcile, recordAudit } from "../audit/record.ts";
import type { OrgScope } from "../context.ts";
import { AppError, conflict, invalid, isUniqueViolation, notFound } from "../errors.ts";
import { requireRole } from "../roles.ts";
import {
  clusterInScope,
  kafkaError as toAppError,
  onKafka,
  requireServing,
  servingAdmin,
  type ClusterRow,
} from "./admin-client.ts";
import { aclsForTopic } from "./acl-rules.ts";
import {
  collisionKey,
  configErrors,
  RESERVED_TOPIC_PREFIX,
  TOPIC_NAME_MAX,
  TOPIC_NAME_PATTERN,
} from "./topic-rules.ts";

/** Kafka's own rule for a topic name; names of its internal topics are refused too. */
export const topicName = z
  .string()
  .min(1, "Must not be empty")
  .max(TOPIC_NAME_MAX, `Must be at most ${TOPIC_NAME_MAX} characters (Kafka's limit)`)
  .regex(TOPIC_NAME_PATTERN, "Use only letters, digits, '.', '_' and '-' (Kafka's rule)")
  .refine((n) => n !== "." && n !== "..", "Must not be '.' or '..'")
  .refine(
    (n) => !n.startsWith(RESERVED_TOPIC_PREFIX),
    `Names starting with '${RESERVED_TOPIC_PREFIX}' are reserved for Kafka's internal topics`,
  );

/** Config values as Kafka wants them (strings); numbers and booleans are accepted too. */
const configValue = z.union([z.string().max(1000), z.number(), z.boolean()]).transform((v) => String(v));

const clusterId = z.uuid();
export const listTopicsInput = z.strictObject({
  clusterId,
  search: z.string().max(TOPIC_NAME_MAX).optional().describe("Substring of the topic name, case-insensitive"),
  filter: z.enum(["all", "managed", "unmanaged"]).default("all"),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export const topicRefInput = z.strictObject({ clusterId, name: topicName });
export const createTopicInput = z.strictObject({
  clusterId,
  name: topicName,
  partitions: z.number().int().min(1, "Must be at least 1").max(10_000).default(1),
  replicationFactor: z.number().int().min(1, "Must be at least 1").max(32).optional(),
  configs: z.record(z.string(), configValue).default({}),
});
export const updateTopicInput = z.strictObject({
  clusterId,
  name: topicName,
  partitions: z.number().int().min(1).max(10_000).optional(),
  /** Keys to set; a null value resets the key to the cluster default. */
  configs: z.record(z.string(), configValue.nullable()).optional(),
  generation: z.number().int().optional().describe("The generation you read; a newer one in Postgres is a 409"),
});
export const deleteTopicInput = z.strictObject({
  clusterId,
  name: topicName,
  confirm: z.string().describe("The topic's name again, to confirm"),
});

export interface TopicDrift {
  detectedAt: string;
  correctedAt: string | null;
  changes: { key: string; desired: string | null; actual: string | null }[];
  note?: string;
}

function asConfigs(json: Prisma.JsonValue): Record<string, string> {
  return json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, string>) : {};
}

function managedView(t: Topic) {
  return {
    name: t.name,
    managed: true,
    partitions: t.partitions,
    replicationFactor: t.replicationFactor,
    configs: asConfigs(t.configs),
    status: t.status as string,
    statusReason: t.statusReason,
    generation: t.generation,
    observedGeneration: t.observedGeneration,
    drift: (t.drift as TopicDrift | null) ?? null,
    createdAt: t.createdAt as Date | null,
  };
}

function unmanagedView(name: string, partitions: number, replicationFactor: number) {
  return {
    name,
    managed: false,
    partitions,
    replicationFactor,
    configs: {} as Record<string, string>,
    status: "UNMANAGED",
    statusReason: "Created outside Weir; import it to manage it here.",
    generation: 0,
    observedGeneration: 0,
    drift: null as TopicDrift | null,
    createdAt: null as Date | null,
  };
}

/** Kafka's view of one topic's name collisions: same name, or the same once '.' and '_' are equated. */
async function assertNoCollision(db: Db, cluster: ClusterRow, name: string, kafkaNames: string[] | null) {
  const rows = await db.$queryRaw<{ name: string }[]>`
    SELECT name FROM topics WHERE cluster_id = ${cluster.id}::uuid
      AND replace(name, '.', '_') = ${collisionKey(name)}`;
  const names = [
    ...rows.map((r) => r.name),
    ...(kafkaNames ?? []).filter((n) => collisionKey(n) === collisionKey(name)),
  ];
  if (names.includes(name)) {
    const inWeir = rows.some((r) => r.name === name);
    throw conflict(
      inWeir
        ? `A topic named "${name}" already exists in this cluster.`
        : `A topic named "${name}" already exists in Kafka but is not managed by Weir; import it instead.`,
      "name",
    );
  }
  if (names.length > 0) {
    throw conflict(
      `"${name}" collides with the existing topic "${names[0]}": Kafka treats '.' and '_' alike in topic names.`,
      "name",
    );
  }
}

export function topicsService(db: Db) {
  async function loadManaged(scope: OrgScope, input: { clusterId: string; name: string }) {
    const cluster = await clusterInScope(db, scope, input.clusterId);
    const topic = await db.topic.findUnique({ where: { clusterId_name: { clusterId: cluster.id, name: input.name } } });
    return { cluster, topic };
  }

  return {
    /**
     * One page of the union of Weir's topics and Kafka's. Costs two Admin calls whatever the
     * number of topics: one Metadata for the names, one for the page's partitions.
     */
    async list(scope: OrgScope, input: z.infer<typeof listTopicsInput>) {
      const cluster = await clusterInScope(db, scope, input.clusterId);
      const admin = servingAdmin(cluster);
      const rows = await db.topic.findMany({ where: { clusterId: cluster.id }, orderBy: { name: "asc" } });
      let kafkaNames: string[] | null = null;
      let kafkaError: string | null = null;
      if (admin) {
        try {
          kafkaNames = await listTopicNames(admin);
        } catch (e) {
          kafkaError = toAppError(e, cluster.name).message;
        }
      }
      const byName = new Map(rows.map((r) => [r.name, r]));
      const all = new Set([...rows.map((r) => r.name), ...(kafkaNames ?? [])]);
      const needle = input.search?.toLowerCase();
      const names = [...all]
        .filter((n) => !needle || n.toLowerCase().includes(needle))
        .filter((n) => input.filter === "all" || (input.filter === "managed") === byName.has(n))
        .sort();
      const start = (input.page - 1) * input.pageSize;
      const pageNames = names.slice(start, start + input.pageSize);
      const described =
        admin && kafkaNames ? await onKafka(cluster, () => describeTopics(admin, pageNames, kafkaNames)) : null;
      const unmanagedCount = kafkaNames ? kafkaNames.filter((n) => !byName.has(n)).length : 0;
      return {
        items: pageNames.map((n) => {
          const row = byName.get(n);
          const k = described?.get(n);
          const base = row ? managedView(row) : unmanagedView(n, k?.partitions.length ?? 0, k?.replicationFactor ?? 0);
          return {
            ...base,
            inKafka: kafkaNames ? kafkaNames.includes(n) : null,
            underReplicated: k ? k.partitions.filter((p) => p.isr.length < p.replicas.length).length : null,
          };
        }),
        total: names.length,
        page: input.page,
        pageSize: input.pageSize,
        managedCount: rows.length,
        unmanagedCount,
        kafkaError,
      };
    },

    /** One topic: spec and status, and Kafka's partitions, offsets, sizes, configs and ACLs. */
    async get(scope: OrgScope, input: z.infer<typeof topicRefInput>) {
      const { cluster, topic } = await loadManaged(scope, input);
      const admin = servingAdmin(cluster);
      let kafka = null;
      if (admin) {
        kafka = await onKafka(cluster, async () => {
          const t = (await describeTopics(admin, [input.name])).get(input.name);
          if (!t) return null;
          const shape = [{ name: t.name, partitions: t.partitions.length }];
          const [offsets, sizes, configs, bindings] = await Promise.all([
            partitionOffsets(admin, shape),
            partitionSizes(admin, shape),
            topicConfigs(admin, [t.name]),
            listAclBindings(admin),
          ]);
          const off = offsets.get(t.name) ?? [];
          const size = sizes.get(t.name) ?? [];
          return {
            id: t.id,
            partitions: t.partitions.map((p) => ({
              ...p,
              earliestOffset: (off[p.partition]?.earliest ?? 0n).toString(),
              latestOffset: (off[p.partition]?.latest ?? 0n).toString(),
              messages: ((off[p.partition]?.latest ?? 0n) - (off[p.partition]?.earliest ?? 0n)).toString(),
              sizeBytes: size[p.partition] ?? 0,
            })),
            configs: (configs.get(t.name) ?? [])
              .filter((c) => !c.sensitive)
              .map((c) => ({ name: c.name, value: c.value, isTopicConfig: c.isTopicConfig, readOnly: c.readOnly }))
              .sort((a, b) => a.name.localeCompare(b.name)),
            acls: aclsForTopic(bindings, t.name),
          };
        });
      }
      if (!topic && !kafka) throw notFound("Topic");
      const base = topic
        ? managedView(topic)
        : unmanagedView(
            input.name,
            kafka!.partitions.length,
            Math.max(...kafka!.partitions.map((p) => p.replicas.length)),
          );
      return { ...base, clusterId: cluster.id, kafka, kafkaReachable: admin !== null };
    },

    async create(scope: OrgScope, input: z.infer<typeof createTopicInput>) {
      requireRole(scope.role, "DEVELOPER", "create topics");
      const cluster = await clusterInScope(db, scope, input.clusterId);
      const rf = input.replicationFactor ?? Math.min(3, cluster.brokerCount);
      if (rf > cluster.brokerCount) {
        throw invalid(
          "replicationFactor",
          `The replication factor (${rf}) cannot exceed the cluster's broker count (${cluster.brokerCount}).`,
        );
      }
      const errors = configErrors(input.configs, rf);
      if (Object.keys(errors).length > 0) {
        throw new AppError("VALIDATION_FAILED", `Invalid topic configs: ${Object.keys(errors).join(", ")}.`, {
          fields: errors,
        });
      }
      await assertNoCollision(db, cluster, input.name, null);
      const spec = { name: input.name, partitions: input.partitions, replicationFactor: rf, configs: input.configs };
      // Kafka's validateOnly also catches names taken (or colliding) outside Weir.
      const admin = servingAdmin(cluster);
      if (admin) {
        await createTopic(admin, spec, true).catch((e: unknown) => {
          const refusal = kafkaRefusal(e);
          if (refusal?.id === "TOPIC_ALREADY_EXISTS") {
            throw conflict(
              `A topic named "${input.name}" already exists in Kafka but is not managed by Weir; import it instead.`,
              "name",
            );
          }
          if (refusal?.id === "INVALID_TOPIC_EXCEPTION" && /collides/i.test(refusal.detail ?? "")) {
            throw conflict(
              `"${input.name}" collides with an existing topic: Kafka treats '.' and '_' alike in topic names. Kafka says: ${refusal.detail}`,
              "name",
            );
          }
          throw toAppError(e, cluster.name);
        });
      }
      try {
        const topic = await db.$transaction(async (tx) => {
          const t = await tx.topic.create({
            data: { clusterId: cluster.id, ...spec, statusReason: "Waiting for the controller to create it in Kafka" },
          });
          await recordAudit(tx, scope, {
            action: "topic.create",
            resourceType: "topic",
            resourceId: t.id,
            resourceName: t.name,
            details: {
              clusterId: cluster.id,
              partitions: spec.partitions,
              replicationFactor: rf,
              configs: spec.configs,
            },
          });
          await notifyReconcile(tx, "Topic", t.id);
          return t;
        });
        return managedView(topic);
      } catch (e) {
        if (isUniqueViolation(e))
          throw conflict(`A topic named "${input.name}" already exists in this cluster.`, "name");
        throw e;
      }
    },

    async update(scope: OrgScope, input: z.infer<typeof updateTopicInput>) {
      requireRole(scope.role, "DEVELOPER", "change topics");
      const { cluster, topic } = await loadManaged(scope, input);
      if (!topic) throw notFound("Topic");
      if (topic.status === "DELETING") throw conflict("The topic is being deleted.");
      if (input.generation !== undefined && input.generation !== topic.generation) {
        throw conflict(
          `The topic changed since you read it (generation ${topic.generation}, not ${input.generation}); reload and retry.`,
          "generation",
        );
      }
      if (input.partitions !== undefined && input.partitions < topic.partitions) {
        throw invalid(
          "partitions",
          `Kafka cannot remove partitions: the topic has ${topic.partitions}, so the count can only grow.`,
        );
      }
      const current = asConfigs(topic.configs);
      const next = { ...current };
      const remove: string[] = [];
      const set: Record<string, string> = {};
      for (const [k, v] of Object.entries(input.configs ?? {})) {
        if (v === null) {
          if (k in next) remove.push(k);
          delete next[k];
        } else if (next[k] !== v) {
          set[k] = v;
          next[k] = v;
        }
      }
      const errors = configErrors(set, topic.replicationFactor);
      for (const k of remove) if (!(k in current)) errors[`configs.${k}`] = `"${k}" is not set on this topic`;
      if (Object.keys(errors).length > 0) {
        throw new AppError("VALIDATION_FAILED", `Invalid topic configs: ${Object.keys(errors).join(", ")}.`, {
          fields: errors,
        });
      }
      const partitions = input.partitions ?? topic.partitions;
      const changed = partitions !== topic.partitions || Object.keys(set).length > 0 || remove.length > 0;
      if (!changed) return managedView(topic);
      const admin = servingAdmin(cluster);
      if (admin) {
        await onKafka(cluster, async () => {
          const exists = (await describeTopics(admin, [topic.name])).get(topic.name);
          if (!exists) return;
          await alterTopicConfigs(admin, topic.name, { set, remove }, true);
          if (partitions > exists.partitions.length) await increasePartitions(admin, topic.name, partitions, true);
        });
      }
      const updated = await db.$transaction(async (tx) => {
        const res = await tx.topic.updateMany({
          where: { id: topic.id, generation: topic.generation },
          data: {
            partitions,
            configs: next,
            generation: { increment: 1 },
            status: "UPDATING",
            statusReason: "Waiting for the controller to apply the change",
          },
        });
        if (res.count === 0) throw conflict("The topic changed while you edited it; reload and retry.", "generation");
        await recordAudit(tx, scope, {
          action: "topic.update",
          resourceType: "topic",
          resourceId: topic.id,
          resourceName: topic.name,
          details: { clusterId: cluster.id, partitions: { from: topic.partitions, to: partitions }, set, remove },
        });
        await notifyReconcile(tx, "Topic", topic.id);
        return tx.topic.findUniqueOrThrow({ where: { id: topic.id } });
      });
      return managedView(updated);
    },

    async delete(scope: OrgScope, input: z.infer<typeof deleteTopicInput>) {
      requireRole(scope.role, "DEVELOPER", "delete topics");
      if (input.confirm !== input.name) {
        throw invalid("confirm", "Type the topic's name to confirm the deletion; its messages are lost.");
      }
      const { cluster, topic } = await loadManaged(scope, input);
      if (!topic) throw notFound("Topic");
      const updated = await db.$transaction(async (tx) => {
        const t = await tx.topic.update({
          where: { id: topic.id },
          data: {
            status: "DELETING",
            statusReason: "Waiting for the controller to delete it from Kafka",
            generation: { increment: 1 },
          },
        });
        await recordAudit(tx, scope, {
          action: "topic.delete",
          resourceType: "topic",
          resourceId: topic.id,
          resourceName: topic.name,
          details: { clusterId: cluster.id },
        });
        await notifyReconcile(tx, "Topic", topic.id);
        return t;
      });
      return managedView(updated);
    },

    /** Takes a topic created outside Weir under management, with the partitions and configs it has. */
    async import(scope: OrgScope, input: z.infer<typeof topicRefInput>) {
      requireRole(scope.role, "DEVELOPER", "import topics");
      const { cluster, topic } = await loadManaged(scope, input);
      if (topic) throw conflict(`"${input.name}" is already managed by Weir.`, "name");
      const admin = requireServing(cluster);
      const found = await onKafka(cluster, async () => {
        const t = (await describeTopics(admin, [input.name])).get(input.name);
        if (!t) return null;
        const configs = dynamicConfigs((await topicConfigs(admin, [input.name])).get(input.name) ?? []);
        return { t, configs };
      });
      if (!found) throw notFound("Topic");
      try {
        const row = await db.$transaction(async (tx) => {
          const t = await tx.topic.create({
            data: {
              clusterId: cluster.id,
              name: input.name,
              partitions: found.t.partitions.length,
              replicationFactor: found.t.replicationFactor,
              configs: found.configs,
              statusReason: "Imported; waiting for the controller to confirm it",
            },
          });
          await recordAudit(tx, scope, {
            action: "topic.import",
            resourceType: "topic",
            resourceId: t.id,
            resourceName: t.name,
            details: { clusterId: cluster.id, partitions: t.partitions, configs: found.configs },
          });
          await notifyReconcile(tx, "Topic", t.id);
          return t;
        });
        return managedView(row);
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict(`"${input.name}" is already managed by Weir.`, "name");
        throw e;
      }
    },
  };
}
