// The pure parts of the rolling restart: which nodes go in what order, and when stopping one
// would break min.insync.replicas.
import { describe, expect, it } from "vitest";
import { partitionsBlockingRestart, rollOrder } from "../src/reconcilers/kafka-cluster/roll.ts";

describe("rolling restart plan", () => {
  it("restarts broker-only nodes, then dedicated controllers, then combined nodes; only changed ones", () => {
    const nodes = [
      { nodeId: 1, roles: "broker,controller", appliedRevision: "a" },
      { nodeId: 2, roles: "broker,controller", appliedRevision: "b" },
      { nodeId: 9001, roles: "controller", appliedRevision: "a" },
      { nodeId: 4, roles: "broker", appliedRevision: "a" },
      { nodeId: 5, roles: "broker", appliedRevision: "b" },
    ];
    const desired = new Map([1, 2, 9001, 4, 5].map((n) => [n, "b"]));
    expect(rollOrder(nodes, desired).map((n) => n.nodeId)).toEqual([4, 9001, 1]);
    // A node with no desired revision (being scaled in) is not restarted.
    desired.delete(4);
    expect(rollOrder(nodes, desired).map((n) => n.nodeId)).toEqual([9001, 1]);
  });

  it("holds a node whose stop would take a partition below min.insync.replicas", () => {
    const topics = [
      {
        name: "orders",
        partitions: [
          { partition: 0, replicas: [1, 2, 3], isr: [1, 2, 3] },
          { partition: 1, replicas: [1, 2, 3], isr: [1, 2] },
        ],
      },
      // min.insync = replicas: can never lose one, so it never holds the roll back.
      { name: "strict", partitions: [{ partition: 0, replicas: [1, 2], isr: [1, 2] }] },
    ];
    const minIsr = (t: string) => (t === "strict" ? 2 : 2);
    expect(partitionsBlockingRestart(1, topics, minIsr)).toEqual(["orders-1"]);
    expect(partitionsBlockingRestart(3, topics, minIsr)).toEqual([]);
    expect(partitionsBlockingRestart(1, topics, () => 1)).toEqual([]);
  });
});
