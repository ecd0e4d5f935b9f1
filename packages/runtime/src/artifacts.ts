// Pinned runtime artifacts. infra/runtimes/kafka/pom.xml (3.9.2) and infra/runtimes/kafka4/pom.xml
// (4.x) each name a Kafka server and what it needs at run time; checksums.sha256 next to each
// holds the SHA-256 of every jar. `ensureKafka(cacheDir, version)` copies one release's jars once
// into the cache directory with Maven (which reads Maven Central through the machine's own
// settings, so no host is named here), verifies every checksum, and reuses the cache offline
// afterwards. Problems come back as one sentence with the fix. The Maven fetch and check are
// shared with Spark's connector jars (pinned-jars.ts); Spark itself is spark-artifacts.ts,
// re-exported here so one import fetches both; so is the Kafka Connect runtime (connect/artifacts.ts).
import path from "node:path";

import { ensurePinnedJars, findJava, infraDir, lockPinnedJars, pomProperty, type PinnedJars } from "./pinned-jars.ts";
import { DEFAULT_KAFKA_VERSION, KAFKA_VERSIONS, kafkaRelease, RuntimeSetupError } from "./versions.ts";

export { KAFKA_VERSIONS, DEFAULT_KAFKA_VERSION, RuntimeSetupError, type KafkaVersion } from "./versions.ts";
export { findJava } from "./pinned-jars.ts";
export { ensureSpark, lockSpark, SPARK_VERSION, type SparkArtifacts } from "./spark-artifacts.ts";
export { ensureConnectRuntime, lockConnect, type ConnectArtifacts } from "./connect/artifacts.ts";

const kafkaJars = (version: string): PinnedJars => ({
  label: `Kafka ${version}`,
  dir: infraDir(kafkaRelease(version).runtimeDir),
});

export interface KafkaArtifacts {
  version: string;
  libDir: string;
  /** Jars for the broker's classpath (the JMX agent is left out). */
  classpath: string;
  jmxAgentJar: string;
  java: string;
}

/**
 * Ensures one offered release's pinned Kafka jars are in the cache (fetching them once) and
 * returns where they are.
 */
export function ensureKafka(cacheDir: string, version: string = DEFAULT_KAFKA_VERSION): KafkaArtifacts {
  const java = findJava();
  const pinned = kafkaJars(version);
  if (pomProperty(pinned, "kafka.version") !== version) {
    throw new RuntimeSetupError(`${pinned.dir}/pom.xml does not pin Kafka ${version}; align it with KAFKA_VERSIONS.`);
  }
  const libDir = path.join(cacheDir, `kafka-${version}`, "libs");
  const jars = ensurePinnedJars(pinned, libDir);
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

/** Every offered Kafka release, fetched once each (what the start-up and test setups call). */
export function ensureKafkaReleases(cacheDir: string): KafkaArtifacts[] {
  return KAFKA_VERSIONS.map((v) => ensureKafka(cacheDir, v));
}

/** Re-pins every Kafka release: resolves each pom afresh and writes its checksums.sha256 (a developer step, then commit). */
export function lockKafka(): string[] {
  return KAFKA_VERSIONS.map((v) => lockPinnedJars(kafkaJars(v)));
}
