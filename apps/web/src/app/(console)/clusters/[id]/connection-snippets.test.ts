import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { clientRequirements, connectionSnippets } from "./connection-snippets";

const base = {
  bootstrapServers: "127.0.0.1:9092,127.0.0.1:9093",
  securityProtocol: "SASL_PLAINTEXT",
  mechanism: "SCRAM-SHA-512",
};
const tricky = `it's a "pa\\ss"`;

const byId = (username: string | null, password: string | null) =>
  Object.fromEntries(connectionSnippets({ ...base, username, password }).map((s) => [s.id, s.code]));

describe("connectionSnippets", () => {
  it("offers kcat, Java, kafkajs and Spark with placeholders until a credential is given", () => {
    const s = byId(null, null);
    expect(Object.keys(s)).toEqual(["kcat-produce", "kcat-consume", "java", "kafkajs", "spark"]);
    for (const code of Object.values(s)) {
      expect(code).toContain("127.0.0.1:9092");
      expect(code).toContain("<username>");
      expect(code).toContain("<password>");
    }
    expect(s["kcat-produce"]).toContain("-t my-topic -P");
    expect(s["kcat-consume"]).toContain("-t my-topic -C -o beginning");
    expect(s.kafkajs).toContain('brokers: ["127.0.0.1:9092", "127.0.0.1:9093"]');
    expect(s.kafkajs).toContain('mechanism: "scram-sha-512"');
    expect(s.spark).toContain('.option("kafka.sasl.jaas.config", jaas)');
    expect(s.spark).toContain("ScramLoginModule required");
  });

  it("quotes a password with quotes and backslashes so the shell reads it back unchanged", () => {
    const s = byId("weir-admin", tricky);
    const line = s["kcat-produce"]!.split("\n").find((l) => l.includes("sasl.password="))!;
    const word = line
      .trim()
      .replace(/^-X sasl\.password=/, "")
      .replace(/ \\$/, "");
    expect(execFileSync("sh", ["-c", `printf %s ${word}`], { encoding: "utf8" })).toBe(tricky);
  });

  it("escapes the JAAS value for Java properties, JavaScript and Python", () => {
    const s = byId("weir-admin", tricky);
    // JAAS: "it's a \"pa\\ss\""; a .properties file doubles each backslash once more.
    expect(s.java).toContain(`password="it's a \\\\"pa\\\\\\\\ss\\\\"";`);
    expect(s.kafkajs).toContain(`password: ${JSON.stringify(tricky)}`);
    const jaasLine = s.spark!.split("\n").find((l) => l.startsWith("jaas = "))!;
    const jaas = JSON.parse(jaasLine.slice("jaas = ".length)) as string;
    expect(jaas).toBe(
      `org.apache.kafka.common.security.scram.ScramLoginModule required username="weir-admin" password="it's a \\"pa\\\\ss\\"";`,
    );
  });
  it("sets client.rack for consumers of a cluster spread over zones, and not otherwise", () => {
    const zoned = Object.fromEntries(
      connectionSnippets({ ...base, username: "u", password: "p", clientRack: "zone-a" }).map((x) => [x.id, x.code]),
    );
    expect(zoned["kcat-consume"]).toContain("-X client.rack=zone-a \\\n  -t my-topic -C -o beginning");
    expect(zoned["kcat-produce"]).not.toContain("client.rack");
    expect(zoned.java).toContain("\nclient.rack=zone-a");
    expect(zoned.kafkajs).toContain('rackId: "zone-a"');
    expect(zoned.spark).toContain('.option("kafka.client.rack", "zone-a")');
    for (const code of Object.values(byId("u", "p"))) expect(code).not.toContain("rack");
  });
  it("says for a Kafka 4 cluster that kcat needs librdkafka 2.6.1 or newer, and nothing for 3.9", () => {
    expect(clientRequirements("3.9.2")).toBeNull();
    expect(clientRequirements("4.4.0")).toMatch(/librdkafka before 2\.6\.1/);
    const v4 = Object.fromEntries(
      connectionSnippets({ ...base, username: "u", password: "p", kafkaVersion: "4.4.0" }).map((x) => [x.id, x.code]),
    );
    expect(v4["kcat-produce"]).toMatch(/\n# Kafka 4: needs kcat on librdkafka 2\.6\.1 or newer/);
    expect(v4["kcat-consume"]).toContain("librdkafka 2.6.1");
    expect(v4.java).not.toContain("librdkafka");
    for (const code of Object.values(byId("u", "p"))) expect(code).not.toContain("librdkafka");
  });
});

describe("connectionSnippets of a SASL_SSL cluster", () => {
  it("every snippet trusts the downloaded CA file", () => {
    const s = Object.fromEntries(
      connectionSnippets({
        ...base,
        securityProtocol: "SASL_SSL",
        username: "u",
        password: "p",
        caFile: "orders-ca.pem",
      }).map((x) => [x.id, x.code]),
    );
    expect(s["kcat-produce"]).toContain("-X security.protocol=SASL_SSL \\\n  -X ssl.ca.location='orders-ca.pem' \\");
    expect(s["kcat-consume"]).toContain("-X ssl.ca.location='orders-ca.pem'");
    expect(s.java).toContain("security.protocol=SASL_SSL\n");
    expect(s.java).toContain("ssl.truststore.type=PEM\nssl.truststore.location=orders-ca.pem\n");
    expect(s.kafkajs).toContain('ssl: { ca: [fs.readFileSync("orders-ca.pem", "utf8")] },');
    expect(s.kafkajs).toMatch(/^import fs from "node:fs";/);
    expect(s.spark).toContain('.option("kafka.ssl.truststore.location", "orders-ca.pem")');
    // A SASL_PLAINTEXT cluster (made before TLS) names no CA.
    const plain = byId("u", "p");
    for (const code of Object.values(plain)) expect(code).not.toMatch(/ssl\.ca|truststore|readFileSync/);
  });
});
