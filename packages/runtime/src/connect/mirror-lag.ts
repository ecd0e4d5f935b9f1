// A replication's lag, read with the Kafka Admin API on both clusters: the source's matching
// topics' end offsets next to the target's (see mirrorLagRecords). Not MM2's own metrics (those
// are JMX beans inside the worker, which Weir does not expose): this is what a consumer moving
// over would miss right now, and it reads the same whichever worker runs the task.
import type { KafkaAdmin } from "../kafka/admin.ts";
import { describeTopics, listTopicNames, partitionOffsets } from "../kafka/topics.ts";
import { mirrorLagRecords, mirrorTopicMatcher, type PartitionEnds } from "./mirror.ts";

async function ends(admin: KafkaAdmin, names: string[]): Promise<PartitionEnds> {
  const known = await listTopicNames(admin);
  const info = await describeTopics(admin, names, known);
  const offsets = await partitionOffsets(
    admin,
    [...info.values()].map((t) => ({ name: t.name, partitions: t.partitions.length })),
  );
  return Object.fromEntries(offsets);
}

/** Records in the source's matching topics that the target does not hold yet, and how many topics match. */
export async function mirrorLag(
  source: KafkaAdmin,
  target: KafkaAdmin,
  topicsRegex: string,
): Promise<{ records: bigint; topics: number }> {
  const matches = mirrorTopicMatcher(topicsRegex);
  const names = (await listTopicNames(source)).filter(matches);
  const [src, tgt] = await Promise.all([ends(source, names), ends(target, names)]);
  return { records: mirrorLagRecords(src, tgt), topics: names.length };
}
