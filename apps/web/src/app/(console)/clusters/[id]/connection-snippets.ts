// Ready-to-paste client configurations for a cluster. Until the admin credential is revealed they
// carry <username>/<password> placeholders; each language's quoting is applied to real values so
// a password with quotes or backslashes still pastes correctly.

export interface SnippetInput {
  bootstrapServers: string;
  securityProtocol: string;
  mechanism: string;
  username: string | null;
  password: string | null;
  topic?: string;
  /**
   * A zone of a cluster spread over several: consumers that say theirs (client.rack) fetch from a
   * replica in it (the brokers run RackAwareReplicaSelector).
   */
  clientRack?: string | null;
  /** The cluster's Kafka release: on 4.x the kcat snippets say which librdkafka they need. */
  kafkaVersion?: string;
  /**
   * SASL_SSL: where the client finds the cluster's CA certificate (the file the console's
   * "Download CA certificate" saves, GET /clusters/{id}/ca-certificate); default "<name>-ca.pem".
   */
  caFile?: string | null;
}

export interface Snippet {
  id: string;
  label: string;
  language: string;
  code: string;
}

const USER = "<username>";
const PASS = "<password>";

/** A POSIX shell single-quoted word. */
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** A JAAS option value (double-quoted, backslash escapes). */
const jaas = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
/** A JavaScript or Python string literal (JSON's escapes are valid in both). */
const str = (s: string) => JSON.stringify(s);

function jaasConfig(username: string, password: string) {
  return `org.apache.kafka.common.security.scram.ScramLoginModule required username=${jaas(username)} password=${jaas(password)};`;
}

/**
 * What a client needs to talk to a cluster of this Kafka release, or null when any will do. Kafka 4
 * checks the SCRAM nonce strictly (RFC 5802); librdkafka before 2.6.1 sends it wrongly and is
 * refused with "invalid credentials".
 */
export function clientRequirements(kafkaVersion: string): string | null {
  if (Number(kafkaVersion.split(".")[0]) < 4) return null;
  return (
    "Kafka 4 refuses SCRAM logins from librdkafka before 2.6.1, so Debian 12's kcat (librdkafka 2.0.2) and older " +
    'confluent-kafka, node-rdkafka or confluent-kafka-go clients fail with "invalid credentials". Java clients ' +
    "(3.x too), kafkajs, @platformatic/kafka and confluent-kafka 2.6.1 or newer (its wheels bundle librdkafka) work."
  );
}

export function connectionSnippets(input: SnippetInput): Snippet[] {
  const { bootstrapServers, securityProtocol, mechanism } = input;
  const username = input.username ?? USER;
  const password = input.password ?? PASS;
  const topic = input.topic ?? "my-topic";
  const rack = input.clientRack ?? null;
  const kcatNeeds =
    input.kafkaVersion && clientRequirements(input.kafkaVersion)
      ? "# Kafka 4: needs kcat on librdkafka 2.6.1 or newer (Debian 12's kcat is refused with 'invalid credentials').\n"
      : "";
  const tls = securityProtocol === "SASL_SSL";
  const caFile = input.caFile ?? "ca.pem";
  const caNote = tls
    ? `# ${caFile}: the cluster's CA certificate (Download CA certificate, or GET /api/v1/clusters/<id>/ca-certificate).\n`
    : "";
  const kcatAuth = [
    `${caNote}${kcatNeeds}kcat -b ${bootstrapServers} \\`,
    `  -X security.protocol=${securityProtocol} \\`,
    ...(tls ? [`  -X ssl.ca.location=${sh(caFile)} \\`] : []),
    `  -X sasl.mechanisms=${mechanism} \\`,
    `  -X sasl.username=${sh(username)} \\`,
    `  -X sasl.password=${sh(password)} \\`,
  ].join("\n");

  return [
    {
      id: "kcat-produce",
      label: "kcat producer",
      language: "shell",
      code: `# Type messages, one per line; Ctrl-D to finish.\n${kcatAuth}\n  -t ${topic} -P`,
    },
    {
      id: "kcat-consume",
      label: "kcat consumer",
      language: "shell",
      code: rack
        ? `# Read the topic from the beginning, from a replica in ${rack} (the zone this client runs in); Ctrl-C to stop.\n${kcatAuth}\n  -X client.rack=${rack} \\\n  -t ${topic} -C -o beginning`
        : `# Read the topic from the beginning; Ctrl-C to stop.\n${kcatAuth}\n  -t ${topic} -C -o beginning`,
    },
    {
      id: "java",
      label: "Java client properties",
      language: "properties",
      code: [
        `bootstrap.servers=${bootstrapServers}`,
        `security.protocol=${securityProtocol}`,
        ...(tls
          ? [
              `# The cluster's CA certificate (Download CA certificate): brokers are trusted through it only.`,
              `ssl.truststore.type=PEM`,
              `ssl.truststore.location=${caFile.replace(/\\/g, "\\\\")}`,
            ]
          : []),
        `sasl.mechanism=${mechanism}`,
        // A .properties value treats backslashes as escapes: double them once more.
        `sasl.jaas.config=${jaasConfig(username, password).replace(/\\/g, "\\\\")}`,
        ...(rack
          ? [`# The zone this client runs in: consumers fetch from a replica there.`, `client.rack=${rack}`]
          : []),
      ].join("\n"),
    },
    {
      id: "kafkajs",
      label: "kafkajs",
      language: "javascript",
      code: `${tls ? 'import fs from "node:fs";\n' : ""}import { Kafka } from "kafkajs";

const kafka = new Kafka({
  clientId: "my-app",
  brokers: [${bootstrapServers.split(",").map(str).join(", ")}],
  ${tls ? `// The cluster's CA certificate (Download CA certificate).\n  ssl: { ca: [fs.readFileSync(${str(caFile)}, "utf8")] },` : "ssl: false,"}
  sasl: {
    mechanism: ${str(mechanism.toLowerCase())},
    username: ${str(username)},
    password: ${str(password)},
  },
});

const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: ${str(topic)}, messages: [{ value: "hello" }] });
await producer.disconnect();${
        rack
          ? `\n\n// A consumer in ${rack} fetches from a replica in its own zone.\nconst consumer = kafka.consumer({ groupId: "my-group", rackId: ${str(rack)} });`
          : ""
      }`,
    },
    {
      id: "spark",
      label: "Spark readStream",
      language: "python",
      code: `# spark-submit --packages org.apache.spark:spark-sql-kafka-0-10_2.13:4.0.1 read_stream.py
from pyspark.sql import SparkSession

spark = SparkSession.builder.appName("read-${topic}").getOrCreate()

jaas = ${str(jaasConfig(username, password))}

df = (
    spark.readStream.format("kafka")
    .option("kafka.bootstrap.servers", ${str(bootstrapServers)})
    .option("kafka.security.protocol", ${str(securityProtocol)})${
      tls
        ? `\n    .option("kafka.ssl.truststore.type", "PEM")\n    .option("kafka.ssl.truststore.location", ${str(caFile)})  # the cluster's CA certificate`
        : ""
    }
    .option("kafka.sasl.mechanism", ${str(mechanism)})
    .option("kafka.sasl.jaas.config", jaas)
    .option("subscribe", ${str(topic)})${rack ? `\n    .option("kafka.client.rack", ${str(rack)})` : ""}
    .option("startingOffsets", "earliest")
    .load()
)

query = (
    df.selectExpr("CAST(key AS STRING)", "CAST(value AS STRING)")
    .writeStream.format("console")
    .start()
)
query.awaitTermination()`,
    },
  ];
}
