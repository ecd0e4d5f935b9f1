// In-place Kafka upgrades (local driver). A PATCH of kafkaVersion changes every node's config
// revision (the version is one of nodeRevision's inputs), so the roll step (roll.ts) restarts the
// nodes one at a time, each on the binaries of the spec's version; nothing here restarts anything.
// Two steps around it:
// - record-versions: a node whose recorded revision is the desired one runs the spec's release
//   (the revision includes it), so Broker.kafkaVersion says, per node, which binaries it runs:
//   what the console counts for "Upgrading: broker 2 of 3";
// - raise-metadata-version: once no node waits for a restart and every broker is registered,
//   each broker is asked which release it runs (ApiVersions: the newest metadata.version its
//   binaries support); when all run the cluster's release, metadata.version is raised to that
//   release's level (UpdateFeatures; Kafka's controller also refuses while any node cannot
//   support it), with an event. KafkaCluster.metadataVersion records the level Kafka reported,
//   so a settled cluster costs no request; a new cluster records its level once. A broker that
//   reports an older release although its revision is current is marked stale, and rolled.
import {
  describeFeatures,
  finalizedMetadataLevel,
  isBroker,
  kafkaRelease,
  metadataVersionName,
  METADATA_VERSION,
  nodeReleases,
  nodeRevision,
  upgradeFeature,
} from "@weir/runtime";
import { step } from "../../framework/pipeline.ts";
import { pendingRoll } from "./roll.ts";
import type { ClusterPass } from "./types.ts";

export const recordVersions = step<ClusterPass>("record-versions", async (pass) => {
  const { spec } = pass;
  if (!spec || pass.declarative) return;
  for (const b of pass.cluster.brokers) {
    if (pass.leaving.has(b.nodeId) || b.kafkaVersion === spec.kafkaVersion) continue;
    if (b.appliedRevision !== nodeRevision(spec, b.nodeId)) continue;
    await pass.db.broker.updateMany({ where: { id: b.id }, data: { kafkaVersion: spec.kafkaVersion } });
    b.kafkaVersion = spec.kafkaVersion;
  }
});

export const raiseMetadataVersion = step<ClusterPass>("raise-metadata-version", async (pass) => {
  const { cluster, admin, db } = pass;
  // Also in the pass a new cluster first runs: its level is recorded as soon as it is read.
  if (pass.declarative || !admin || pass.kafka.error) return;
  const want = kafkaRelease(cluster.kafkaVersion).metadataVersion;
  if (cluster.metadataVersion === want.name) return;
  const brokers = cluster.brokers.filter((b) => isBroker(b) && !pass.leaving.has(b.nodeId));
  if (pendingRoll(pass).length > 0 || brokers.some((b) => !pass.kafka.registered.has(b.nodeId))) return;

  const level = finalizedMetadataLevel(await describeFeatures(admin));
  if (level === null) return;
  const record = async (name: string) => {
    await db.kafkaCluster.updateMany({ where: { id: cluster.id }, data: { metadataVersion: name } });
    cluster.metadataVersion = name;
  };
  if (level >= want.level) return record(metadataVersionName(level));

  const releases = await nodeReleases(
    admin,
    brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port! })),
  );
  const behind = releases.filter((r) => r.version !== cluster.kafkaVersion);
  // A node that reports an older release than its recorded revision says (its process predates
  // recorded revisions and was taken as current) is marked stale, so the roll restarts it.
  const stale = behind.filter((r) => r.version !== null);
  for (const r of stale) {
    const b = brokers.find((x) => x.nodeId === r.nodeId)!;
    await db.broker.updateMany({
      where: { id: b.id },
      data: { appliedRevision: `stale:${r.version}`, kafkaVersion: r.version },
    });
  }
  if (stale.length > 0) {
    await pass.event({
      type: "WARNING",
      reason: "StaleBinaries",
      message: `${stale.map((r) => `Broker ${r.nodeId} still runs Kafka ${r.version}`).join("; ")}: restarting on ${cluster.kafkaVersion}.`,
    });
  }
  if (behind.length > 0) {
    const who = behind.map((r) => `broker ${r.nodeId} (${r.error ?? `runs ${r.version ?? "an unknown release"}`})`);
    return {
      status: "UPDATING",
      statusReason: `Upgrading to Kafka ${cluster.kafkaVersion}: waiting for ${who.join(", ")}`,
      requeueAfterMs: 2000,
    };
  }
  const from = metadataVersionName(level);
  try {
    await upgradeFeature(admin, METADATA_VERSION, want.level);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const statusReason = `Upgrading to Kafka ${cluster.kafkaVersion}: raising metadata.version failed, retrying: ${why}`;
    // One event per distinct refusal, not one per retry.
    if (pass.current.statusReason !== statusReason) {
      await pass.event({ type: "WARNING", reason: "MetadataVersionNotRaised", message: why });
    }
    return { status: "UPDATING", statusReason, requeueAfterMs: 5000 };
  }
  await record(want.name);
  await pass.event({
    type: "NORMAL",
    reason: "MetadataVersionRaised",
    message: `Every broker runs Kafka ${cluster.kafkaVersion}: metadata.version raised from ${from} to ${want.name}. The upgrade is done and cannot be undone.`,
  });
});
