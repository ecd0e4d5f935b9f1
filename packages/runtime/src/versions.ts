// The runtime versions Weir offers, and the error a missing prerequisite (JDK, Maven, Python)
// raises: pure, so the domain validates specs without loading the artifact fetcher.

/**
 * The Kafka releases a cluster may run, oldest first; each is pinned in its own infra/runtimes
 * folder. 3.9.2 stays the default: Debian 12's kcat (librdkafka 2.0.2) cannot authenticate
 * with SCRAM against Kafka 4, whose broker checks the nonce strictly (librdkafka fixed it in 2.6.1).
 */
export const KAFKA_VERSIONS = ["3.9.2", "4.4.0"] as const;
export type KafkaVersion = (typeof KAFKA_VERSIONS)[number];
export const DEFAULT_KAFKA_VERSION: KafkaVersion = "3.9.2";

export interface KafkaRelease {
  version: KafkaVersion;
  /** The folder under infra/runtimes/ that pins its jars. */
  runtimeDir: string;
  /** Kafka 3 logs through reload4j (log4j 1 properties), Kafka 4 through log4j2. */
  logging: "log4j" | "log4j2";
  /**
   * The newest production metadata.version the release supports (the level a fresh format
   * writes, and what an upgrade raises the cluster to), as Kafka numbers and names it.
   */
  metadataVersion: { level: number; name: string };
}

export const KAFKA_RELEASES: Record<KafkaVersion, KafkaRelease> = {
  "3.9.2": { version: "3.9.2", runtimeDir: "kafka", logging: "log4j", metadataVersion: { level: 21, name: "3.9-IV0" } },
  "4.4.0": {
    version: "4.4.0",
    runtimeDir: "kafka4",
    logging: "log4j2",
    metadataVersion: { level: 33, name: "4.4-IV2" },
  },
};

export function isKafkaVersion(v: string): v is KafkaVersion {
  return (KAFKA_VERSIONS as readonly string[]).includes(v);
}

export function kafkaRelease(version: string): KafkaRelease {
  if (!isKafkaVersion(version)) {
    throw new Error(`Kafka ${version} is not a version Weir offers (${KAFKA_VERSIONS.join(", ")})`);
  }
  return KAFKA_RELEASES[version];
}

/** Negative when a is older than b, 0 when equal, positive when newer (numeric per part). */
export function compareKafkaVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The release whose newest metadata.version is `level` (how a node's binaries are told apart). */
export function kafkaVersionOfMetadataLevel(level: number): KafkaVersion | null {
  return KAFKA_VERSIONS.find((v) => KAFKA_RELEASES[v].metadataVersion.level === level) ?? null;
}

/** Kafka's name of a metadata.version level when one of the offered releases has it. */
export function metadataVersionName(level: number): string {
  const v = kafkaVersionOfMetadataLevel(level);
  return v ? KAFKA_RELEASES[v].metadataVersion.name : `level ${level}`;
}

/**
 * The release a cluster is being upgraded to, or null: its metadata.version is known (recorded
 * by the controller) and is not yet the one of its release, raised once every node runs it.
 */
export function upgradingTo(c: { kafkaVersion: string; metadataVersion: string | null }): string | null {
  if (c.metadataVersion === null || !isKafkaVersion(c.kafkaVersion)) return null;
  return c.metadataVersion === KAFKA_RELEASES[c.kafkaVersion].metadataVersion.name ? null : c.kafkaVersion;
}

/**
 * Whether a running cluster may move from `from` to `to`: only forward, only to an offered
 * release. Kafka supports rolling from any 3.3+ KRaft release to 4.x; once the metadata version
 * has been raised there is no way back, and Weir never offers one.
 */
export function kafkaUpgradeProblem(
  from: string,
  to: string,
): { code: "invalid" | "conflict"; message: string } | null {
  if (!isKafkaVersion(to)) {
    return { code: "invalid", message: `Unknown Kafka version; Weir offers ${KAFKA_VERSIONS.join(", ")}` };
  }
  if (compareKafkaVersions(to, from) < 0) {
    return {
      code: "conflict",
      message: `The cluster runs Kafka ${from}; a downgrade to ${to} is not possible (Kafka cannot lower the metadata version)`,
    };
  }
  return null;
}

/** The Spark release of compute clusters: pyspark from PyPI, whose Kafka connector Maven Central serves. */
export const SPARK_VERSION = "4.2.0";

/** A prerequisite of the host is missing or broken; the message says how to fix it. */
export class RuntimeSetupError extends Error {
  override name = "RuntimeSetupError";
}
