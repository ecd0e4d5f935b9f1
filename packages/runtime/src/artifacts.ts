// Pinned runtime artifacts. infra/runtimes/kafka/pom.xml names the Kafka server and what it needs
// at run time; checksums.sha256 next to it holds the SHA-256 of every jar. `ensureKafka()` copies
// them once into the cache directory with Maven (which reads Maven Central through the machine's
// own settings, so no host is named here), verifies every checksum, and reuses the cache offline
// afterwards. Problems come back as one sentence with the fix. The Maven fetch and check are
// shared with Spark's connector jars (pinned-jars.ts); Spark itself is spark-artifacts.ts,
// re-exported here so one import fetches both; so is the Kafka Connect runtime (connect/artifacts.ts).
import path from "node:path";

import { ensurePinnedJars, findJava, infraDir, lockPinnedJars, pomProperty, type PinnedJars } from "./pinned-jars.ts";
import { RuntimeSetupError } from "./versions.ts";

export { KAFKA_VERSIONS, DEFAULT_KAFKA_VERSION, RuntimeSetupError, type KafkaVersion } from "./versions.ts";
export { findJava } from "./pinned-jars.ts";
export { ensureSpark, lockSpark, SPARK_VERSION, type SparkArtifacts } from "./spark-artifacts.ts";
export { ensureConnectRuntime, lockConnect, type ConnectArtifacts } from "./connect/artifacts.ts";

const kafkaJars: PinnedJars = { label: "Kafka", dir: infraDir("kafka") };

export interface KafkaArtifacts {
  version: string;
  libDir: string;
  /** Jars for the broker's classpath (the JMX agent is left out). */
  classpath: string;
  jmxAgentJar: string;
  java: string;
}

/** Ensures the pinned Kafka jars are in the cache (fetching them once) and returns where they are. */
export function ensureKafka(cacheDir: string): KafkaArtifacts {
  const java = findJava();
  const version = pomProperty(kafkaJars, "kafka.version");
  const libDir = path.join(cacheDir, `kafka-${version}`, "libs");
  const jars = ensurePinnedJars(kafkaJars, libDir);
  const agent = jars.find((j) => j.startsWith("jmx_prometheus_javaagent"));
  if (!agent)
    throw new RuntimeSetupError(`The JMX exporter agent is missing from ${libDir}; delete that folder and retry.`);
  return {
    version,
    libDir,
    java,
    jmxAgentJar: path.join(libDir, agent),
    classpath: jars
      .filter((j) => j !== agent)
      .map((j) => path.join(libDir, j))
      .join(path.delimiter),
  };
}

/** Re-pins: resolves the pom afresh and writes checksums.sha256 (a developer step, then commit). */
export function lockKafka(): string {
  return lockPinnedJars(kafkaJars);
}
