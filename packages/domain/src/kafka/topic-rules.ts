// Kafka's rules for topic names and configs, checked before anything is written so bad input
// is a 400 naming the field, never a half-applied change. No zod here: the console imports these
// (`@weir/domain/rules`); the schemas in topics.ts are built from them.

/** Kafka's limit on a topic name's length. */
export const TOPIC_NAME_MAX = 249;
/** Kafka's own alphabet for topic names (and "." and ".." are refused). */
export const TOPIC_NAME_PATTERN = /^[a-zA-Z0-9._-]+$/;
/** Names Kafka keeps for its internal topics. */
export const RESERVED_TOPIC_PREFIX = "__";

/** Kafka treats '.' and '_' as the same in metric names, so two names that differ only there collide. */
export const collisionKey = (name: string) => name.replace(/\./g, "_");

type Rule =
  | { kind: "long" | "int"; min: number; max?: number }
  | { kind: "double"; min: number; max: number }
  | { kind: "enum"; values: readonly string[] }
  | { kind: "list"; values: readonly string[] }
  | { kind: "bool" }
  | { kind: "string" };

const INT_MAX = 2 ** 31 - 1;

/** Every topic-level config of Kafka 3.9, with the range checks for the ones people set. */
export const TOPIC_CONFIGS = {
  "cleanup.policy": { kind: "list", values: ["delete", "compact"] },
  "compression.type": { kind: "enum", values: ["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"] },
  "compression.gzip.level": { kind: "int", min: -1, max: 9 },
  "compression.lz4.level": { kind: "int", min: 1, max: 17 },
  "compression.zstd.level": { kind: "int", min: -131072, max: 22 },
  "delete.retention.ms": { kind: "long", min: 0 },
  "file.delete.delay.ms": { kind: "long", min: 0 },
  "flush.messages": { kind: "long", min: 1 },
  "flush.ms": { kind: "long", min: 0 },
  "follower.replication.throttled.replicas": { kind: "string" },
  "index.interval.bytes": { kind: "int", min: 0, max: INT_MAX },
  "leader.replication.throttled.replicas": { kind: "string" },
  "local.retention.bytes": { kind: "long", min: -2 },
  "local.retention.ms": { kind: "long", min: -2 },
  "max.compaction.lag.ms": { kind: "long", min: 1 },
  "max.message.bytes": { kind: "int", min: 0, max: INT_MAX },
  "message.downconversion.enable": { kind: "bool" },
  "message.format.version": { kind: "string" },
  "message.timestamp.after.max.ms": { kind: "long", min: 0 },
  "message.timestamp.before.max.ms": { kind: "long", min: 0 },
  "message.timestamp.difference.max.ms": { kind: "long", min: 0 },
  "message.timestamp.type": { kind: "enum", values: ["CreateTime", "LogAppendTime"] },
  "min.cleanable.dirty.ratio": { kind: "double", min: 0, max: 1 },
  "min.compaction.lag.ms": { kind: "long", min: 0 },
  "min.insync.replicas": { kind: "int", min: 1, max: INT_MAX },
  preallocate: { kind: "bool" },
  "remote.log.copy.disable": { kind: "bool" },
  "remote.log.delete.on.disable": { kind: "bool" },
  "remote.storage.enable": { kind: "bool" },
  "retention.bytes": { kind: "long", min: -1 },
  "retention.ms": { kind: "long", min: -1 },
  "segment.bytes": { kind: "int", min: 14, max: INT_MAX },
  "segment.index.bytes": { kind: "int", min: 4, max: INT_MAX },
  "segment.jitter.ms": { kind: "long", min: 0 },
  "segment.ms": { kind: "long", min: 1 },
  "unclean.leader.election.enable": { kind: "bool" },
} as const satisfies Record<string, Rule>;

export type TopicConfigKey = keyof typeof TOPIC_CONFIGS;

const ruleOf = (key: string): Rule | undefined =>
  Object.hasOwn(TOPIC_CONFIGS, key) ? TOPIC_CONFIGS[key as TopicConfigKey] : undefined;

function checkValue(rule: Rule, raw: string): string | null {
  switch (rule.kind) {
    case "long":
    case "int": {
      if (!/^-?\d+$/.test(raw)) return `Must be a whole number`;
      const n = Number(raw);
      if (n < rule.min) return `Must be at least ${rule.min}`;
      if (rule.max !== undefined && n > rule.max) return `Must be at most ${rule.max}`;
      return null;
    }
    case "double": {
      const n = Number(raw);
      if (raw.trim() === "" || Number.isNaN(n)) return "Must be a number";
      return n < rule.min || n > rule.max ? `Must be between ${rule.min} and ${rule.max}` : null;
    }
    case "enum":
      return rule.values.includes(raw) ? null : `Must be one of ${rule.values.join(", ")}`;
    case "list": {
      const parts = raw.split(",").map((p) => p.trim());
      const bad = parts.find((p) => !rule.values.includes(p));
      return bad === undefined ? null : `"${bad}" is not one of ${rule.values.join(", ")}`;
    }
    case "bool":
      return raw === "true" || raw === "false" ? null : "Must be true or false";
    case "string":
      return null;
  }
}

/**
 * Field errors ("configs.<key>" → sentence) for configs Kafka would refuse, given the topic's
 * replication factor. Empty if all is well.
 */
export function configErrors(configs: Record<string, string>, replicationFactor: number): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [key, value] of Object.entries(configs)) {
    const rule = ruleOf(key);
    if (!rule) {
      errors[`configs.${key}`] = `"${key}" is not a topic config Kafka knows`;
      continue;
    }
    const problem = checkValue(rule, value);
    if (problem) errors[`configs.${key}`] = problem;
  }
  const minIsr = configs["min.insync.replicas"];
  if (!errors["configs.min.insync.replicas"] && minIsr && Number(minIsr) > replicationFactor) {
    errors["configs.min.insync.replicas"] =
      `Must not exceed the replication factor (${replicationFactor}), or no write could ever succeed`;
  }
  return errors;
}
