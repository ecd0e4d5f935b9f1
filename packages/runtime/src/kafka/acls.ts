// ACL bindings through CreateAcls / DescribeAcls / DeleteAcls, in Kafka's own vocabulary.
import {
  AclOperations,
  AclPermissionTypes,
  ResourcePatternTypes,
  ResourceTypes,
  type Acl,
  type AclFilter,
} from "@platformatic/kafka";
import type { KafkaAdmin } from "./admin.ts";

export type AclResource = "TOPIC" | "GROUP" | "CLUSTER" | "TRANSACTIONAL_ID";
export type AclPattern = "LITERAL" | "PREFIXED";
export type AclPermission = "ALLOW" | "DENY";

export type AclOperation =
  | "ALL"
  | "READ"
  | "WRITE"
  | "CREATE"
  | "DELETE"
  | "ALTER"
  | "DESCRIBE"
  | "CLUSTER_ACTION"
  | "DESCRIBE_CONFIGS"
  | "ALTER_CONFIGS"
  | "IDEMPOTENT_WRITE";

export interface AclBinding {
  principal: string;
  host: string;
  resourceType: AclResource;
  resourceName: string;
  patternType: AclPattern;
  operation: AclOperation;
  permission: AclPermission;
}

const resourceCodes: Record<AclResource, number> = {
  TOPIC: ResourceTypes.TOPIC,
  GROUP: ResourceTypes.GROUP,
  CLUSTER: ResourceTypes.CLUSTER,
  TRANSACTIONAL_ID: ResourceTypes.TRANSACTIONAL_ID,
};
const patternCodes: Record<AclPattern, number> = {
  LITERAL: ResourcePatternTypes.LITERAL,
  PREFIXED: ResourcePatternTypes.PREFIXED,
};

const nameOf = <T extends string>(table: Record<T, number>, code: number): T | undefined =>
  (Object.keys(table) as T[]).find((k) => table[k] === code);

function toKafka(b: AclBinding): Acl {
  return {
    resourceType: resourceCodes[b.resourceType],
    resourceName: b.resourceName,
    resourcePatternType: patternCodes[b.patternType],
    principal: b.principal,
    host: b.host,
    operation: AclOperations[b.operation],
    permissionType: AclPermissionTypes[b.permission],
  } as Acl;
}

/** Creates bindings; creating one that exists is a no-op in Kafka. */
export async function createAclBindings(admin: KafkaAdmin, bindings: AclBinding[]): Promise<void> {
  if (bindings.length === 0) return;
  await admin.admin.createAcls({ creations: bindings.map(toKafka) });
}

/** Deletes exactly these bindings. */
export async function deleteAclBindings(admin: KafkaAdmin, bindings: AclBinding[]): Promise<void> {
  if (bindings.length === 0) return;
  await admin.admin.deleteAcls({ filters: bindings.map((b) => toKafka(b) as AclFilter) });
}

/** Every binding in the cluster. One DescribeAcls call. */
export async function listAclBindings(admin: KafkaAdmin): Promise<AclBinding[]> {
  const res = await admin.admin.describeAcls({
    filter: {
      resourceType: ResourceTypes.ANY,
      resourceName: null,
      resourcePatternType: ResourcePatternTypes.ANY,
      principal: null,
      host: null,
      operation: AclOperations.ANY,
      permissionType: AclPermissionTypes.ANY,
    } as AclFilter,
  });
  const out: AclBinding[] = [];
  for (const r of res) {
    const resourceType = nameOf(resourceCodes, r.resourceType);
    const patternType = nameOf(patternCodes, r.resourcePatternType);
    if (!resourceType || !patternType) continue;
    for (const a of r.acls) {
      const operation = nameOf(AclOperations as Record<AclOperation, number>, a.operation);
      const permission = nameOf(AclPermissionTypes as Record<AclPermission, number>, a.permissionType);
      if (!operation || !permission) continue;
      out.push({
        principal: a.principal,
        host: a.host,
        resourceType,
        resourceName: r.resourceName,
        patternType,
        operation,
        permission,
      });
    }
  }
  return out;
}

export const bindingKey = (b: AclBinding) =>
  [b.principal, b.host, b.resourceType, b.resourceName, b.patternType, b.operation, b.permission].join("|");
