import { describe, expect, test } from "vitest";
import {
  IDENTITY_REPLICATION_POLICY,
  mirrorLagRecords,
  mirrorReplicationConnectors,
  mirrorTopicMatcher,
} from "../src/connect/mirror.ts";

const end = (alias: string) => ({
  alias,
  bootstrapServers: `${alias}:9092`,
  security: { "security.protocol": "SASL_SSL", "sasl.jaas.config": `\${dir:/s:${alias}}` },
});
const settings = {
  topics: "orders.*",
  groups: ".*",
  syncGroupOffsets: true,
  syncIntervalSeconds: 5,
  refreshIntervalSeconds: 30,
  replicationFactor: 1,
  tasksMax: 2,
};

describe("mirrorReplicationConnectors", () => {
  test("a source connector and a checkpoint connector, both with the identity policy and each cluster's client settings", () => {
    const [source, checkpoint, ...rest] = mirrorReplicationConnectors("r", end("legacy"), end("events"), settings);
    expect(rest).toEqual([]);
    expect(source!.name).toBe("r");
    expect(checkpoint!.name).toBe("r-checkpoints");
    for (const c of [source!, checkpoint!]) {
      expect(c.config).toMatchObject({
        "replication.policy.class": IDENTITY_REPLICATION_POLICY,
        "source.cluster.alias": "legacy",
        "source.cluster.bootstrap.servers": "legacy:9092",
        "source.cluster.security.protocol": "SASL_SSL",
        "source.cluster.sasl.jaas.config": "${dir:/s:legacy}",
        "target.cluster.sasl.jaas.config": "${dir:/s:events}",
        "offset-syncs.topic.location": "target",
        topics: "orders.*",
      });
    }
    expect(source!.config).toMatchObject({ "tasks.max": "2", "sync.topic.acls.enabled": "false" });
    expect(checkpoint!.config).toMatchObject({
      "sync.group.offsets.enabled": "true",
      "sync.group.offsets.interval.seconds": "5",
      "emit.checkpoints.interval.seconds": "5",
    });
  });

  test("without offset sync: the source connector only", () => {
    const parts = mirrorReplicationConnectors("r", end("a"), end("b"), { ...settings, syncGroupOffsets: false });
    expect(parts.map((p) => p.name)).toEqual(["r"]);
  });
});

test("mirrorTopicMatcher: whole names, MM2's and Weir's exclusions", () => {
  const m = mirrorTopicMatcher(".*");
  expect(
    ["orders", "weir-connect-1-configs", "mm2-offset-syncs.a.internal", "__consumer_offsets", "heartbeats"].filter(m),
  ).toEqual(["orders"]);
  expect(mirrorTopicMatcher("ord")("orders")).toBe(false);
});

test("mirrorLagRecords: source end minus target end per partition; a missing partition counts what the source holds", () => {
  const source = {
    a: [
      { earliest: 0n, latest: 100n },
      { earliest: 0n, latest: 50n },
    ],
    b: [{ earliest: 10n, latest: 30n }],
  };
  const target = {
    a: [
      { earliest: 0n, latest: 90n },
      { earliest: 0n, latest: 60n },
    ],
  };
  expect(mirrorLagRecords(source, target)).toBe(10n + 0n + 20n);
});
