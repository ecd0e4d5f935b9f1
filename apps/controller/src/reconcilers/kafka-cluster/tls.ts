// TLS of a Kafka cluster run by the local driver (securityProtocol SASL_SSL): the "certificates"
// step, after node-rows and before any node starts.
// - the cluster's CA is created once (5 years; its key encrypted like the admin password);
// - every node gets a certificate signed by it (1 year; SAN 127.0.0.1, localhost, its host),
//   stored on its Broker row (key encrypted), so a restart reuses it; a node is issued a new one
//   when certRenewalReason says so (none yet, 30 days before expiry, a user-requested rotation,
//   a host it does not name);
// - the pass's spec gets the CA and each node's certificate: the local driver writes them as PEM
//   files and nodeRevision hashes them, so a node running with an older certificate is restarted
//   by the roll step (roll.ts), one node at a time: rotation is a rolling restart;
// - a cluster with plaintextLoopback has one more leased port per broker, a SASL_PLAINTEXT
//   listener on 127.0.0.1.
// Clusters whose securityProtocol is SASL_PLAINTEXT (created before TLS) are left as they were.
import { decryptSecret, encryptSecret } from "@weir/domain";
import { isBroker } from "@weir/runtime";
import { certRenewalReason, createClusterCa, issueNodeCert, nodeCertHosts } from "@weir/runtime/tls";
import { step } from "../../framework/pipeline.ts";
import { leasePorts } from "../../framework/ports.ts";
import { plural } from "./status.ts";
import type { ClusterPass } from "./types.ts";

export const certificates = step<ClusterPass>("certificates", async (pass) => {
  if (pass.declarative || !pass.spec) return;
  await ensureLoopbackPorts(pass);
  if (pass.cluster.securityProtocol !== "SASL_SSL") return;
  const { db, cluster, secretKey } = pass;

  if (!cluster.caCertPem || !cluster.caKeyEncrypted) {
    const ca = await createClusterCa({ clusterId: cluster.id, clusterName: cluster.name });
    const caKeyEncrypted = encryptSecret(ca.keyPem, secretKey);
    // Only the first writer's CA counts (two passes racing must not sign with different CAs).
    await db.kafkaCluster.updateMany({
      where: { id: cluster.id, caCertPem: null },
      data: { caCertPem: ca.certPem, caKeyEncrypted },
    });
    const row = await db.kafkaCluster.findUniqueOrThrow({ where: { id: cluster.id } });
    cluster.caCertPem = row.caCertPem;
    cluster.caKeyEncrypted = row.caKeyEncrypted;
    await pass.event({
      type: "NORMAL",
      reason: "CertificateAuthorityCreated",
      message: `Created the cluster's certificate authority (valid until ${ca.notAfter.toISOString().slice(0, 10)}).`,
    });
  }
  const caPem = cluster.caCertPem!;
  const ca = { certPem: caPem, keyPem: decryptSecret(cluster.caKeyEncrypted!, secretKey) };

  const issued: string[] = [];
  for (const b of cluster.brokers) {
    if (pass.leaving.has(b.nodeId)) continue;
    const why = certRenewalReason(b, cluster.certRotationRequestedAt);
    if (!why) continue;
    const cert = await issueNodeCert({ ca, clusterId: cluster.id, nodeId: b.nodeId, hosts: nodeCertHosts(b.host) });
    const patch = {
      certPem: cert.certPem,
      certKeyEncrypted: encryptSecret(cert.keyPem, secretKey),
      certIssuedAt: new Date(),
      certExpiresAt: cert.notAfter,
    };
    await db.broker.updateMany({ where: { id: b.id }, data: patch });
    Object.assign(b, patch);
    if (why !== "no certificate yet") issued.push(`node ${b.nodeId} (${why})`);
  }
  const expiries = cluster.brokers.map((b) => b.certExpiresAt?.getTime() ?? Infinity);
  const earliest = new Date(Math.min(...expiries));
  if (Number.isFinite(earliest.getTime()) && cluster.certExpiresAt?.getTime() !== earliest.getTime()) {
    await db.kafkaCluster.updateMany({ where: { id: cluster.id }, data: { certExpiresAt: earliest } });
    cluster.certExpiresAt = earliest;
  }
  if (issued.length > 0) {
    await pass.event({
      type: "NORMAL",
      reason: "CertificatesRenewed",
      message: `New certificates for ${plural(issued.length, "node")}: ${issued.join(", ")}; running nodes restart one at a time.`,
    });
  }

  pass.spec.tls = { caPem };
  for (const node of pass.spec.nodes) {
    const b = cluster.brokers.find((x) => x.nodeId === node.nodeId);
    if (b?.certPem && b.certKeyEncrypted) {
      node.cert = { certPem: b.certPem, keyPem: decryptSecret(b.certKeyEncrypted, secretKey) };
    }
  }
});

/** plaintextLoopback: a leased port per broker for the 127.0.0.1 SASL_PLAINTEXT listener. */
async function ensureLoopbackPorts(pass: ClusterPass): Promise<void> {
  const { db, cluster } = pass;
  if (!cluster.plaintextLoopback) return;
  const missing = cluster.brokers.filter((b) => isBroker(b) && b.plaintextPort == null);
  if (missing.length > 0) {
    const ports = await leasePorts(
      db,
      missing.map((b) => ({ ownerKind: "KafkaCluster", ownerId: b.id, purposes: ["loopback"] })),
    );
    await Promise.all(
      missing.map(async (b, i) => {
        b.plaintextPort = ports[i]![0]!;
        await db.broker.updateMany({ where: { id: b.id }, data: { plaintextPort: b.plaintextPort } });
      }),
    );
  }
  for (const node of pass.spec!.nodes) {
    const port = cluster.brokers.find((b) => b.nodeId === node.nodeId)?.plaintextPort;
    if (port) node.loopbackPort = port;
  }
}
