// TLS of Kafka clusters, the parts without brokers: the Java client properties every Java-side
// client uses, the cluster CA and node certificates (checked with openssl).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { clientSecurityProps, renderProperties, clientSecurityPairs } from "../src/index.ts";
import {
  CA_VALIDITY_DAYS,
  NODE_CERT_VALIDITY_DAYS,
  certFingerprint,
  certRenewalReason,
  createClusterCa,
  issueNodeCert,
  nodeCertHosts,
} from "../src/kafka/tls.ts";

const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("clientSecurityProps", () => {
  it("SASL_SSL trusts the cluster's CA as a PEM truststore", () => {
    expect(clientSecurityProps({ protocol: "SASL_SSL", caPem: CA, username: "u", password: 'p"w' }, "kafka.")).toEqual({
      "kafka.security.protocol": "SASL_SSL",
      "kafka.sasl.mechanism": "SCRAM-SHA-512",
      "kafka.sasl.jaas.config":
        'org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p\\"w";',
      "kafka.ssl.truststore.type": "PEM",
      "kafka.ssl.truststore.certificates": CA.trim(),
    });
  });

  it("SASL_PLAINTEXT has no truststore; SASL_SSL without a CA throws", () => {
    const plain = clientSecurityProps({ protocol: "SASL_PLAINTEXT", username: "u", password: "p" });
    expect(Object.keys(plain)).toEqual(["security.protocol", "sasl.mechanism", "sasl.jaas.config"]);
    expect(() => clientSecurityProps({ protocol: "SASL_SSL", username: "u", password: "p" })).toThrow(/caPem/);
  });

  it("a PEM survives a .properties file (newlines escaped)", () => {
    const text = renderProperties(
      clientSecurityPairs({ protocol: "SASL_SSL", caPem: CA, username: "u", password: "p" }),
    );
    expect(text).toContain(
      "ssl.truststore.certificates=-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\n",
    );
  });
});

describe("cluster CA and node certificates", () => {
  it("a node certificate chains to its cluster's CA, names its hosts and is renewed when due", async () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const ca = await createClusterCa({ clusterId: "c1", clusterName: "orders/prod", now });
    const cert = await issueNodeCert({ ca, clusterId: "c1", nodeId: 2, hosts: nodeCertHosts("10.0.0.5"), now });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-tls-"));
    fs.writeFileSync(path.join(dir, "ca.pem"), ca.certPem);
    fs.writeFileSync(path.join(dir, "node.pem"), cert.certPem);
    const openssl = (...args: string[]) => execFileSync("openssl", args, { encoding: "utf8" });
    expect(
      openssl("verify", "-attime", "1767225600", "-CAfile", path.join(dir, "ca.pem"), path.join(dir, "node.pem")),
    ).toMatch(/OK/);
    const text = openssl("x509", "-in", path.join(dir, "node.pem"), "-noout", "-text");
    expect(text).toContain("IP Address:127.0.0.1");
    expect(text).toContain("DNS:localhost");
    expect(text).toContain("IP Address:10.0.0.5");
    // A CA of another cluster does not verify it.
    const other = await createClusterCa({ clusterId: "c2", clusterName: "other", now });
    fs.writeFileSync(path.join(dir, "other.pem"), other.certPem);
    expect(() =>
      execFileSync(
        "openssl",
        ["verify", "-attime", "1767225600", "-CAfile", path.join(dir, "other.pem"), path.join(dir, "node.pem")],
        {
          stdio: "pipe",
        },
      ),
    ).toThrow();
    expect(cert.notAfter.getTime() - cert.notBefore.getTime()).toBe(NODE_CERT_VALIDITY_DAYS * 86_400_000);
    expect(ca.notAfter.getTime() - ca.notBefore.getTime()).toBe(CA_VALIDITY_DAYS * 86_400_000);
    expect(await certFingerprint(cert.certPem)).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

    const row = { certPem: cert.certPem, certIssuedAt: now, certExpiresAt: cert.notAfter, host: "10.0.0.5" };
    expect(certRenewalReason(row, null, now)).toBeNull();
    expect(certRenewalReason({ ...row, certPem: null }, null, now)).toBe("no certificate yet");
    expect(certRenewalReason(row, new Date(now.getTime() + 1000), now)).toBe("rotation requested");
    expect(certRenewalReason(row, null, new Date(cert.notAfter.getTime() - 29 * 86_400_000))).toMatch(/expires on/);
    expect(certRenewalReason({ ...row, host: "10.0.0.6" }, null, now)).toMatch(/does not name 10.0.0.6/);
  });
});
