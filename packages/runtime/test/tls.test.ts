// TLS of Kafka clusters, the parts without brokers: the Java client properties every Java-side
// client uses, the cluster CA and node certificates (checked with openssl).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  clientSecurityPairs,
  clientSecurityProps,
  connectWorkerProperties,
  connectorClientOverrides,
  nodeConfigInput,
  nodeRevision,
  renderProperties,
  serverProperties,
} from "../src/index.ts";
import { nodeTlsFiles } from "../src/kafka/node-tls.ts";
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

describe("server.properties of a TLS node", () => {
  const spec = {
    clusterId: "c1",
    kafkaClusterId: "k",
    kafkaVersion: "3.9.2",
    defaultReplication: 1,
    admin: { username: "weir-admin", password: "pw" },
    instanceType: { sku: "kafka.t3.small", vcpu: 2, memoryGib: 2 },
    tls: { caPem: CA },
    nodes: [
      {
        nodeId: 1,
        roles: "broker,controller" as const,
        host: "127.0.0.1",
        port: 9092,
        controllerPort: 9093,
        metricsPort: 9094,
        cert: { certPem: "CERT", keyPem: "KEY" },
      },
    ],
  };
  const props = (s: typeof spec & { nodes: { loopbackPort?: number }[] }) =>
    new Map(serverProperties(nodeConfigInput(s, 1, "/n/node-1/data")));

  it("every listener is SASL_SSL with PEM files in the node dir; no loopback unless asked", () => {
    const p = props(spec);
    expect(p.get("listener.security.protocol.map")).toBe("CLIENT:SASL_SSL,CONTROLLER:SASL_SSL");
    expect(p.get("listeners")).toBe("CLIENT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
    expect(p.get("ssl.keystore.type")).toBe("PEM");
    expect(p.get("ssl.keystore.location")).toBe("/n/node-1/tls/keystore.pem");
    expect(p.get("ssl.truststore.location")).toBe("/n/node-1/tls/truststore.pem");
    expect([...p.keys()].some((k) => k.includes("loopback"))).toBe(false);
    expect(nodeTlsFiles(spec, 1)!.keystore).toBe(`KEY\nCERT\n${CA.trim()}\n`);
  });

  it("the loopback listener, when asked, is SASL_PLAINTEXT on 127.0.0.1 and advertised", () => {
    const p = props({ ...spec, nodes: [{ ...spec.nodes[0]!, loopbackPort: 9095 }] });
    expect(p.get("listeners")).toBe("CLIENT://127.0.0.1:9092,LOOPBACK://127.0.0.1:9095,CONTROLLER://127.0.0.1:9093");
    expect(p.get("listener.security.protocol.map")).toBe("CLIENT:SASL_SSL,CONTROLLER:SASL_SSL,LOOPBACK:SASL_PLAINTEXT");
    expect(p.get("advertised.listeners")).toBe("CLIENT://127.0.0.1:9092,LOOPBACK://127.0.0.1:9095");
  });

  it("a cluster without TLS keeps SASL_PLAINTEXT and its revision; a new certificate changes the revision", () => {
    const { tls: _tls, ...plain } = spec;
    const p = new Map(serverProperties(nodeConfigInput(plain, 1, "/d")));
    expect(p.get("listener.security.protocol.map")).toBe("CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
    expect(p.has("ssl.keystore.location")).toBe(false);
    const renewed = { ...spec, nodes: [{ ...spec.nodes[0]!, cert: { certPem: "CERT2", keyPem: "KEY2" } }] };
    expect(nodeRevision(renewed, 1)).not.toBe(nodeRevision(spec, 1));
    expect(nodeRevision(plain, 1)).not.toBe(nodeRevision(spec, 1));
  });
});

describe("Connect workers of a TLS cluster", () => {
  it("every client of the worker trusts the cluster CA; connector overrides stay within the Principal policy", () => {
    const text = connectWorkerProperties({
      clusterId: "c",
      groupId: "g",
      bootstrapServers: "127.0.0.1:9092",
      username: "w",
      password: "p",
      protocol: "SASL_SSL",
      caPem: CA,
      restPort: 8083,
      configTopic: "c",
      offsetTopic: "o",
      statusTopic: "s",
      replicationFactor: 1,
      pluginPath: ["/p"],
      secretsDir: "/s",
    });
    for (const prefix of ["", "producer.", "consumer.", "admin."]) {
      expect(text).toContain(`\n${prefix}security.protocol=SASL_SSL\n`);
      expect(text).toContain(`\n${prefix}ssl.truststore.type=PEM\n`);
    }
    const overrides = connectorClientOverrides("${dir:/s:jaas}", { protocol: "SASL_SSL" });
    expect(Object.keys(overrides).sort()).toEqual(
      ["admin", "consumer", "producer"].flatMap((c) =>
        ["sasl.jaas.config", "sasl.mechanism", "security.protocol"].map((k) => `${c}.override.${k}`),
      ),
    );
    expect(overrides["producer.override.security.protocol"]).toBe("SASL_SSL");
  });
});
