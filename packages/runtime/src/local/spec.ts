// A complete spec for a fresh local cluster without Postgres: what the driver's own test and the
// provisioning benchmark's "floor" start directly (the controller builds its spec from rows).
import { randomBytes } from "node:crypto";
import { defaultReplicationFor, initialNodes, newKafkaClusterId } from "../kafka/config.ts";
import type { KafkaClusterSpec } from "../kafka/runtime.ts";
import { freePorts } from "./ports.ts";

export async function newLocalClusterSpec(opts: {
  clusterId: string;
  brokerCount: number;
  instanceType?: KafkaClusterSpec["instanceType"];
}): Promise<KafkaClusterSpec> {
  const nodes = initialNodes(opts.brokerCount);
  const ports = await freePorts(nodes.length * 3);
  return {
    clusterId: opts.clusterId,
    kafkaClusterId: newKafkaClusterId(randomBytes(16)),
    kafkaVersion: "3.9.2",
    defaultReplication: defaultReplicationFor(opts.brokerCount),
    admin: { username: "weir-admin", password: randomBytes(12).toString("hex") },
    instanceType: opts.instanceType ?? { sku: "kafka.t3.small", vcpu: 2, memoryGib: 2 },
    nodes: nodes.map((n, i) => ({
      ...n,
      host: "127.0.0.1",
      port: ports[i * 3]!,
      controllerPort: ports[i * 3 + 1]!,
      metricsPort: ports[i * 3 + 2]!,
    })),
  };
}
