// Cluster broker configs (validation, live vs restart, the live diff) and node config revisions:
// pure rules, no JVM.
import { describe, expect, it } from "vitest";
import {
  brokerConfigChange,
  initialNodes,
  liveConfigOps,
  mergeBrokerConfig,
  nodeRevision,
  serverProperties,
  nodeConfigInput,
  type KafkaClusterSpec,
} from "../src/index.ts";

const cluster = { brokerCount: 3, defaultReplication: 3 };

describe("broker configs", () => {
  it("normalises values, and null puts a key back to the default", () => {
    const { config, issues } = mergeBrokerConfig(
      { "num.partitions": "3" },
      {
        "message.max.bytes": 2_000_000,
        "auto.create.topics.enable": true,
        "log.retention.ms": "-1",
        "num.partitions": null,
      },
      cluster,
    );
    expect(issues).toEqual([]);
    expect(config).toEqual({
      "message.max.bytes": "2000000",
      "auto.create.topics.enable": "true",
      "log.retention.ms": "-1",
    });
  });

  it.each([
    [{ "log.flush.interval.ms": 5 }, "brokerConfig.log.flush.interval.ms", /not a broker config/],
    [{ "message.max.bytes": 10 }, "brokerConfig.message.max.bytes", /between 1024 and/],
    [{ "num.partitions": "many" }, "brokerConfig.num.partitions", /whole number/],
    [{ "auto.create.topics.enable": "yes" }, "brokerConfig.auto.create.topics.enable", /true or false/],
    [{ "default.replication.factor": 4 }, "brokerConfig.default.replication.factor", /3 brokers/],
    [
      { "min.insync.replicas": 3, "default.replication.factor": 2 },
      "brokerConfig.min.insync.replicas",
      /more than the replication/,
    ],
  ])("refuses %j naming the field", (patch, field, message) => {
    const before = { "num.partitions": "3" } as const;
    const { config, issues } = mergeBrokerConfig(before, patch, cluster);
    expect(issues.map((i) => i.field)).toContain(field);
    expect(issues.find((i) => i.field === field)!.message).toMatch(message);
    expect(config).toBe(before);
  });

  it("says which changed keys apply live and which roll the brokers", () => {
    expect(
      brokerConfigChange(
        { "message.max.bytes": "2000000" },
        { "message.max.bytes": "3000000", "log.retention.hours": "24", "min.insync.replicas": "2" },
      ),
    ).toEqual({ live: ["message.max.bytes", "min.insync.replicas"], restart: ["log.retention.hours"] });
  });

  it("applies only what differs from the cluster's dynamic defaults, and removes what the user removed", () => {
    const desired = { "message.max.bytes": "3000000", "min.insync.replicas": "2", "num.partitions": "6" };
    expect(liveConfigOps(desired, { "min.insync.replicas": "2", "log.retention.ms": "60000" })).toEqual({
      set: [["message.max.bytes", "3000000"]],
      remove: ["log.retention.ms"],
    });
    expect(liveConfigOps(desired, { "message.max.bytes": "3000000", "min.insync.replicas": "2" })).toEqual({
      set: [],
      remove: [],
    });
  });

  it("leaves Kafka 4's own cluster-level min.insync.replicas, and sets it back to the default rather than deleting it", () => {
    // A Kafka 4.4 cluster created with eligible leader replicas reports min.insync.replicas=1 at
    // cluster level from the start and refuses to delete it (seen on a fresh 4.4.0 cluster).
    expect(liveConfigOps({}, { "min.insync.replicas": "1" })).toEqual({ set: [], remove: [] });
    expect(liveConfigOps({}, { "min.insync.replicas": "2", "message.max.bytes": "2000000" })).toEqual({
      set: [["min.insync.replicas", "1"]],
      remove: ["message.max.bytes"],
    });
  });
});

describe("node revisions", () => {
  const spec: KafkaClusterSpec = {
    clusterId: "c1",
    kafkaClusterId: "k1",
    kafkaVersion: "3.9.2",
    defaultReplication: 3,
    admin: { username: "weir-admin", password: "pw" },
    instanceType: { sku: "kafka.t3.small", vcpu: 2, memoryGib: 2 },
    nodes: initialNodes(3).map((n, i) => ({
      ...n,
      host: "127.0.0.1",
      port: 9000 + i,
      controllerPort: 9100 + i,
      metricsPort: 9200 + i,
    })),
  };

  it("changes with a restart key and the Kafka version, not with a live key", () => {
    const base = nodeRevision(spec, 1);
    expect(nodeRevision({ ...spec, brokerConfig: { "message.max.bytes": "3000000" } }, 1)).toBe(base);
    expect(nodeRevision({ ...spec, brokerConfig: { "log.retention.hours": "24" } }, 1)).not.toBe(base);
    expect(nodeRevision({ ...spec, kafkaVersion: "4.1.1" }, 1)).not.toBe(base);
    expect(nodeRevision(spec, 2)).not.toBe(base);
  });

  it("writes restart keys into server.properties in place of Weir's defaults", () => {
    const props = serverProperties(
      nodeConfigInput({ ...spec, brokerConfig: { "num.partitions": "6", "min.insync.replicas": "2" } }, 1, "/d"),
    );
    expect(props.filter(([k]) => k === "num.partitions")).toEqual([["num.partitions", "6"]]);
    // Live keys are the cluster's dynamic defaults, not static config.
    expect(props.find(([k]) => k === "min.insync.replicas")).toEqual(["min.insync.replicas", "1"]);
  });
});
