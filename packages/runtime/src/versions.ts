// The runtime versions Weir offers, and the error a missing prerequisite (JDK, Maven, Python)
// raises: pure, so the domain validates specs without loading the artifact fetcher.

export const KAFKA_VERSIONS = ["3.9.2"] as const;
export type KafkaVersion = (typeof KAFKA_VERSIONS)[number];
export const DEFAULT_KAFKA_VERSION: KafkaVersion = "3.9.2";

/** The Spark release of compute clusters: pyspark from PyPI, whose Kafka connector Maven Central serves. */
export const SPARK_VERSION = "4.2.0";

/** A prerequisite of the host is missing or broken; the message says how to fix it. */
export class RuntimeSetupError extends Error {
  override name = "RuntimeSetupError";
}
