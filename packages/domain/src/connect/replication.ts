// "Replicate from another Weir cluster": a connector kind whose MirrorMaker 2 connectors Weir
// builds itself (see @weir/runtime's connect/mirror.ts). The user picks a source Kafka cluster of
// the same organisation, a topics regex and whether consumer-group offsets follow; Weir makes a
// read-only user on the source (weir-mirror-<id8>) and gives the connector's own user on the
// target what MM2 writes there. The stored config is the user's choice in MM2's keys; bootstrap
// servers and credentials are added by the controller, the source credential as a secret.
import type { Db } from "@weir/db";
import { mirrorInternalTopics } from "@weir/runtime";
import { z } from "zod";
import { resourceName } from "../names.ts";
import type { AclBindingRow } from "../kafka/workload-users.ts";
import { mirrorRegexProblem, regexAclPatterns, type NamePattern } from "./replication-rules.ts";

const regex = (what: string) =>
  z
    .string()
    .max(1000)
    .superRefine((v, ctx) => {
      const problem = mirrorRegexProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .describe(what);

export const createReplicationInput = z.strictObject({
  id: z.uuid().describe("The Connect cluster: its Kafka cluster is the target"),
  name: resourceName,
  sourceKafkaClusterId: z
    .uuid()
    .describe("The Weir Kafka cluster to copy from (same organisation, not the Connect cluster's own)"),
  topics: regex("A Java regex of the topics to copy, matched against whole names (alternatives with |, no commas)"),
  groups: regex("A regex of the consumer groups whose committed offsets follow").default(".*"),
  syncGroupOffsets: z
    .boolean()
    .default(true)
    .describe(
      "Write the groups' translated offsets on the target (MirrorCheckpointConnector, sync.group.offsets.enabled)",
    ),
  syncIntervalSeconds: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(30)
    .describe("How often checkpoints are emitted and group offsets written on the target"),
});

export type CreateReplicationInput = z.infer<typeof createReplicationInput>;

/** The keys of a replication's stored config (what the user chose, in MirrorMaker 2's names). */
export interface ReplicationConfig {
  "source.cluster.alias": string;
  "target.cluster.alias": string;
  topics: string;
  groups: string;
  "sync.group.offsets.enabled": "true" | "false";
  "sync.group.offsets.interval.seconds": string;
}

/** The secret key holding the JAAS line of Weir's user on the source. */
export const SOURCE_JAAS_KEY = "source.cluster.sasl.jaas.config";

/**
 * Cluster aliases: the clusters' names (readable in MM2's metrics and its internal topics
 * mm2-offset-syncs.<source>.internal, <source>.checkpoints.internal); two clusters of the same
 * name in different projects get their id's first characters appended.
 */
export function replicationAliases(
  source: { id: string; name: string },
  target: { id: string; name: string },
): { source: string; target: string } {
  if (source.name !== target.name) return { source: source.name, target: target.name };
  return { source: `${source.name}-${source.id.slice(0, 8)}`, target: `${target.name}-${target.id.slice(0, 8)}` };
}

export function replicationConfig(input: CreateReplicationInput, aliases: { source: string; target: string }) {
  const config: ReplicationConfig = {
    "source.cluster.alias": aliases.source,
    "target.cluster.alias": aliases.target,
    topics: input.topics,
    groups: input.groups,
    "sync.group.offsets.enabled": input.syncGroupOffsets ? "true" : "false",
    "sync.group.offsets.interval.seconds": String(input.syncIntervalSeconds),
  };
  return config;
}

const bind = (
  principal: string,
  resourceType: "TOPIC" | "GROUP",
  p: NamePattern,
  operation: string,
): AclBindingRow => ({
  principal,
  host: "*",
  resourceType,
  resourceName: p.name,
  patternType: p.patternType,
  operation,
  permission: "ALLOW",
});

const literal = (name: string): NamePattern => ({ name, patternType: "LITERAL" });

/**
 * The ACLs of a replication's two users. On the source, Weir's user only reads: the matching
 * topics (records, and their configs for MM2's config sync) and, when offsets follow, the groups'
 * committed offsets. On the target, the connector's own user writes (and creates, and gives
 * configs and partitions to) the same topic names, MM2's offset-syncs and checkpoints topics, and
 * commits the translated offsets of the matching groups.
 */
export function replicationAcls(
  config: ReplicationConfig,
  sourceUser: string,
  targetUser: string,
): { source: AclBindingRow[]; target: AclBindingRow[] } {
  const topics = regexAclPatterns(config.topics);
  const groups = regexAclPatterns(config.groups);
  const sync = config["sync.group.offsets.enabled"] === "true";
  const src = `User:${sourceUser}`;
  const tgt = `User:${targetUser}`;
  const internal = mirrorInternalTopics(config["source.cluster.alias"]);
  const source = [
    ...topics.flatMap((p) => ["READ", "DESCRIBE", "DESCRIBE_CONFIGS"].map((op) => bind(src, "TOPIC", p, op))),
    ...(sync ? groups.map((p) => bind(src, "GROUP", p, "DESCRIBE")) : []),
  ];
  const target = [
    ...topics.flatMap((p) =>
      ["WRITE", "CREATE", "DESCRIBE", "DESCRIBE_CONFIGS", "ALTER_CONFIGS", "ALTER", ...(sync ? ["READ"] : [])].map(
        (op) => bind(tgt, "TOPIC", p, op),
      ),
    ),
    ...[internal.offsetSyncs, ...(sync ? [internal.checkpoints] : [])].flatMap((t) =>
      ["READ", "WRITE", "CREATE", "DESCRIBE"].map((op) => bind(tgt, "TOPIC", literal(t), op)),
    ),
    ...(sync ? groups.flatMap((p) => ["READ", "DESCRIBE"].map((op) => bind(tgt, "GROUP", p, op))) : []),
  ];
  return { source, target };
}

export const connectorLagInput = z.strictObject({
  id: z.uuid().describe("The Connect cluster"),
  name: resourceName,
  minutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60)
    .describe("How far back, in minutes"),
});

/** A replication's lag samples since `minutes` ago, oldest first (records as a number: a chart's value). */
export async function replicationLagSamples(db: Db, connectorId: string, minutes: number) {
  const rows = await db.connectorLagSample.findMany({
    where: { connectorId, sampledAt: { gte: new Date(Date.now() - minutes * 60_000) } },
    orderBy: { sampledAt: "asc" },
    take: 5000,
  });
  return rows.map((r) => ({ at: r.sampledAt, records: Number(r.records), topics: r.topics }));
}
