// A node's TLS as its process sees it: which PEM files its server.properties names (next to
// the node's data dir: <node dir>/tls/), what those files hold, and what of it counts for the
// node's config revision (a new certificate rolls the node). Pure: the local driver writes the
// files (0600), nodeConfigInput/nodeRevision take the rest.
import { createHash } from "node:crypto";
import path from "node:path";
import type { NodeConfigInput } from "./config.ts";
import type { KafkaClusterSpec } from "./runtime.ts";

/** The PEM files of a node whose data dir is `dataDir` (the node dir's "data"). */
export function nodeTlsPaths(dataDir: string): { keystorePath: string; truststorePath: string } {
  const dir = path.join(path.dirname(dataDir), "tls");
  return { keystorePath: path.join(dir, "keystore.pem"), truststorePath: path.join(dir, "truststore.pem") };
}

/** The TLS and loopback-listener part of a node's NodeConfigInput. */
export function nodeTlsConfigInput(
  spec: KafkaClusterSpec,
  nodeId: number,
  dataDir: string,
): Pick<NodeConfigInput, "tls" | "loopbackPort" | "loopbackProtocol"> {
  const node = spec.nodes.find((n) => n.nodeId === nodeId);
  return {
    ...(spec.tls ? { tls: nodeTlsPaths(dataDir) } : {}),
    ...(node?.loopbackPort ? { loopbackPort: node.loopbackPort } : {}),
    ...(node?.loopbackPort && spec.loopbackProtocol ? { loopbackProtocol: spec.loopbackProtocol } : {}),
  };
}

/**
 * The files' contents: the keystore holds the node's key and its certificate followed by the
 * CA's (the chain a client verifies), the truststore the CA. Null for a cluster without TLS.
 * Throws for a TLS cluster whose node has no certificate yet (the controller issues it first).
 */
export function nodeTlsFiles(spec: KafkaClusterSpec, nodeId: number): { keystore: string; truststore: string } | null {
  if (!spec.tls) return null;
  const cert = spec.nodes.find((n) => n.nodeId === nodeId)?.cert;
  if (!cert) throw new Error(`Node ${nodeId} of cluster ${spec.clusterId} has no TLS certificate yet`);
  const pem = (s: string) => `${s.trim()}\n`;
  return {
    keystore: pem(cert.keyPem) + pem(cert.certPem) + pem(spec.tls.caPem),
    truststore: pem(spec.tls.caPem),
  };
}

/** What of a node's TLS restarts it when it changes: the certificate and the CA (not the key). */
export function nodeTlsRevisionInputs(spec: KafkaClusterSpec, nodeId: number): [string, string][] {
  if (!spec.tls) return [];
  const sha = (s: string) => createHash("sha256").update(s.trim()).digest("hex").slice(0, 16);
  const cert = spec.nodes.find((n) => n.nodeId === nodeId)?.cert;
  return [
    ["tls.ca", sha(spec.tls.caPem)],
    ["tls.cert", cert ? sha(cert.certPem) : "none"],
  ];
}
