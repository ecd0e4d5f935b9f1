// TLS for Kafka clusters: each cluster's own certificate authority and the brokers' certificates
// it signs (ECDSA P-256, SHA-256), as PEM. Built with @peculiar/x509 on Node's WebCrypto; no
// keytool, no openssl. Kept out of @weir/runtime's index (the console loads that): import it
// from "@weir/runtime/tls". No I/O: the controller stores what it returns (keys encrypted).
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;

/** A CA lives 5 years; a broker certificate 1 year and is renewed 30 days before it expires. */
export const CA_VALIDITY_DAYS = 5 * 365;
export const NODE_CERT_VALIDITY_DAYS = 365;
export const RENEW_BEFORE_DAYS = 30;

export interface IssuedCert {
  certPem: string;
  /** PKCS#8, unencrypted: encrypt it before storing it. */
  keyPem: string;
  notBefore: Date;
  notAfter: Date;
}

const serial = () => {
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0]! &= 0x7f; // positive
  return Buffer.from(b).toString("hex");
};

async function keyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey("pkcs8", key), "PRIVATE KEY");
}

/** DN attribute values: letters, digits and a few separators only. */
const dnValue = (s: string) => s.replace(/[^A-Za-z0-9 ._-]/g, "-").slice(0, 60);

/** A cluster's certificate authority: a self-signed CA that may sign end-entity certificates only. */
export async function createClusterCa(input: {
  clusterId: string;
  clusterName: string;
  now?: Date;
}): Promise<IssuedCert> {
  const notBefore = new Date((input.now ?? new Date()).getTime() - 60_000);
  const notAfter = new Date(notBefore.getTime() + CA_VALIDITY_DAYS * DAY_MS);
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=Weir cluster CA ${dnValue(input.clusterName)}, OU=${input.clusterId}, O=Weir`,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await keyPem(keys.privateKey), notBefore, notAfter };
}

const isIp = (h: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(h) || h.includes(":");

/** The addresses a node's certificate names: 127.0.0.1, localhost and the node's own host. */
export function nodeCertHosts(host: string): string[] {
  return [...new Set(["127.0.0.1", "localhost", host])];
}

/** A node's server (and client: inter-broker) certificate, signed by the cluster's CA. */
export async function issueNodeCert(input: {
  ca: { certPem: string; keyPem: string };
  clusterId: string;
  nodeId: number;
  hosts: string[];
  now?: Date;
  validityDays?: number;
}): Promise<IssuedCert> {
  const caCert = new x509.X509Certificate(input.ca.certPem);
  const caKey = await webcrypto.subtle.importKey("pkcs8", x509.PemConverter.decodeFirst(input.ca.keyPem), ALG, false, [
    "sign",
  ]);
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const notBefore = new Date((input.now ?? new Date()).getTime() - 60_000);
  const days = input.validityDays ?? NODE_CERT_VALIDITY_DAYS;
  // Never past the CA's own expiry.
  const notAfter = new Date(Math.min(notBefore.getTime() + days * DAY_MS, caCert.notAfter.getTime()));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=node-${input.nodeId}.${input.clusterId}, O=Weir`,
    issuer: caCert.subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(
        input.hosts.map((h) => ({ type: isIp(h) ? ("ip" as const) : ("dns" as const), value: h })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await keyPem(keys.privateKey), notBefore, notAfter };
}

/**
 * Why a node needs a new certificate, or null: none yet, one that names other hosts, one within
 * RENEW_BEFORE_DAYS of expiry, or one issued before the user asked for rotation.
 */
export function certRenewalReason(
  node: { certPem: string | null; certIssuedAt: Date | null; certExpiresAt: Date | null; host: string },
  rotationRequestedAt: Date | null,
  now = new Date(),
): string | null {
  if (!node.certPem || !node.certExpiresAt || !node.certIssuedAt) return "no certificate yet";
  if (node.certExpiresAt.getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS) {
    return `its certificate expires on ${node.certExpiresAt.toISOString().slice(0, 10)}`;
  }
  if (rotationRequestedAt && node.certIssuedAt.getTime() < rotationRequestedAt.getTime()) return "rotation requested";
  const named = certNames(node.certPem);
  if (nodeCertHosts(node.host).some((h) => !named.has(h))) return `its certificate does not name ${node.host}`;
  return null;
}

/** The names a certificate's SAN lists, parsed once per certificate (the step asks every pass). */
const namesByCert = new Map<string, ReadonlySet<string>>();
function certNames(certPem: string): ReadonlySet<string> {
  let named = namesByCert.get(certPem);
  if (!named) {
    const san = new x509.X509Certificate(certPem).getExtension(x509.SubjectAlternativeNameExtension);
    named = new Set((san?.names.items ?? []).map((n) => n.value));
    if (namesByCert.size >= 10_000) namesByCert.clear();
    namesByCert.set(certPem, named);
  }
  return named;
}

/** SHA-256 fingerprint of a PEM certificate (hex, colon-separated), for events and the console. */
export async function certFingerprint(pem: string): Promise<string> {
  const der = x509.PemConverter.decodeFirst(pem);
  const digest = Buffer.from(await webcrypto.subtle.digest("SHA-256", der));
  return [...digest].map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":");
}
