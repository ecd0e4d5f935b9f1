// TLS of Kafka clusters, the pure parts: the Java client properties every Java-side client uses.
import { describe, expect, it } from "vitest";
import { clientSecurityProps, renderProperties, clientSecurityPairs } from "../src/index.ts";

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
