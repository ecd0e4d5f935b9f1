// The pure builders: node layout, scaling plans, heaps, server.properties, partition placement.
import { describe, expect, it } from "vitest";
import {
  balancedAssignment,
  heapMb,
  initialNodes,
  minBrokerCount,
  renderProperties,
  scaleNodes,
  serverProperties,
} from "../src/index.ts";

describe("node layout", () => {
  it.each([
    [1, ["1:broker,controller"]],
    [3, ["1:broker,controller", "2:broker,controller", "3:broker,controller"]],
    [4, ["9001:controller", "9002:controller", "9003:controller", "1:broker", "2:broker", "3:broker", "4:broker"]],
  ])("%i brokers → %j", (count, nodes) => {
    expect(initialNodes(count).map((n) => `${n.nodeId}:${n.roles}`)).toEqual(nodes);
  });

  it("scales out with broker-only nodes and in by removing the newest broker-only nodes", () => {
    const three = initialNodes(3);
    const out = scaleNodes(three, 5);
    expect(out.add).toEqual([
      { nodeId: 4, roles: "broker" },
      { nodeId: 5, roles: "broker" },
    ]);
    const five = [...three, ...out.add];
    expect(scaleNodes(five, 4).remove).toEqual([{ nodeId: 5, roles: "broker" }]);
    expect(minBrokerCount(five)).toBe(3);
    expect(() => scaleNodes(five, 2)).toThrow(/cannot go below 3/);
    // Dedicated controllers: any broker may go, down to one.
    expect(scaleNodes(initialNodes(4), 1).remove.map((n) => n.nodeId)).toEqual([4, 3, 2]);
  });

  it.each([
    [2, "broker,controller", 256],
    [8, "broker", 512],
    [384, "broker", 2048],
    [64, "controller", 256],
  ] as const)("heap for %i GiB %s is %i MiB", (gib, roles, mb) => {
    expect(heapMb(gib, roles)).toBe(mb);
  });
});

describe("server.properties", () => {
  const props = new Map(
    serverProperties({
      clusterId: "c",
      kafkaClusterId: "abc",
      node: { nodeId: 2, roles: "broker,controller", host: "127.0.0.1", port: 9092, controllerPort: 9093 },
      voters: [
        { nodeId: 1, host: "127.0.0.1", controllerPort: 9083 },
        { nodeId: 2, host: "127.0.0.1", controllerPort: 9093 },
      ],
      defaultReplication: 2,
      dataDir: "/d",
      admin: { username: "weir-admin", password: 'p"w' },
      vcpu: 2,
    }),
  );
  it("is secure by default: SCRAM-SHA-512 client listener, authorizer, deny without ACL", () => {
    expect(props.get("listener.security.protocol.map")).toBe("CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
    expect(props.get("listener.name.client.sasl.enabled.mechanisms")).toBe("SCRAM-SHA-512");
    expect(props.get("authorizer.class.name")).toBe("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    expect(props.get("allow.everyone.if.no.acl.found")).toBe("false");
    expect(props.get("super.users")).toBe("User:weir-admin");
    expect(props.get("listener.name.client.scram-sha-512.sasl.jaas.config")).toContain('password="p\\"w"');
  });
  it("names the quorum, the node and its listeners", () => {
    expect(props.get("controller.quorum.voters")).toBe("1@127.0.0.1:9083,2@127.0.0.1:9093");
    expect(props.get("node.id")).toBe("2");
    expect(props.get("listeners")).toBe("CLIENT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
    expect(props.get("offsets.topic.replication.factor")).toBe("2");
    expect(renderProperties([["a", "x\ny"]])).toContain("a=x\\ny");
  });
});

describe("partition placement", () => {
  const topic = (name: string, partitions: number, replicas: number[][]) => ({
    name,
    partitions: Array.from({ length: partitions }, (_, p) => ({
      partition: p,
      leader: replicas[p]![0]!,
      replicas: replicas[p]!,
      isr: replicas[p]!,
    })),
  });
  it("moves every replica off leaving brokers and spreads them evenly", () => {
    const t = topic("orders", 4, [
      [1, 4],
      [4, 2],
      [3, 1],
      [2, 3],
    ]);
    const moves = balancedAssignment([t], [1, 2, 3]);
    const after = new Map(t.partitions.map((p) => [p.partition, p.replicas]));
    for (const m of moves) after.set(m.partition, m.replicas);
    for (const r of after.values()) {
      expect(r).not.toContain(4);
      expect(new Set(r).size).toBe(2);
    }
  });
  it("refuses when a topic's replication factor exceeds the brokers left", () => {
    expect(() => balancedAssignment([topic("wide", 1, [[1, 2, 3]])], [1, 2])).toThrow(/replication factor 3/);
  });
});
