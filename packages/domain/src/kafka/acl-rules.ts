// Kafka's ACL vocabulary, what each resource type can be granted, the presets and the per-topic
// view: pure, shared by the service and the console (`@weir/domain/rules`). The runtime
// speaks the same names to Kafka: every name here must be one of its types.
import type { AclBinding, AclOperation, AclPattern, AclPermission, AclResource } from "@weir/runtime";

export type { AclBinding, AclOperation, AclPattern, AclPermission, AclResource };

/** Every operation, ALL last so that a form's first choice grants no more than it names. */
export const ACL_OPERATIONS = [
  "READ",
  "WRITE",
  "CREATE",
  "DELETE",
  "ALTER",
  "DESCRIBE",
  "DESCRIBE_CONFIGS",
  "ALTER_CONFIGS",
  "CLUSTER_ACTION",
  "IDEMPOTENT_WRITE",
  "ALL",
] as const satisfies readonly AclOperation[];

/** The operations Kafka's authorizer checks on each resource type, in the order above. */
export const OPERATIONS_BY_RESOURCE: Record<AclResource, readonly AclOperation[]> = {
  TOPIC: ["READ", "WRITE", "CREATE", "DELETE", "ALTER", "DESCRIBE", "DESCRIBE_CONFIGS", "ALTER_CONFIGS", "ALL"],
  GROUP: ["READ", "DELETE", "DESCRIBE", "ALL"],
  CLUSTER: [
    "CREATE",
    "ALTER",
    "DESCRIBE",
    "DESCRIBE_CONFIGS",
    "ALTER_CONFIGS",
    "CLUSTER_ACTION",
    "IDEMPOTENT_WRITE",
    "ALL",
  ],
  TRANSACTIONAL_ID: ["WRITE", "DESCRIBE", "ALL"],
};

export const ACL_RESOURCE_TYPES = [
  "TOPIC",
  "GROUP",
  "CLUSTER",
  "TRANSACTIONAL_ID",
] as const satisfies readonly AclResource[];
export const ACL_PATTERN_TYPES = ["LITERAL", "PREFIXED"] as const satisfies readonly AclPattern[];
export const ACL_PERMISSIONS = ["ALLOW", "DENY"] as const satisfies readonly AclPermission[];

/** The one CLUSTER resource Kafka knows. */
export const CLUSTER_RESOURCE_NAME = "kafka-cluster";

/**
 * What Kafka would refuse or ignore in a binding: field → sentence, with `fieldPrefix` before the
 * field names. Null if the binding is fine.
 */
export function bindingProblems(
  b: Pick<AclBinding, "resourceType" | "resourceName" | "patternType" | "operation">,
  fieldPrefix = "",
): { message: string; fields: Record<string, string> } | null {
  const ops = OPERATIONS_BY_RESOURCE[b.resourceType];
  if (!ops.includes(b.operation)) {
    return {
      message: `Kafka does not check ${b.operation} on a ${b.resourceType.toLowerCase()}; use one of ${ops.join(", ")}.`,
      fields: { [`${fieldPrefix}operation`]: `Not an operation on ${b.resourceType}: use one of ${ops.join(", ")}` },
    };
  }
  if (b.resourceType === "CLUSTER" && (b.resourceName !== CLUSTER_RESOURCE_NAME || b.patternType !== "LITERAL")) {
    return {
      message: `The cluster resource is named "${CLUSTER_RESOURCE_NAME}" (literal).`,
      fields: { [`${fieldPrefix}resourceName`]: `Must be "${CLUSTER_RESOURCE_NAME}" for the CLUSTER resource` },
    };
  }
  return null;
}

export const ACL_PRESETS = ["produce", "consume", "admin-prefix"] as const;
export type AclPresetName = (typeof ACL_PRESETS)[number];

export type AclPreset =
  | { preset: "produce"; principal: string; topic: string; patternType?: AclPattern }
  | { preset: "consume"; principal: string; topic: string; group: string; patternType?: AclPattern }
  | { preset: "admin-prefix"; principal: string; prefix: string };

const allow = (
  principal: string,
  resourceType: AclBinding["resourceType"],
  resourceName: string,
  patternType: AclPattern,
  operation: AclOperation,
): AclBinding => ({ principal, host: "*", resourceType, resourceName, patternType, operation, permission: "ALLOW" });

/** The bindings a preset stands for: what a client needs for that job, and nothing more. */
export function expandPreset(p: AclPreset): AclBinding[] {
  switch (p.preset) {
    case "produce": {
      const pt = p.patternType ?? "LITERAL";
      return [allow(p.principal, "TOPIC", p.topic, pt, "WRITE"), allow(p.principal, "TOPIC", p.topic, pt, "DESCRIBE")];
    }
    case "consume": {
      const pt = p.patternType ?? "LITERAL";
      return [
        allow(p.principal, "TOPIC", p.topic, pt, "READ"),
        allow(p.principal, "TOPIC", p.topic, pt, "DESCRIBE"),
        allow(p.principal, "GROUP", p.group, "LITERAL", "READ"),
        allow(p.principal, "GROUP", p.group, "LITERAL", "DESCRIBE"),
      ];
    }
    case "admin-prefix":
      return [
        allow(p.principal, "TOPIC", p.prefix, "PREFIXED", "ALL"),
        allow(p.principal, "GROUP", p.prefix, "PREFIXED", "ALL"),
        allow(p.principal, "TRANSACTIONAL_ID", p.prefix, "PREFIXED", "ALL"),
      ];
  }
}

/** Whether a binding's resource pattern covers a topic. */
export function coversTopic(b: Pick<AclBinding, "resourceType" | "resourceName" | "patternType">, topic: string) {
  if (b.resourceType !== "TOPIC") return false;
  if (b.resourceName === "*") return true;
  return b.patternType === "PREFIXED" ? topic.startsWith(b.resourceName) : b.resourceName === topic;
}

/** Who may do what on a topic, one row per principal, host, operation and permission. */
export function aclsForTopic(bindings: AclBinding[], topic: string) {
  return bindings
    .filter((b) => coversTopic(b, topic))
    .map((b) => ({
      principal: b.principal,
      host: b.host,
      operation: b.operation,
      permission: b.permission,
      via: b.resourceName === "*" ? "*" : b.patternType === "PREFIXED" ? `prefix ${b.resourceName}` : "this topic",
    }))
    .sort((a, b) => a.principal.localeCompare(b.principal) || a.operation.localeCompare(b.operation));
}
