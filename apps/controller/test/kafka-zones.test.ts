// Zones without a JVM: which zone each node is in, what a zoned broker's server.properties says,
// the reassignment planner keeping each partition's replicas in distinct zones (also when zones
// hold unequal numbers of brokers), and the condition that flags partitions sharing a zone. The
// real cluster over three zones, scaled 3 → 6 → 3, is in kafka-cluster.test.ts.
import {
  balancedAssignment,
  partitionsSharingZones,
  serverProperties,
  zoneOf,
  type TopicPartitions,
} from "@weir/runtime";
import { describe, expect, test } from "vitest";
import { clusterStatus, type ClusterObservation } from "../src/reconcilers/kafka-cluster/status.ts";

const topic = (name: string, replicas: number[][]): TopicPartitions => ({
  name,
  partitions: replicas.map((r, partition) => ({ partition, leader: r[0]!, replicas: r, isr: r })),
});

describe("zones", () => {
  test("brokers and dedicated controllers take the zones in turn", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => zoneOf(n, 3))).toEqual([
      "zone-a",
      "zone-b",
      "zone-c",
      "zone-a",
      "zone-b",
      "zone-c",
      "zone-a",
    ]);
    expect([9001, 9002, 9003].map((n) => zoneOf(n, 3))).toEqual(["zone-a", "zone-b", "zone-c"]);
    expect([1, 2, 3].map((n) => zoneOf(n, 1))).toEqual(["zone-a", "zone-a", "zone-a"]);
  });

  test("a zoned broker sets broker.rack and the rack-aware replica selector; a single zone sets neither", () => {
    const input = {
      clusterId: "c",
      kafkaClusterId: "k",
      node: { nodeId: 2, roles: "broker" as const, host: "127.0.0.1", port: 1, controllerPort: 2 },
      voters: [],
      defaultReplication: 3,
      dataDir: "/tmp/x",
      admin: { username: "a", password: "b" },
      vcpu: 2,
    };
    const zoned = new Map(serverProperties({ ...input, rack: "zone-b" }));
    expect(zoned.get("broker.rack")).toBe("zone-b");
    expect(zoned.get("replica.selector.class")).toBe("org.apache.kafka.common.replica.RackAwareReplicaSelector");
    expect(new Map(serverProperties(input)).has("broker.rack")).toBe(false);
  });

  test("the planner puts each partition's replicas in distinct zones, even with unequal zones", () => {
    const rack = (b: number) => zoneOf(b, 3);
    const t = topic(
      "orders",
      Array.from({ length: 12 }, () => [1, 2, 3]),
    );
    for (const brokers of [
      [1, 2, 3, 4, 5, 6],
      [1, 2, 3, 4],
      [1, 2, 3, 4, 5],
      [1, 2, 3],
    ]) {
      const moves = balancedAssignment([t], brokers, rack);
      const after = topic(
        "orders",
        t.partitions.map((p) => moves.find((m) => m.partition === p.partition)?.replicas ?? p.replicas),
      );
      expect(partitionsSharingZones([after], 3, rack), String(brokers)).toEqual([]);
      for (const p of after.partitions) expect(p.replicas.every((r) => brokers.includes(r))).toBe(true);
      // Every broker gets a share.
      const used = new Set(after.partitions.flatMap((p) => p.replicas));
      expect([...used].sort()).toEqual(brokers);
    }
    // RF 2 over 3 zones: two zones per partition.
    const two = balancedAssignment(
      [
        topic("pairs", [
          [1, 4],
          [2, 5],
          [3, 6],
        ]),
      ],
      [1, 2, 3, 4, 5, 6],
      rack,
    );
    for (const m of two) expect(new Set(m.replicas.map(rack)).size).toBe(2);
  });

  test("without zones the planner lays replicas round-robin as before", () => {
    const moves = balancedAssignment(
      [
        topic("t", [
          [1, 2],
          [1, 2],
          [1, 2],
        ]),
      ],
      [1, 2, 3],
    );
    for (const m of moves) expect(m.replicas).toHaveLength(2);
    expect(new Set(moves.flatMap((m) => m.replicas))).toEqual(new Set([1, 2, 3]));
  });

  test("partitions whose replicas share a zone are flagged in a condition", () => {
    const rack = (b: number) => zoneOf(b, 3);
    const shared = partitionsSharingZones(
      [
        topic("t", [
          [1, 2, 3],
          [1, 4, 2],
        ]),
      ],
      3,
      rack,
    );
    expect(shared).toEqual(["t-1"]);
    const base: ClusterObservation = {
      firstRun: false,
      brokerCount: 3,
      nodes: [1, 2, 3].map((nodeId) => ({
        nodeId,
        broker: true,
        running: true,
        registered: true,
        rejoining: false,
        leaving: false,
        lastExit: null,
      })),
      kafkaError: null,
      underReplicated: 0,
      scaling: false,
      zoneCount: 3,
    };
    expect(clusterStatus({ ...base, sharingZones: shared }).conditions).toContainEqual(
      expect.objectContaining({
        type: "ReplicasInDistinctZones",
        status: "False",
        message: expect.stringContaining("t-1"),
      }),
    );
    expect(clusterStatus({ ...base, sharingZones: [] }).conditions).toContainEqual(
      expect.objectContaining({ type: "ReplicasInDistinctZones", status: "True" }),
    );
    expect(
      clusterStatus({ ...base, zoneCount: 1, sharingZones: [] }).conditions!.some(
        (c) => c.type === "ReplicasInDistinctZones",
      ),
    ).toBe(false);
  });
});
