// Kafka users with SCRAM-SHA-512. The password is shown once: it is held encrypted only until
// the controller has given Kafka the salted credential, then cleared; Weir keeps no plaintext.
import { randomBytes } from "node:crypto";
import type { Db, KafkaUserModel as KafkaUser } from "@weir/db";
import { env } from "@weir/env";
import { describeScramUsers } from "@weir/runtime";
import { z } from "zod";
import { notifyReconcile, recordAudit } from "../audit/record.ts";
import type { OrgScope } from "../context.ts";
import { encryptSecret } from "../crypto.ts";
import { AppError, conflict, isUniqueViolation, notFound } from "../errors.ts";
import { requireRole } from "../roles.ts";
import { clusterInScope, kafkaError, servingAdmin } from "./admin-client.ts";
import {
  ADMIN_KAFKA_USER,
  KAFKA_PASSWORD_MAX,
  KAFKA_PASSWORD_MIN,
  KAFKA_USER_NAME_MAX,
  KAFKA_USER_NAME_PATTERN,
} from "./user-rules.ts";

const kafkaUserName = z
  .string()
  .min(1, "Must not be empty")
  .max(KAFKA_USER_NAME_MAX, `Must be at most ${KAFKA_USER_NAME_MAX} characters`)
  .regex(KAFKA_USER_NAME_PATTERN, "Use only letters, digits, '.', '_' and '-'")
  .refine((n) => n !== ADMIN_KAFKA_USER, "This name is reserved for Weir's own admin user");

const kafkaPassword = z
  .string()
  .min(KAFKA_PASSWORD_MIN, `Must be at least ${KAFKA_PASSWORD_MIN} characters`)
  .max(KAFKA_PASSWORD_MAX, `Must be at most ${KAFKA_PASSWORD_MAX} characters`);

export const listKafkaUsersInput = z.strictObject({ clusterId: z.uuid() });
export const createKafkaUserInput = z.strictObject({
  clusterId: z.uuid(),
  name: kafkaUserName,
  password: kafkaPassword.optional().describe("Leave out to have a strong one generated"),
});
export const kafkaUserRefInput = z.strictObject({ clusterId: z.uuid(), name: kafkaUserName });
export const rotateKafkaUserInput = kafkaUserRefInput.extend({ password: kafkaPassword.optional() });

function view(u: KafkaUser) {
  return {
    name: u.name,
    principal: `User:${u.name}`,
    mechanism: u.mechanism,
    managed: true,
    status: u.status as string,
    statusReason: u.statusReason,
    generation: u.generation,
    observedGeneration: u.observedGeneration,
    passwordSetAt: u.passwordSetAt,
    createdAt: u.createdAt as Date | null,
  };
}

function secretKey(): string {
  const key = env().WEIR_SECRET_KEY;
  if (!key) throw new AppError("UNAVAILABLE", "WEIR_SECRET_KEY is not set: start Weir with `pnpm start`.");
  return key;
}

const generatePassword = () => randomBytes(24).toString("base64url");

export function kafkaUsersService(db: Db) {
  async function load(scope: OrgScope, input: { clusterId: string; name: string }) {
    const cluster = await clusterInScope(db, scope, input.clusterId);
    const user = await db.kafkaUser.findUnique({
      where: { clusterId_name: { clusterId: cluster.id, name: input.name } },
    });
    if (!user) throw notFound("Kafka user");
    return { cluster, user };
  }

  return {
    /** Weir's users, and users that hold a SCRAM credential in Kafka without Weir knowing them. */
    async list(scope: OrgScope, input: z.infer<typeof listKafkaUsersInput>) {
      const cluster = await clusterInScope(db, scope, input.clusterId);
      const rows = await db.kafkaUser.findMany({ where: { clusterId: cluster.id }, orderBy: { name: "asc" } });
      const admin = servingAdmin(cluster);
      let inKafka: Map<string, number> | null = null;
      let kafkaErrorMessage: string | null = null;
      if (admin) {
        inKafka = await describeScramUsers(admin).catch((e: unknown) => {
          kafkaErrorMessage = kafkaError(e, cluster.name).message;
          return null;
        });
      }
      const known = new Set(rows.map((r) => r.name));
      const unmanaged = [...(inKafka?.keys() ?? [])]
        .filter((n) => !known.has(n) && n !== cluster.adminUsername)
        .sort()
        .map((name) => ({
          name,
          principal: `User:${name}`,
          mechanism: "SCRAM-SHA-512",
          managed: false,
          status: "UNMANAGED",
          statusReason: "Has a SCRAM credential in Kafka that Weir did not create.",
          generation: 0,
          observedGeneration: 0,
          passwordSetAt: null,
          createdAt: null,
        }));
      return {
        items: [
          ...rows.map((r) => ({ ...view(r), inKafka: inKafka ? inKafka.has(r.name) : null })),
          ...unmanaged.map((u) => ({ ...u, inKafka: true as boolean | null })),
        ],
        kafkaError: kafkaErrorMessage,
      };
    },

    async create(scope: OrgScope, input: z.infer<typeof createKafkaUserInput>) {
      requireRole(scope.role, "ADMIN", "create Kafka users");
      const cluster = await clusterInScope(db, scope, input.clusterId);
      const password = input.password ?? generatePassword();
      try {
        const user = await db.$transaction(async (tx) => {
          const u = await tx.kafkaUser.create({
            data: {
              clusterId: cluster.id,
              name: input.name,
              pendingPasswordEncrypted: encryptSecret(password, secretKey()),
              statusReason: "Waiting for the controller to give Kafka the credential",
            },
          });
          await recordAudit(tx, scope, {
            action: "kafka_user.create",
            resourceType: "kafka_user",
            resourceId: u.id,
            resourceName: u.name,
            details: { clusterId: cluster.id, passwordGenerated: input.password === undefined },
          });
          await notifyReconcile(tx, "KafkaUser", u.id);
          return u;
        });
        return { user: view(user), password };
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict(`A Kafka user named "${input.name}" already exists.`, "name");
        throw e;
      }
    },

    async rotate(scope: OrgScope, input: z.infer<typeof rotateKafkaUserInput>) {
      requireRole(scope.role, "ADMIN", "rotate Kafka passwords");
      const { cluster, user } = await load(scope, input);
      if (user.status === "DELETING") throw conflict("The user is being deleted.");
      const password = input.password ?? generatePassword();
      const updated = await db.$transaction(async (tx) => {
        const u = await tx.kafkaUser.update({
          where: { id: user.id },
          data: {
            pendingPasswordEncrypted: encryptSecret(password, secretKey()),
            generation: { increment: 1 },
            status: "UPDATING",
            statusReason: "Waiting for the controller to give Kafka the new credential",
          },
        });
        await recordAudit(tx, scope, {
          action: "kafka_user.rotate",
          resourceType: "kafka_user",
          resourceId: u.id,
          resourceName: u.name,
          details: { clusterId: cluster.id, passwordGenerated: input.password === undefined },
        });
        await notifyReconcile(tx, "KafkaUser", u.id);
        return u;
      });
      return { user: view(updated), password };
    },

    /** Deletes the user and the ACLs Weir holds for its principal. */
    async delete(scope: OrgScope, input: z.infer<typeof kafkaUserRefInput>) {
      requireRole(scope.role, "ADMIN", "delete Kafka users");
      const { cluster, user } = await load(scope, input);
      const updated = await db.$transaction(async (tx) => {
        const u = await tx.kafkaUser.update({
          where: { id: user.id },
          data: {
            status: "DELETING",
            statusReason: "Waiting for the controller to remove the credential",
            generation: { increment: 1 },
          },
        });
        const acls = await tx.acl.findMany({
          where: { clusterId: cluster.id, principal: `User:${user.name}`, status: { not: "DELETING" } },
        });
        await tx.acl.updateMany({
          where: { id: { in: acls.map((a) => a.id) } },
          data: { status: "DELETING", statusReason: "Its user was deleted", generation: { increment: 1 } },
        });
        await recordAudit(tx, scope, {
          action: "kafka_user.delete",
          resourceType: "kafka_user",
          resourceId: u.id,
          resourceName: u.name,
          details: { clusterId: cluster.id, aclsRemoved: acls.length },
        });
        await notifyReconcile(tx, "KafkaUser", u.id);
        for (const a of acls) await notifyReconcile(tx, "Acl", a.id);
        return u;
      });
      return view(updated);
    },
  };
}
