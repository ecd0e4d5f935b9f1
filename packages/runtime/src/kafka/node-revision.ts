// A Kafka node's config revision: a hash of everything that only takes effect when the node's
// process starts. The controller records, per Broker row, the revision the running process was
// started with (appliedRevision) and rolls, one node at a time, every node whose recorded
// revision differs from nodeRevision(spec, nodeId) (apps/controller/src/reconcilers/kafka-cluster/roll.ts).
//
// To make a change roll the brokers, make it an input here:
// - anything rendered into server.properties counts already (nodeConfigInput is what the local
//   driver renders, so a new key there changes the revision by itself);
// - anything else the process reads at start (certificate contents, the Kafka version's
//   binaries, JVM options) goes into the `extra` list of nodeRevision().
// Live changes (the cluster-wide dynamic configs) must stay out of it, or they would restart.
import { createHash } from "node:crypto";
import { splitBrokerConfig } from "./broker-config.ts";
import { heapMb, isController, serverProperties, zoneOf, type NodeConfigInput } from "./config.ts";
import { nodeTlsConfigInput, nodeTlsRevisionInputs } from "./node-tls.ts";
import type { KafkaClusterSpec } from "./runtime.ts";

/** What a node's server.properties is built from (the local driver renders exactly this). */
export function nodeConfigInput(spec: KafkaClusterSpec, nodeId: number, dataDir: string): NodeConfigInput {
  const node = spec.nodes.find((n) => n.nodeId === nodeId);
  if (!node) throw new Error(`Node ${nodeId} is not part of cluster ${spec.clusterId}`);
  return {
    clusterId: spec.clusterId,
    kafkaClusterId: spec.kafkaClusterId,
    node,
    voters: spec.nodes.filter(isController),
    defaultReplication: spec.defaultReplication,
    dataDir,
    admin: spec.admin,
    vcpu: spec.instanceType.vcpu,
    ...((spec.zoneCount ?? 1) > 1 ? { rack: zoneOf(nodeId, spec.zoneCount!) } : {}),
    overrides: splitBrokerConfig(spec.brokerConfig ?? {}).restart,
    ...nodeTlsConfigInput(spec, nodeId, dataDir),
  };
}

/** The revision a node should run at; 16 hex characters. */
export function nodeRevision(spec: KafkaClusterSpec, nodeId: number): string {
  const input = nodeConfigInput(spec, nodeId, "<data>");
  const extra: [string, string][] = [
    ["kafka.version", spec.kafkaVersion],
    ["heap.mb", String(heapMb(spec.instanceType.memoryGib, input.node.roles))],
    ...nodeTlsRevisionInputs(spec, nodeId),
  ];
  const text = [...serverProperties(input), ...extra].map(([k, v]) => `${k}=${v}`).join("\n");
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}
