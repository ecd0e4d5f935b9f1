// The cluster-level broker configs a user may override, and the pure rules about them: which
// values are valid, and which keys apply live (Kafka's "cluster-wide" dynamic update mode: set
// with IncrementalAlterConfigs on the default broker resource, no restart) and which only take
// effect when a broker starts ("read-only": written into server.properties, they change the
// nodes' revision and roll the brokers one at a time). No I/O: the console imports this too.

export type BrokerConfigApply = "live" | "restart";

export interface BrokerConfigKey {
  apply: BrokerConfigApply;
  type: "int" | "long" | "boolean";
  min?: number;
  max?: number;
  /** A value outside min..max that Kafka accepts anyway (-1: unlimited retention). */
  unlimited?: number;
  /** What Weir's brokers use when the user sets nothing. */
  defaultValue: string;
  /**
   * Kafka may hold a cluster-level value of its own that cannot be removed: a Kafka 4 cluster
   * created with eligible leader replicas (KIP-966, on by default since 4.1) keeps a cluster-wide
   * min.insync.replicas and refuses to delete it. Such a key goes back to the default by being
   * set to it, and a cluster-level value equal to the default is left alone.
   */
  keptAtClusterLevel?: true;
  description: string;
}

const DAY_MS = 24 * 3600 * 1000;

export const BROKER_CONFIG_KEYS = {
  "message.max.bytes": {
    apply: "live",
    type: "int",
    min: 1024,
    max: 100 * 1024 * 1024,
    defaultValue: "1048588",
    description: "Largest record batch a broker accepts (bytes)",
  },
  "log.retention.ms": {
    apply: "live",
    type: "long",
    min: 60_000,
    max: 3650 * DAY_MS,
    unlimited: -1,
    defaultValue: "",
    description: "How long a new topic keeps data (ms, -1 forever); wins over log.retention.hours",
  },
  "min.insync.replicas": {
    apply: "live",
    type: "int",
    min: 1,
    max: 10,
    defaultValue: "1",
    keptAtClusterLevel: true,
    description: "Replicas that must have a record before an acks=all write succeeds",
  },
  "log.retention.hours": {
    apply: "restart",
    type: "int",
    min: 1,
    max: 3650 * 24,
    defaultValue: "168",
    description: "How long a new topic keeps data (hours)",
  },
  "auto.create.topics.enable": {
    apply: "restart",
    type: "boolean",
    defaultValue: "false",
    description: "Create a topic when a client first uses it",
  },
  "num.partitions": {
    apply: "restart",
    type: "int",
    min: 1,
    max: 1000,
    defaultValue: "1",
    description: "Partitions of an automatically created topic",
  },
  "default.replication.factor": {
    apply: "restart",
    type: "int",
    min: 1,
    max: 10,
    defaultValue: "",
    description: "Replicas of an automatically created topic",
  },
} as const satisfies Record<string, BrokerConfigKey>;

export type BrokerConfigName = keyof typeof BROKER_CONFIG_KEYS;
/** The user's overrides, every value as Kafka's string form. */
export type BrokerConfig = Partial<Record<BrokerConfigName, string>>;

export const brokerConfigNames = Object.keys(BROKER_CONFIG_KEYS) as BrokerConfigName[];

export const isBrokerConfigName = (k: string): k is BrokerConfigName => Object.hasOwn(BROKER_CONFIG_KEYS, k);

export interface BrokerConfigIssue {
  /** "brokerConfig.<key>" */
  field: string;
  message: string;
}

/** A value as the user may send it (JSON number, boolean or string) in Kafka's string form, or why not. */
function normalise(name: BrokerConfigName, raw: unknown): { value: string } | { error: string } {
  const key: BrokerConfigKey = BROKER_CONFIG_KEYS[name];
  if (key.type === "boolean") {
    if (raw === true || raw === "true") return { value: "true" };
    if (raw === false || raw === "false") return { value: "false" };
    return { error: "must be true or false" };
  }
  const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim() : "";
  if (!/^-?\d+$/.test(text)) return { error: "must be a whole number" };
  const n = Number(text);
  if (key.unlimited !== undefined && n === key.unlimited) return { value: text };
  if ((key.min !== undefined && n < key.min) || (key.max !== undefined && n > key.max)) {
    const unlimited = key.unlimited !== undefined ? ` (or ${key.unlimited} for unlimited)` : "";
    return { error: `must be between ${key.min} and ${key.max}${unlimited}` };
  }
  return { value: String(n) };
}

/**
 * The overrides after applying a patch (a key set to null goes back to Weir's default), or the
 * issues naming each failing field. `brokerCount` and `defaultReplication` bound the replication
 * keys: a default replication above the broker count, or min.insync.replicas above the
 * replication of new topics, would make every acks=all write fail.
 */
export function mergeBrokerConfig(
  current: BrokerConfig,
  patch: Record<string, unknown>,
  cluster: { brokerCount: number; defaultReplication: number },
): { config: BrokerConfig; issues: BrokerConfigIssue[] } {
  const issues: BrokerConfigIssue[] = [];
  const config: BrokerConfig = { ...current };
  for (const [k, raw] of Object.entries(patch)) {
    const field = `brokerConfig.${k}`;
    if (!isBrokerConfigName(k)) {
      issues.push({
        field,
        message: `${k} is not a broker config Weir lets you change (${brokerConfigNames.join(", ")})`,
      });
      continue;
    }
    if (raw === null) {
      delete config[k];
      continue;
    }
    const v = normalise(k, raw);
    if ("error" in v) issues.push({ field, message: `${k} ${v.error}` });
    else config[k] = v.value;
  }
  if (issues.length > 0) return { config: current, issues };
  const rf = Number(config["default.replication.factor"] ?? cluster.defaultReplication);
  if (config["default.replication.factor"] !== undefined && rf > cluster.brokerCount) {
    issues.push({
      field: "brokerConfig.default.replication.factor",
      message: `default.replication.factor ${rf} is more than the cluster's ${cluster.brokerCount} brokers`,
    });
  }
  const minIsr = Number(config["min.insync.replicas"] ?? 1);
  if (minIsr > rf) {
    issues.push({
      field: "brokerConfig.min.insync.replicas",
      message: `min.insync.replicas ${minIsr} is more than the replication factor of new topics (${rf}): every acks=all write would fail`,
    });
  }
  return issues.length > 0 ? { config: current, issues } : { config, issues };
}

/** The overrides that apply live and those that need a restart. */
export function splitBrokerConfig(config: BrokerConfig): { live: BrokerConfig; restart: BrokerConfig } {
  const live: BrokerConfig = {};
  const restart: BrokerConfig = {};
  for (const k of brokerConfigNames) {
    const v = config[k];
    if (v === undefined) continue;
    if (BROKER_CONFIG_KEYS[k].apply === "live") live[k] = v;
    else restart[k] = v;
  }
  return { live, restart };
}

/** What a change does: the keys that apply live and the keys that roll the brokers. */
export function brokerConfigChange(before: BrokerConfig, after: BrokerConfig): { live: string[]; restart: string[] } {
  const changed = brokerConfigNames.filter((k) => before[k] !== after[k]);
  return {
    live: changed.filter((k) => BROKER_CONFIG_KEYS[k].apply === "live"),
    restart: changed.filter((k) => BROKER_CONFIG_KEYS[k].apply === "restart"),
  };
}

/**
 * The IncrementalAlterConfigs operations that make the cluster-wide dynamic defaults (`current`,
 * as DescribeConfigs reports them for Weir's live keys) equal the user's live overrides. Empty
 * when they already match, so applying it every pass is idempotent. A key the user does not set
 * is removed, or set back to its default where Kafka keeps it at cluster level (`keptAtClusterLevel`).
 */
export function liveConfigOps(
  desired: BrokerConfig,
  current: Record<string, string>,
): { set: [string, string][]; remove: string[] } {
  const live = splitBrokerConfig(desired).live;
  const set: [string, string][] = [];
  const remove: string[] = [];
  for (const k of brokerConfigNames.filter((n) => BROKER_CONFIG_KEYS[n].apply === "live")) {
    const want = live[k];
    const key: BrokerConfigKey = BROKER_CONFIG_KEYS[k];
    if (want !== undefined && current[k] !== want) set.push([k, want]);
    if (want === undefined && current[k] !== undefined) {
      if (!key.keptAtClusterLevel) remove.push(k);
      else if (current[k] !== key.defaultValue) set.push([k, key.defaultValue]);
    }
  }
  return { set, remove };
}

/** The overrides as stored (a JSON object), keeping only known keys with string values. */
export function asBrokerConfig(json: unknown): BrokerConfig {
  const out: BrokerConfig = {};
  if (!json || typeof json !== "object") return out;
  for (const [k, v] of Object.entries(json)) if (isBrokerConfigName(k) && typeof v === "string") out[k] = v;
  return out;
}
