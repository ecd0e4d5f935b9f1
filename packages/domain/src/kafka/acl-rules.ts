// ACL presets and the per-topic view: pure functions over bindings, shared by the service and
// the console.
import type { AclBinding, AclOperation, AclPattern } from "@weir/runtime";

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
