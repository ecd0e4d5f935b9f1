// ACLs: one row per Kafka binding, reconciled like topics. Presets expand to the bindings a
// client needs for a job and are created together in one transaction.
import type { AclModel as Acl, Db } from "@weir/db";
import { bindingKey, listAclBindings, type AclBinding } from "@weir/runtime";
import { z } from "zod";
import { notifyReconcile, recordAudit } from "../audit/record.ts";
import type { OrgScope } from "../context.ts";
import { AppError, conflict, notFound } from "../errors.ts";
import { requireRole } from "../roles.ts";
import { clusterInScope, kafkaError, servingAdmin } from "./admin-client.ts";
import {
  ACL_OPERATIONS,
  ACL_PATTERN_TYPES,
  ACL_PERMISSIONS,
  ACL_PRESETS,
  ACL_RESOURCE_TYPES,
  aclsForTopic,
  bindingProblems,
  coversTopic,
  expandPreset,
  type AclPreset,
} from "./acl-rules.ts";
import { TOPIC_NAME_MAX } from "./topic-rules.ts";

const principal = z
  .string()
  .max(200)
  .regex(/^User:(\*|[a-zA-Z0-9._-]+)$/, "Must be User:<name> (a Kafka user) or User:* (everyone)");
const resourceName = z.string().min(1, "Must not be empty").max(249);
const operation = z.string().transform((v, ctx) => {
  const op = v.toUpperCase().replace(/[\s-]/g, "_");
  const known = ACL_OPERATIONS.find((o) => o === op);
  if (!known) {
    ctx.addIssue({ code: "custom", message: `Unknown operation "${v}"; one of ${ACL_OPERATIONS.join(", ")}` });
    return z.NEVER;
  }
  return known;
});

export const listAclsInput = z.strictObject({
  clusterId: z.uuid(),
  principal: z.string().max(200).optional(),
  topic: z.string().max(TOPIC_NAME_MAX).optional().describe("Only bindings that cover this topic"),
});
export const createAclInput = z.strictObject({
  clusterId: z.uuid(),
  principal,
  resourceType: z.enum(ACL_RESOURCE_TYPES),
  resourceName,
  patternType: z.enum(ACL_PATTERN_TYPES).default("LITERAL"),
  operation,
  permission: z.enum(ACL_PERMISSIONS).default("ALLOW"),
  host: z.string().min(1).max(100).default("*"),
});
export const aclPresetInput = z.strictObject({
  clusterId: z.uuid(),
  preset: z.enum(ACL_PRESETS),
  principal,
  topic: resourceName.optional().describe("produce and consume: the topic (or prefix with patternType PREFIXED)"),
  group: resourceName.optional().describe("consume: the consumer group"),
  prefix: resourceName.optional().describe("admin-prefix: the name prefix"),
  patternType: z.enum(ACL_PATTERN_TYPES).default("LITERAL"),
  dryRun: z.boolean().default(false).describe("Only show the bindings the preset stands for"),
});
export const aclRefInput = z.strictObject({ clusterId: z.uuid(), aclId: z.uuid() });

function view(a: Acl) {
  return {
    id: a.id as string | null,
    managed: true,
    principal: a.principal,
    resourceType: a.resourceType as AclBinding["resourceType"],
    resourceName: a.resourceName,
    patternType: a.patternType as AclBinding["patternType"],
    operation: a.operation,
    permission: a.permission as AclBinding["permission"],
    host: a.host,
    status: a.status as string,
    statusReason: a.statusReason,
    generation: a.generation,
    observedGeneration: a.observedGeneration,
  };
}

export const rowToBinding = (a: Acl): AclBinding => ({
  principal: a.principal,
  host: a.host,
  resourceType: a.resourceType,
  resourceName: a.resourceName,
  patternType: a.patternType,
  operation: a.operation as AclBinding["operation"],
  permission: a.permission,
});

function checkBinding(b: AclBinding, fieldPrefix = ""): void {
  const problem = bindingProblems(b, fieldPrefix);
  if (problem) throw new AppError("VALIDATION_FAILED", problem.message, { fields: problem.fields });
}

export function aclsService(db: Db) {
  async function createBindings(
    scope: OrgScope,
    clusterId: string,
    bindings: AclBinding[],
    action: string,
    details: object,
  ) {
    const cluster = await clusterInScope(db, scope, clusterId);
    return db.$transaction(async (tx) => {
      const out: Acl[] = [];
      for (const b of bindings) {
        const existing = await tx.acl.findFirst({
          where: {
            clusterId: cluster.id,
            principal: b.principal,
            resourceType: b.resourceType,
            resourceName: b.resourceName,
            patternType: b.patternType,
            operation: b.operation,
            permission: b.permission,
            host: b.host,
          },
        });
        if (existing && existing.status !== "DELETING") {
          out.push(existing);
          continue;
        }
        const row = existing
          ? await tx.acl.update({
              where: { id: existing.id },
              data: { status: "PROVISIONING", statusReason: "Recreated", generation: { increment: 1 } },
            })
          : await tx.acl.create({ data: { clusterId: cluster.id, ...b, statusReason: "Waiting for the controller" } });
        await notifyReconcile(tx, "Acl", row.id);
        out.push(row);
      }
      await recordAudit(tx, scope, {
        action,
        resourceType: "acl",
        resourceId: out.length === 1 ? out[0]!.id : null,
        resourceName: bindings
          .map((b) => `${b.principal} ${b.operation} ${b.resourceType}:${b.resourceName}`)
          .join("; "),
        details: { clusterId: cluster.id, ...details, aclIds: out.map((a) => a.id) },
      });
      return out;
    });
  }

  return {
    /** Weir's bindings, plus bindings Kafka has that Weir did not create (one DescribeAcls call). */
    async list(scope: OrgScope, input: z.infer<typeof listAclsInput>) {
      const cluster = await clusterInScope(db, scope, input.clusterId);
      const rows = await db.acl.findMany({
        where: { clusterId: cluster.id },
        orderBy: [{ principal: "asc" }, { resourceType: "asc" }, { resourceName: "asc" }, { operation: "asc" }],
      });
      const admin = servingAdmin(cluster);
      let kafkaErrorMessage: string | null = null;
      let inKafka: AclBinding[] | null = null;
      if (admin) {
        inKafka = await listAclBindings(admin).catch((e: unknown) => {
          kafkaErrorMessage = kafkaError(e, cluster.name).message;
          return null;
        });
      }
      const kafkaKeys = new Set((inKafka ?? []).map(bindingKey));
      const weirKeys = new Set(rows.map((r) => bindingKey(rowToBinding(r))));
      const unmanaged = (inKafka ?? [])
        .filter((b) => !weirKeys.has(bindingKey(b)))
        .map((b) => ({
          id: null,
          managed: false,
          ...b,
          status: "UNMANAGED",
          statusReason: "Exists in Kafka; not created by Weir.",
          generation: 0,
          observedGeneration: 0,
        }));
      let items = [
        ...rows.map((r) => ({ ...view(r), inKafka: inKafka ? kafkaKeys.has(bindingKey(rowToBinding(r))) : null })),
        ...unmanaged.map((u) => ({ ...u, inKafka: true as boolean | null })),
      ];
      if (input.principal) items = items.filter((i) => i.principal === input.principal);
      const topic = input.topic;
      const topicView = topic
        ? aclsForTopic(
            items
              .filter((i) => i.status !== "DELETING")
              .map((i) => ({ ...i, operation: i.operation as AclBinding["operation"] })),
            topic,
          )
        : null;
      if (topic) {
        items = items.filter((i) => coversTopic(i, topic));
      }
      return { items, topicView, kafkaError: kafkaErrorMessage };
    },

    async create(scope: OrgScope, input: z.infer<typeof createAclInput>) {
      requireRole(scope.role, "ADMIN", "change ACLs");
      const { clusterId, ...binding } = input;
      checkBinding(binding);
      const cluster = await clusterInScope(db, scope, clusterId);
      const dup = await db.acl.findFirst({ where: { clusterId: cluster.id, ...binding, status: { not: "DELETING" } } });
      if (dup) throw conflict("This ACL already exists.", "operation");
      const [row] = await createBindings(scope, clusterId, [binding], "acl.create", {});
      return view(row!);
    },

    /** Expands a preset and creates its bindings (those that exist already are kept as they are). */
    async applyPreset(scope: OrgScope, input: z.infer<typeof aclPresetInput>) {
      requireRole(scope.role, input.dryRun ? "VIEWER" : "ADMIN", "change ACLs");
      const need = (field: "topic" | "group" | "prefix") => {
        const v = input[field];
        if (!v) {
          throw new AppError("VALIDATION_FAILED", `The ${input.preset} preset needs ${field}.`, {
            fields: { [field]: `Required by the ${input.preset} preset` },
          });
        }
        return v;
      };
      const preset: AclPreset =
        input.preset === "produce"
          ? { preset: "produce", principal: input.principal, topic: need("topic"), patternType: input.patternType }
          : input.preset === "consume"
            ? {
                preset: "consume",
                principal: input.principal,
                topic: need("topic"),
                group: need("group"),
                patternType: input.patternType,
              }
            : { preset: "admin-prefix", principal: input.principal, prefix: need("prefix") };
      const bindings = expandPreset(preset);
      for (const b of bindings) checkBinding(b);
      await clusterInScope(db, scope, input.clusterId);
      if (input.dryRun) return { bindings, items: [] };
      const rows = await createBindings(scope, input.clusterId, bindings, "acl.preset", { preset: input.preset });
      return { bindings, items: rows.map(view) };
    },

    async delete(scope: OrgScope, input: z.infer<typeof aclRefInput>) {
      requireRole(scope.role, "ADMIN", "change ACLs");
      const cluster = await clusterInScope(db, scope, input.clusterId);
      const acl = await db.acl.findFirst({ where: { id: input.aclId, clusterId: cluster.id } });
      if (!acl) throw notFound("ACL");
      const updated = await db.$transaction(async (tx) => {
        const a = await tx.acl.update({
          where: { id: acl.id },
          data: { status: "DELETING", statusReason: "Waiting for the controller", generation: { increment: 1 } },
        });
        await recordAudit(tx, scope, {
          action: "acl.delete",
          resourceType: "acl",
          resourceId: a.id,
          resourceName: `${a.principal} ${a.operation} ${a.resourceType}:${a.resourceName}`,
          details: { clusterId: cluster.id },
        });
        await notifyReconcile(tx, "Acl", a.id);
        return a;
      });
      return view(updated);
    },
  };
}
