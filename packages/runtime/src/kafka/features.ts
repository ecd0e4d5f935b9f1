// Kafka's feature flags (KIP-584): what each node's binaries support and what the cluster has
// finalized, above all `metadata.version`, which an upgrade raises once every node runs the new
// release. Read from ApiVersions v3 (its tagged fields carry the features, which
// @platformatic/kafka's own ApiVersions parser skips) and changed with UpdateFeatures, both as
// raw requests on the Admin client's connection. A node's release is told by the newest
// metadata.version its binaries support (versions.ts KAFKA_RELEASES).
import { createAPI, Writer, updateFeaturesV1, type Reader } from "@platformatic/kafka";
import { kafkaVersionOfMetadataLevel, type KafkaVersion } from "../versions.ts";
import { KafkaAdmin } from "./admin.ts";

export interface FeatureRange {
  min: number;
  max: number;
}

export interface Features {
  /** What the answering node's binaries support, by feature name. */
  supported: Record<string, FeatureRange>;
  /** What the cluster has finalized (the level in force is `max`). */
  finalized: Record<string, FeatureRange>;
  /** The epoch of the finalized set; -1 when the node does not know it yet. */
  epoch: bigint;
}

export const METADATA_VERSION = "metadata.version";

function readRanges(r: Reader, finalized: boolean): Record<string, FeatureRange> {
  const entries = r.readArray((e) => {
    const name = e.readString();
    // SupportedFeatures: min then max; FinalizedFeatures: max level then min level.
    const a = e.readInt16();
    const b = e.readInt16();
    return [name, finalized ? { min: b, max: a } : { min: a, max: b }] as const;
  });
  return Object.fromEntries(entries);
}

/*
  ApiVersions Response (Version: 3) => error_code [api_keys] throttle_time_ms TAG_BUFFER
    tagged: 0 SupportedFeatures [name min_version max_version], 1 FinalizedFeaturesEpoch int64,
            2 FinalizedFeatures [name max_version_level min_version_level], 3 ZkMigrationReady
*/
function parseApiVersionsFeatures(
  _c: number,
  _k: number,
  _v: number,
  reader: Reader,
): Features & { errorCode: number } {
  const errorCode = reader.readInt16();
  reader.readArray((r) => {
    r.readInt16();
    r.readInt16();
    r.readInt16();
  });
  reader.readInt32();
  const out: Features & { errorCode: number } = { errorCode, supported: {}, finalized: {}, epoch: -1n };
  const tags = reader.readUnsignedVarInt();
  for (let i = 0; i < tags; i++) {
    const tag = reader.readUnsignedVarInt();
    const size = reader.readUnsignedVarInt();
    const end = reader.position + size;
    if (tag === 0) out.supported = readRanges(reader, false);
    else if (tag === 1) out.epoch = reader.readInt64();
    else if (tag === 2) out.finalized = readRanges(reader, true);
    reader.position = end;
  }
  return out;
}

// ApiVersions' response header has no tagged fields, whatever the version (KIP-511).
const apiVersionsV3 = createAPI<[string, string], Features & { errorCode: number }>(
  18,
  3,
  (name: string, version: string) => Writer.create().appendString(name).appendString(version).appendTaggedFields(),
  parseApiVersionsFeatures,
  true,
  false,
);

/** The features of the node the Admin client's connection reaches. */
export async function describeFeatures(admin: KafkaAdmin): Promise<Features> {
  const res = await admin.withConnection((c) => apiVersionsV3.async(c, "weir-controller", "1"));
  if (res.errorCode !== 0) throw new Error(`Kafka refused ApiVersions (error ${res.errorCode})`);
  return { supported: res.supported, finalized: res.finalized, epoch: res.epoch };
}

/** The metadata.version level the cluster runs at (finalized), or null before it is known. */
export function finalizedMetadataLevel(f: Features): number | null {
  return f.finalized[METADATA_VERSION]?.max ?? null;
}

/**
 * Raises a feature to `level` (UpdateFeatures, upgrade type UPGRADE: Kafka's controller refuses
 * it unless every registered node supports the level). Throws with Kafka's own message.
 */
export async function upgradeFeature(admin: KafkaAdmin, feature: string, level: number): Promise<void> {
  try {
    await admin.withConnection((c) =>
      updateFeaturesV1.api.async(c, 30_000, [{ feature, maxVersionLevel: level, upgradeType: 1 }], false),
    );
  } catch (err) {
    const res = (err as { response?: { errorMessage?: string | null; results?: { errorMessage: string | null }[] } })
      .response;
    const why = res?.errorMessage ?? res?.results?.find((r) => r.errorMessage)?.errorMessage;
    if (why) throw new Error(`Kafka refused to set ${feature} to ${level}: ${why}`);
    throw err;
  }
}

export interface NodeRelease {
  nodeId: number;
  /** The release the node's binaries are, by the newest metadata.version they support. */
  version: KafkaVersion | null;
  metadataLevel: number | null;
  error: string | null;
}

/**
 * Asks each broker, on its own address, which release it runs. Clients are made with the
 * cluster Admin client's options (credential, TLS), pointed at one node each, and closed.
 */
export async function nodeReleases(
  admin: KafkaAdmin,
  brokers: { nodeId: number; host: string; port: number }[],
): Promise<NodeRelease[]> {
  return Promise.all(
    brokers.map(async (b) => {
      const one = new KafkaAdmin({ ...admin.opts, bootstrap: [`${b.host}:${b.port}`] });
      try {
        const f = await describeFeatures(one);
        const level = f.supported[METADATA_VERSION]?.max ?? null;
        return {
          nodeId: b.nodeId,
          metadataLevel: level,
          version: level === null ? null : kafkaVersionOfMetadataLevel(level),
          error: null,
        };
      } catch (err) {
        return {
          nodeId: b.nodeId,
          version: null,
          metadataLevel: null,
          error: err instanceof Error ? err.message : String(err),
        };
      } finally {
        await one.close();
      }
    }),
  );
}
