// Consumer groups: paged and searched server-side (ListGroups once, then the page's groups
// described together), and offset resets that are previewed first and refused while the group
// has members.
import type { Db } from "@weir/db";
import {
  commitGroupOffsets,
  describeGroupsWithLag,
  describeTopics,
  listGroups,
  offsetsForTimestamp,
  partitionOffsets,
  type GroupDetail,
} from "@weir/runtime";
import { z } from "zod";
import { recordAudit } from "../audit/record.ts";
import type { OrgScope } from "../context.ts";
import { AppError, invalid, notFound } from "../errors.ts";
import { requireRole } from "../roles.ts";
import { onKafka, scopedAdmin } from "./admin-client.ts";
import { TOPIC_NAME_MAX } from "./topic-rules.ts";

const groupId = z.string().min(1).max(255);

export const listGroupsInput = z.strictObject({
  clusterId: z.uuid(),
  search: z.string().max(255).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});
export const groupRefInput = z.strictObject({ clusterId: z.uuid(), group: groupId });
export const resetOffsetsInput = z.strictObject({
  clusterId: z.uuid(),
  group: groupId,
  to: z.enum(["earliest", "latest", "timestamp", "offset"]),
  timestamp: z
    .union([z.number().int(), z.iso.datetime({ offset: true })])
    .optional()
    .describe("For to=timestamp: epoch milliseconds or an ISO date-time"),
  offset: z
    .union([z.number().int().min(0), z.string().regex(/^\d+$/)])
    .optional()
    .describe("For to=offset"),
  topic: z
    .string()
    .min(1)
    .max(TOPIC_NAME_MAX)
    .optional()
    .describe("Only this topic; all the group's topics if left out"),
  partitions: z.array(z.number().int().min(0)).max(10_000).optional().describe("Only these partitions"),
  dryRun: z.boolean().default(true).describe("Preview old → new offsets without changing anything"),
});

/** Groups that may have their offsets changed: nobody is consuming. */
const RESETTABLE = new Set(["EMPTY", "DEAD"]);

function groupView(g: GroupDetail) {
  return {
    id: g.id,
    state: g.state,
    protocolType: g.protocolType,
    members: g.members,
    memberCount: g.members.length,
    topics: [...new Set(g.partitions.map((p) => p.topic))],
    partitions: g.partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      committed: p.committed === null ? null : p.committed.toString(),
      latest: p.latest.toString(),
      lag: p.lag.toString(),
      memberId: p.memberId,
    })),
    totalLag: g.totalLag.toString(),
  };
}

export function consumerGroupsService(db: Db) {
  return {
    async list(scope: OrgScope, input: z.infer<typeof listGroupsInput>) {
      const { cluster, admin } = await scopedAdmin(db, scope, input.clusterId);
      return onKafka(cluster, async () => {
        const needle = input.search?.toLowerCase();
        const all = (await listGroups(admin)).filter((g) => !needle || g.id.toLowerCase().includes(needle));
        const start = (input.page - 1) * input.pageSize;
        const page = all.slice(start, start + input.pageSize);
        const details = await describeGroupsWithLag(
          admin,
          page.map((g) => g.id),
        );
        return { items: details.map(groupView), total: all.length, page: input.page, pageSize: input.pageSize };
      });
    },

    async get(scope: OrgScope, input: z.infer<typeof groupRefInput>) {
      const { cluster, admin } = await scopedAdmin(db, scope, input.clusterId);
      const [g] = await onKafka(cluster, async () => {
        const known = (await listGroups(admin)).some((x) => x.id === input.group);
        return known ? describeGroupsWithLag(admin, [input.group]) : [];
      });
      if (!g) throw notFound("Consumer group");
      return groupView(g);
    },

    async resetOffsets(scope: OrgScope, input: z.infer<typeof resetOffsetsInput>) {
      requireRole(scope.role, input.dryRun ? "VIEWER" : "DEVELOPER", "reset consumer group offsets");
      if (input.to === "timestamp" && input.timestamp === undefined) {
        throw invalid("timestamp", "Give the timestamp to reset to (epoch ms or ISO date-time).");
      }
      if (input.to === "offset" && input.offset === undefined) throw invalid("offset", "Give the offset to reset to.");
      const { cluster, admin } = await scopedAdmin(db, scope, input.clusterId);
      const plan = await onKafka(cluster, async () => {
        const [g] = await describeGroupsWithLag(admin, [input.group]);
        if (!g) throw notFound("Consumer group");
        if (!RESETTABLE.has(g.state)) {
          throw new AppError(
            "CONFLICT",
            `The group "${g.id}" is ${g.state.toLowerCase()} with ${g.members.length} member(s); offsets can only be reset while it is empty. Stop its consumers first.`,
            { fields: { group: `Group is ${g.state.toLowerCase()}, not empty` } },
          );
        }
        const topics = input.topic ? [input.topic] : [...new Set(g.partitions.map((p) => p.topic))];
        if (topics.length === 0) {
          throw invalid("topic", "The group has committed no offsets yet; name the topic to reset.");
        }
        const described = await describeTopics(admin, topics);
        const missing = topics.find((t) => !described.has(t));
        if (missing) throw invalid("topic", `The topic "${missing}" does not exist.`);
        const targets: { topic: string; partition: number }[] = [];
        for (const t of topics) {
          const count = described.get(t)!.partitions.length;
          const wanted = input.partitions ?? Array.from({ length: count }, (_, i) => i);
          const bad = wanted.find((p) => p >= count);
          if (bad !== undefined) {
            throw invalid("partitions", `The topic "${t}" has ${count} partitions; ${bad} is not one of them.`);
          }
          for (const p of wanted) targets.push({ topic: t, partition: p });
        }
        const bounds = await partitionOffsets(
          admin,
          topics.map((t) => ({ name: t, partitions: described.get(t)!.partitions.length })),
        );
        const committed = new Map(g.partitions.map((p) => [`${p.topic}:${p.partition}`, p.committed]));
        const byTimestamp = new Map<string, bigint>();
        if (input.to === "timestamp") {
          const ts = BigInt(typeof input.timestamp === "number" ? input.timestamp : Date.parse(input.timestamp!));
          for (const t of topics) {
            const parts = targets.filter((x) => x.topic === t).map((x) => x.partition);
            for (const [p, o] of await offsetsForTimestamp(admin, t, parts, ts)) byTimestamp.set(`${t}:${p}`, o);
          }
        }
        return targets.map(({ topic, partition }) => {
          const key = `${topic}:${partition}`;
          const b = bounds.get(topic)?.[partition] ?? { earliest: 0n, latest: 0n };
          let next: bigint;
          if (input.to === "earliest") next = b.earliest;
          else if (input.to === "latest") next = b.latest;
          else if (input.to === "timestamp") next = byTimestamp.get(key) ?? b.latest;
          else next = BigInt(input.offset!);
          // Out-of-range offsets are clamped the way kafka-consumer-groups does.
          const clamped = next < b.earliest ? b.earliest : next > b.latest ? b.latest : next;
          return { topic, partition, from: committed.get(key) ?? null, to: clamped, clamped: clamped !== next };
        });
      });
      if (!input.dryRun) {
        await onKafka(cluster, () =>
          commitGroupOffsets(
            admin,
            input.group,
            plan.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.to })),
          ),
        );
        await recordAudit(db, scope, {
          action: "consumer_group.reset_offsets",
          resourceType: "consumer_group",
          resourceName: input.group,
          details: {
            clusterId: cluster.id,
            to: input.to,
            changes: plan.map((p) => ({ ...p, from: p.from?.toString() ?? null, to: p.to.toString() })),
          },
        });
      }
      return {
        group: input.group,
        dryRun: input.dryRun,
        changes: plan.map((p) => ({
          topic: p.topic,
          partition: p.partition,
          from: p.from === null ? null : p.from.toString(),
          to: p.to.toString(),
          clamped: p.clamped,
        })),
      };
    },
  };
}
