// TLS of Kafka clusters as users see it: what a cluster's view says about its listeners, the
// CA certificate to download (GET /clusters/{id}/ca-certificate) and a requested certificate
// rotation (POST /clusters/{id}/rotate-certificates). The controller creates the CA and the
// brokers' certificates (apps/controller/.../kafka-cluster/tls.ts); nothing here signs anything.
import type { Db } from "@weir/db";
import { z } from "zod";
import { checkChangeable, changeCluster, type ClusterKind, type ClusterRow } from "../cluster-changes.ts";
import type { OrgScope } from "../context.ts";
import { AppError, conflict } from "../errors.ts";
import { requireRole } from "../roles.ts";

export const rotateCertificatesInput = z.strictObject({
  id: z.uuid(),
  /** Optional optimistic concurrency: the generation the caller saw. */
  generation: z.number().int().optional(),
});

/** The columns of a cluster row this module reads. */
export interface TlsColumns {
  id: string;
  name: string;
  runtime: string;
  securityProtocol: string;
  plaintextLoopback: boolean;
  caCertPem: string | null;
  certExpiresAt: Date | null;
  brokers?: { roles: string; host: string; plaintextPort: number | null }[];
}

/** "SASL_SSL" or "SASL_PLAINTEXT": Strimzi's listener is always TLS. */
export const clusterSecurityProtocol = (
  c: Pick<TlsColumns, "runtime" | "securityProtocol">,
): "SASL_SSL" | "SASL_PLAINTEXT" =>
  c.runtime === "kubernetes" || c.securityProtocol === "SASL_SSL" ? "SASL_SSL" : "SASL_PLAINTEXT";

/** The TLS part of a cluster's view. */
export function tlsView(c: TlsColumns) {
  const loopback = c.plaintextLoopback
    ? (c.brokers ?? [])
        .filter((b) => b.roles.includes("broker") && b.plaintextPort)
        .map((b) => `127.0.0.1:${b.plaintextPort}`)
        .join(",")
    : "";
  return {
    securityProtocol: clusterSecurityProtocol(c),
    tls: {
      /** The CA certificate can be downloaded (local SASL_SSL clusters, once the controller made it). */
      caCertificateAvailable: c.runtime !== "kubernetes" && c.securityProtocol === "SASL_SSL" && !!c.caCertPem,
      certificatesExpireAt: c.certExpiresAt,
    },
    plaintextLoopback: c.plaintextLoopback,
    loopbackBootstrapServers: loopback || null,
  };
}

/** The CA certificate of a cluster, as PEM, or why there is none. */
export function caCertificateOf(c: TlsColumns): { pem: string; fileName: string } {
  if (c.runtime === "kubernetes") {
    throw conflict(
      "This cluster runs on Kubernetes: Strimzi keeps its cluster CA in the Kubernetes secret <cluster>-cluster-ca-cert.",
    );
  }
  if (c.securityProtocol !== "SASL_SSL") {
    throw conflict(
      "This cluster listens on SASL_PLAINTEXT (it was created before TLS): it has no certificate authority.",
    );
  }
  if (!c.caCertPem) {
    throw new AppError("UNAVAILABLE", "The cluster's certificate authority is being created; try again in a moment.");
  }
  const slug = c.name.replace(/[^A-Za-z0-9._-]/g, "-");
  return { pem: c.caCertPem, fileName: `${slug}-ca.pem` };
}

/**
 * New certificates for every broker, signed by the same CA (clients keep trusting it), rolled
 * out one broker at a time by the controller.
 */
export async function rotateCertificates<R extends ClusterRow & TlsColumns>(
  db: Db,
  scope: OrgScope,
  kind: ClusterKind<R>,
  c: R,
  input: z.infer<typeof rotateCertificatesInput>,
): Promise<R> {
  requireRole(scope.role, "DEVELOPER", "rotate a Kafka cluster's certificates");
  if (c.runtime === "kubernetes") {
    throw conflict("This cluster runs on Kubernetes: Strimzi renews its certificates itself.");
  }
  if (c.securityProtocol !== "SASL_SSL") {
    throw conflict("This cluster listens on SASL_PLAINTEXT (it was created before TLS): it has no certificates.");
  }
  checkChangeable(kind, c, input.generation);
  return changeCluster(
    db,
    scope,
    kind,
    c,
    "rotate_certificates",
    { generation: { increment: 1 }, statusReason: "Rotating the brokers' certificates, one broker at a time" },
    undefined,
    async (tx) => {
      await tx.kafkaCluster.update({ where: { id: c.id }, data: { certRotationRequestedAt: new Date() } });
    },
  );
}
