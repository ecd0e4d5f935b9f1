// "An admin client for a cluster the caller may see": the cluster is looked up inside the
// caller's organisation (another tenant's is 404), and its client comes from the runtime's
// Admin pool so a page does not pay a SCRAM handshake per request. Kafka's refusals become
// AppErrors naming the field, with Kafka's own words after ours.
import type { Db, KafkaClusterModel as KafkaCluster } from "@weir/db";
import { env } from "@weir/env";
import {
  isUnreachable,
  kafkaAdmins,
  KafkaRequestError,
  kafkaRefusal,
  type KafkaAdmin,
  type KafkaRefusal,
} from "@weir/runtime";
import type { OrgScope } from "../context.ts";
import { decryptSecret } from "../crypto.ts";
import { AppError, notFound } from "../errors.ts";
import { isServing } from "../status.ts";

export type ClusterRow = KafkaCluster;

export async function clusterInScope(db: Db, scope: OrgScope, clusterId: string): Promise<ClusterRow> {
  const cluster = await db.kafkaCluster.findFirst({ where: { id: clusterId, orgId: scope.orgId } });
  if (!cluster) throw notFound("Cluster");
  return cluster;
}

/** The pooled Admin client of a cluster, or null if it has no address or credential yet. */
export function adminForCluster(cluster: ClusterRow, secretKey: string): KafkaAdmin | null {
  return kafkaAdmins.forCluster(cluster, (encrypted) => decryptSecret(encrypted, secretKey));
}

function secretKey(): string {
  const key = env().WEIR_SECRET_KEY;
  if (!key) throw new AppError("UNAVAILABLE", "WEIR_SECRET_KEY is not set: start Weir with `pnpm start`.");
  return key;
}

/** The Admin client for a cluster the caller may see that is serving; 503 otherwise. */
export async function scopedAdmin(db: Db, scope: OrgScope, clusterId: string) {
  const cluster = await clusterInScope(db, scope, clusterId);
  return { cluster, admin: requireServing(cluster) };
}

export function requireServing(cluster: ClusterRow): KafkaAdmin {
  const admin = isServing("KafkaCluster", cluster.status) ? adminForCluster(cluster, secretKey()) : null;
  if (!admin) {
    throw new AppError(
      "UNAVAILABLE",
      `The cluster "${cluster.name}" is not serving yet (status ${cluster.status.toLowerCase()}); try again once it runs.`,
    );
  }
  return admin;
}

/** Like requireServing, but null instead of an error: for reads and checks that can do without Kafka.
 * Null for a Strimzi cluster: its only listener is TLS, which Weir's Admin client does not speak
 * yet, so checks that can do without Kafka do without it there. */
export function servingAdmin(cluster: ClusterRow): KafkaAdmin | null {
  if (cluster.runtime === "kubernetes") return null;
  return isServing("KafkaCluster", cluster.status) ? adminForCluster(cluster, secretKey()) : null;
}

/** The config key a Kafka INVALID_CONFIG message is about, if it names one. */
function configKeyOf(detail: string | null): string | null {
  if (!detail) return null;
  const m =
    /for configuration ([a-z0-9.]+)/i.exec(detail) ??
    /config name: ([a-z0-9.]+)/i.exec(detail) ??
    /Invalid config value for resource.*?: ([a-z0-9.]+)/i.exec(detail);
  return m?.[1] ?? null;
}

export function refusalToAppError(r: KafkaRefusal, cause?: unknown): AppError {
  const message = r.detail && !r.message.includes(r.detail) ? `${r.message} Kafka says: ${r.detail}` : r.message;
  let field = r.field;
  if (r.id === "INVALID_CONFIG") field = `configs.${configKeyOf(r.detail) ?? "*"}`;
  const fields = field ? { [field]: message } : undefined;
  const code =
    r.class === "exists" || r.class === "precondition"
      ? "CONFLICT"
      : r.class === "notFound"
        ? "NOT_FOUND"
        : r.class === "unavailable" || r.class === "forbidden"
          ? "UNAVAILABLE"
          : "UNPROCESSABLE";
  return new AppError(code, message, { fields, cause });
}

/** Turns whatever a Kafka call threw into the one error model. */
export function kafkaError(e: unknown, clusterName: string): AppError {
  if (e instanceof AppError) return e;
  const refusal = e instanceof KafkaRequestError ? e.refusal : kafkaRefusal(e);
  if (refusal) return refusalToAppError(refusal, e);
  if (isUnreachable(e) || (e instanceof Error && /timeout|ECONNREFUSED|connect/i.test(e.message))) {
    return new AppError("UNAVAILABLE", `The cluster "${clusterName}" did not answer; try again shortly.`, {
      cause: e,
    });
  }
  return new AppError("INTERNAL", "Kafka request failed.", { cause: e });
}

/** Runs Kafka calls, translating their failures. */
export async function onKafka<T>(cluster: { name: string }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw kafkaError(e, cluster.name);
  }
}
