// Topic operations through the Admin protocol. Calls take many topics at once, so a page of a
// list costs a fixed number of requests however many topics it shows.
import {
  ConfigResourceTypes,
  ConfigSources,
  createTopicsV7,
  incrementalAlterConfigsV1,
  IncrementalAlterConfigOperationTypes,
  MultipleErrors,
} from "@platformatic/kafka";
import type { KafkaAdmin } from "./admin.ts";
import { Coalescer } from "./batch.ts";

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export interface PartitionInfo {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface TopicInfo {
  name: string;
  id: string;
  partitions: PartitionInfo[];
  replicationFactor: number;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  /** Set on the topic itself (not a broker or built-in default). */
  isTopicConfig: boolean;
  readOnly: boolean;
  sensitive: boolean;
}

export const INTERNAL_TOPIC = /^__/;

/** Names of every topic (internal ones such as __consumer_offsets left out). One Metadata call. */
export async function listTopicNames(admin: KafkaAdmin): Promise<string[]> {
  const names = await admin.admin.listTopics({ includeInternals: false });
  return names.filter((n) => !INTERNAL_TOPIC.test(n)).sort();
}

/** Partitions, leaders, replicas and ISR for the named topics that exist. One Metadata call. */
export async function describeTopics(
  admin: KafkaAdmin,
  names: string[],
  /** The topic names Kafka has, if the caller just listed them (saves a Metadata call). */
  known?: string[],
): Promise<Map<string, TopicInfo>> {
  const out = new Map<string, TopicInfo>();
  if (names.length === 0) return out;
  const existing = new Set(known ?? (await admin.admin.listTopics({ includeInternals: true })));
  const wanted = names.filter((n) => existing.has(n));
  if (wanted.length === 0) return out;
  const md = await admin.admin.metadata({ topics: wanted, forceUpdate: true });
  for (const [name, t] of md.topics) {
    // The client's metadata cache leaves internal topics (__consumer_offsets) out.
    if (!t || !wanted.includes(name)) continue;
    const partitions = t.partitions.map((p, partition) => ({
      partition,
      leader: p.leader,
      replicas: p.replicas,
      isr: p.isr,
    }));
    out.set(name, {
      name,
      id: t.id,
      partitions,
      replicationFactor: Math.max(0, ...partitions.map((p) => p.replicas.length)),
    });
  }
  return out;
}

/** Every config of the named topics. One DescribeConfigs call. */
export async function topicConfigs(admin: KafkaAdmin, names: string[]): Promise<Map<string, ConfigEntry[]>> {
  const out = new Map<string, ConfigEntry[]>();
  if (names.length === 0) return out;
  const res = await admin.admin.describeConfigs({
    resources: names.map((name) => ({
      resourceType: ConfigResourceTypes.TOPIC,
      resourceName: name,
      configurationKeys: [],
    })),
  });
  for (const r of res) {
    out.set(
      r.resourceName,
      r.configs.map((c) => ({
        name: c.name,
        value: c.value ?? null,
        isTopicConfig: c.configSource === ConfigSources.TOPIC_CONFIG,
        readOnly: c.readOnly,
        sensitive: c.isSensitive,
      })),
    );
  }
  return out;
}

/** The configs set on the topic itself, as a plain map. */
export function dynamicConfigs(entries: ConfigEntry[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) if (e.isTopicConfig && e.value !== null) out[e.name] = e.value;
  return out;
}

/**
 * The per-item refusals of a response that refused some of its items (Kafka answers each topic
 * or resource of a request on its own): the item's protocol error by its index in `list`, or
 * null when the error is not such a response.
 */
function refusedItems(e: unknown, list: string): Map<number, Error> | null {
  if (!(e instanceof MultipleErrors) || (e as { response?: unknown }).response === undefined) return null;
  const out = new Map<number, Error>();
  for (const err of e.errors as Error[]) {
    const m = new RegExp(`^/${list}/(\\d+)$`).exec(String((err as { path?: unknown }).path));
    if (m) out.set(Number(m[1]), err);
  }
  return out.size > 0 ? out : null;
}

/** Topics a request is made for, per admin client and mode (a validation never rides with a create). */
type BatchKey = { admin: KafkaAdmin; validateOnly: boolean };
const batchKeys = new WeakMap<KafkaAdmin, BatchKey[]>();
function batchKey(admin: KafkaAdmin, validateOnly: boolean): BatchKey {
  let keys = batchKeys.get(admin);
  if (!keys) batchKeys.set(admin, (keys = [false, true].map((v) => ({ admin, validateOnly: v }))));
  return keys[validateOnly ? 1 : 0]!;
}

/** How long Kafka may take to create the topics of one request. */
const CREATE_TIMEOUT_MS = 30_000;

/** Creates (or validates) many topics in one CreateTopics request; an answer per topic, in order. */
export async function createTopics(
  admin: KafkaAdmin,
  specs: TopicSpec[],
  validateOnly = false,
): Promise<(Error | undefined)[]> {
  if (specs.length === 0) return [];
  const request = specs.map((spec) => ({
    name: spec.name,
    numPartitions: spec.partitions,
    replicationFactor: spec.replicationFactor,
    assignments: [],
    configs: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
  }));
  try {
    await admin.withConnection((c) => createTopicsV7.api.async(c, request, CREATE_TIMEOUT_MS, validateOnly));
    return specs.map(() => undefined);
  } catch (e) {
    const refused = refusedItems(e, "topics");
    if (!refused) throw e;
    return specs.map((_, i) => refused.get(i));
  }
}

const creates = new Coalescer<BatchKey, TopicSpec, void>(
  async ({ admin, validateOnly }, specs) => createTopics(admin, specs, validateOnly),
  { maxItems: 1000, identity: (spec) => spec.name },
);

/**
 * Creates a topic, or with `validateOnly` only asks Kafka whether it would. Calls made at the
 * same time (a controller reconciling many new topics) share one CreateTopics request; a
 * refusal is this topic's own.
 */
export async function createTopic(admin: KafkaAdmin, spec: TopicSpec, validateOnly = false): Promise<void> {
  await creates.submit(batchKey(admin, validateOnly), spec);
}

export interface TopicConfigChange {
  name: string;
  set: Record<string, string>;
  remove: string[];
}

/** Sets and removes (back to the default) configs of many topics in one request; an answer per topic. */
export async function alterTopicsConfigs(
  admin: KafkaAdmin,
  changes: TopicConfigChange[],
  validateOnly = false,
): Promise<(Error | undefined)[]> {
  const resources = changes
    .map((change) => ({
      resourceType: ConfigResourceTypes.TOPIC,
      resourceName: change.name,
      configs: [
        ...Object.entries(change.set).map(([n, value]) => ({
          name: n,
          configOperation: IncrementalAlterConfigOperationTypes.SET,
          value,
        })),
        ...change.remove.map((n) => ({ name: n, configOperation: IncrementalAlterConfigOperationTypes.DELETE })),
      ],
    }))
    .filter((r) => r.configs.length > 0);
  if (resources.length === 0) return changes.map(() => undefined);
  try {
    await admin.withConnection((c) => incrementalAlterConfigsV1.api.async(c, resources, validateOnly));
    return changes.map(() => undefined);
  } catch (e) {
    const refused = refusedItems(e, "responses");
    const response = (e as { response?: { responses?: { resourceName: string }[] } }).response;
    if (!refused || !response?.responses) throw e;
    // Kafka answers by resource name; the refusal's index is into its answers.
    const byName = new Map([...refused].map(([i, err]) => [response.responses![i]?.resourceName, err]));
    return changes.map((c) => byName.get(c.name));
  }
}

const alters = new Coalescer<BatchKey, TopicConfigChange, void>(
  async ({ admin, validateOnly }, changes) => alterTopicsConfigs(admin, changes, validateOnly),
  { maxItems: 1000, identity: (change) => change.name },
);

/**
 * Sets and removes (back to the default) topic configs in one request; changes to several
 * topics made at the same time share one IncrementalAlterConfigs request.
 */
export async function alterTopicConfigs(
  admin: KafkaAdmin,
  name: string,
  change: { set: Record<string, string>; remove: string[] },
  validateOnly = false,
): Promise<void> {
  if (Object.keys(change.set).length === 0 && change.remove.length === 0) return;
  await alters.submit(batchKey(admin, validateOnly), { name, ...change });
}

export async function increasePartitions(
  admin: KafkaAdmin,
  name: string,
  count: number,
  validateOnly = false,
): Promise<void> {
  await admin.admin.createPartitions({ topics: [{ name, count, assignments: null }], validateOnly });
}

export async function deleteTopic(admin: KafkaAdmin, name: string): Promise<void> {
  await admin.admin.deleteTopics({ topics: [name] });
}

export interface PartitionOffsets {
  earliest: bigint;
  latest: bigint;
}

/** Earliest and latest offsets of every partition of the given topics. Two ListOffsets calls. */
export async function partitionOffsets(
  admin: KafkaAdmin,
  topics: { name: string; partitions: number }[],
): Promise<Map<string, PartitionOffsets[]>> {
  const out = new Map<string, PartitionOffsets[]>();
  const withParts = topics.filter((t) => t.partitions > 0);
  if (withParts.length === 0) return out;
  const req = (timestamp: bigint) =>
    withParts.map((t) => ({
      name: t.name,
      partitions: Array.from({ length: t.partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp })),
    }));
  const [earliest, latest] = await Promise.all([
    admin.admin.listOffsets({ topics: req(-2n) }),
    admin.admin.listOffsets({ topics: req(-1n) }),
  ]);
  const latestBy = new Map(latest.flatMap((t) => t.partitions.map((p) => [`${t.name}:${p.partitionIndex}`, p.offset])));
  for (const t of earliest) {
    const list: PartitionOffsets[] = [];
    for (const p of t.partitions) {
      list[p.partitionIndex] = {
        earliest: p.offset,
        latest: latestBy.get(`${t.name}:${p.partitionIndex}`) ?? p.offset,
      };
    }
    out.set(t.name, list);
  }
  return out;
}

/** Offsets of the first message at or after `timestamp` (ms) per partition; latest if none. */
export async function offsetsForTimestamp(
  admin: KafkaAdmin,
  topic: string,
  partitions: number[],
  timestamp: bigint,
): Promise<Map<number, bigint>> {
  const res = await admin.admin.listOffsets({
    topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }],
  });
  const out = new Map<number, bigint>();
  const latest = await partitionOffsets(admin, [{ name: topic, partitions: Math.max(...partitions) + 1 }]);
  for (const t of res) {
    for (const p of t.partitions) {
      out.set(p.partitionIndex, p.offset < 0n ? (latest.get(topic)?.[p.partitionIndex]?.latest ?? 0n) : p.offset);
    }
  }
  return out;
}

/** Bytes on disk per partition (the largest replica), from DescribeLogDirs. */
export async function partitionSizes(
  admin: KafkaAdmin,
  topics: { name: string; partitions: number }[],
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (topics.length === 0) return out;
  const dirs = await admin.admin.describeLogDirs({
    topics: topics.map((t) => ({ name: t.name, partitions: Array.from({ length: t.partitions }, (_, i) => i) })),
  });
  for (const d of dirs) {
    for (const r of d.results) {
      for (const t of r.topics) {
        const sizes = out.get(t.name) ?? [];
        for (const p of t.partitions) {
          sizes[p.partitionIndex] = Math.max(sizes[p.partitionIndex] ?? 0, Number(p.partitionSize));
        }
        out.set(t.name, sizes);
      }
    }
  }
  return out;
}

/** CreateTopics and IncrementalAlterConfigs requests sent by the coalescers, and the topics they carried. */
export const topicRequestCounts = () => ({ creates: { ...creates.sent }, alters: { ...alters.sent } });
