// Topic: makes Kafka hold the topic Postgres describes. Each pass: delete if asked; else create
// if missing, add partitions if fewer, then compare the configs set on the topic with the spec.
// Passes over many topics at once share Admin requests: creates and config changes made at the
// same time travel in one CreateTopics / IncrementalAlterConfigs request per cluster, each topic
// keeping its own answer (a refused topic fails alone, with Kafka's reason).
// A difference on a spec Kafka already matched is drift (someone changed it outside Weir): it
// is recorded on the topic, announced as an event, and corrected.
import type { Db, Prisma } from "@weir/db";
import type { TopicDrift } from "@weir/domain";
import {
  alterTopicConfigs,
  createTopic,
  deleteTopic,
  describeTopics,
  dynamicConfigs,
  increasePartitions,
  kafkaRefusal,
  topicConfigs,
} from "@weir/runtime";
import type { DeclarativeBrokerRuntime } from "@weir/runtime";
import {
  kafkaChildReconciler,
  waitingForOperator,
  type ChildPass,
  type DeclarativeChildPass,
} from "../framework/kafka-child.ts";
import { runPipeline, step } from "../framework/pipeline.ts";
import { topicSnapshots } from "./kafka-snapshot.ts";

function asConfigs(json: Prisma.JsonValue): Record<string, string> {
  return json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, string>) : {};
}

function configDiff(desired: Record<string, string>, actual: Record<string, string>) {
  const keys = [...new Set([...Object.keys(desired), ...Object.keys(actual)])].sort();
  return keys
    .filter((k) => desired[k] !== actual[k])
    .map((k) => ({ key: k, desired: desired[k] ?? null, actual: actual[k] ?? null }));
}

type TopicRow = NonNullable<Awaited<ReturnType<typeof load>>>;

const load = (db: Db, id: string) => db.topic.findUnique({ where: { id }, include: { cluster: true } });

interface TopicPass extends ChildPass<TopicRow> {
  desired: Record<string, string>;
  /** Kafka matched this generation before: a difference now is drift. */
  settled: boolean;
  /** Partitions Kafka has, once looked up. */
  actualPartitions?: number;
}

const created = (t: TopicRow) => ({
  type: "NORMAL" as const,
  reason: "CreatedTopic",
  message: `Created with ${t.partitions} partitions × ${t.replicationFactor} replicas.`,
});

const create = async ({ admin, row: t, desired }: TopicPass) => {
  await createTopic(admin, {
    name: t.name,
    partitions: t.partitions,
    replicationFactor: t.replicationFactor,
    configs: desired,
  });
  topicSnapshots.invalidate(t.cluster.id);
};

const deleteIfAsked = step<TopicPass>("delete-if-asked", async ({ db, id, row: t, admin }) => {
  if (t.status !== "DELETING") return;
  await deleteTopic(admin, t.name).catch((e: unknown) => {
    if (kafkaRefusal(e)?.id !== "UNKNOWN_TOPIC_OR_PARTITION") throw e;
  });
  topicSnapshots.invalidate(t.cluster.id);
  await db.topic.delete({ where: { id } });
  return { status: "DELETING", statusReason: "Deleted from Kafka" };
});

// Steady state: the shared view answers without calls of our own.
const steadyState = step<TopicPass>("steady-state", async ({ row: t, admin, desired, settled }) => {
  if (!settled) return;
  const view = await topicSnapshots.get(t.cluster.id, admin);
  const count = view.partitions.get(t.name);
  const actual = view.configs.get(t.name);
  if (count !== undefined && count >= t.partitions && actual && configDiff(desired, actual).length === 0) {
    return ready(t.partitions, t.replicationFactor, count);
  }
});

// Never reconciled: most likely new, so try the create first (one call, no listing).
const createIfNew = step<TopicPass>("create-if-new", async (pass) => {
  if (pass.row.observedGeneration !== 0) return;
  const made = await create(pass).then(
    () => true,
    (e: unknown) => {
      if (kafkaRefusal(e)?.id === "TOPIC_ALREADY_EXISTS") return false;
      throw e;
    },
  );
  if (!made) return;
  await pass.event(created(pass.row));
  return ready(pass.row.partitions, pass.row.replicationFactor, pass.row.partitions);
});

const ensureExists = step<TopicPass>("ensure-exists", async (pass) => {
  const { row: t, admin, event } = pass;
  const info = (await describeTopics(admin, [t.name])).get(t.name);
  if (!info) {
    await create(pass);
    await event(
      pass.settled
        ? {
            type: "WARNING",
            reason: "RecreatedTopic",
            message: `The topic was deleted outside Weir; recreated it empty with ${t.partitions} partitions.`,
          }
        : created(t),
    );
    return ready(t.partitions, t.replicationFactor, t.partitions);
  }
  if (info.partitions.length < t.partitions) {
    await increasePartitions(admin, t.name, t.partitions);
    await event({
      type: "NORMAL",
      reason: "AddedPartitions",
      message: `Partitions ${info.partitions.length} → ${t.partitions}.`,
    });
  }
  pass.actualPartitions = Math.max(info.partitions.length, t.partitions);
});

// Configs: applied when the spec changed; corrected (and recorded as drift) when Kafka changed.
const applyConfigs = step<TopicPass>(
  "configs",
  async ({ db, id, row: t, admin, event, desired, settled, actualPartitions }) => {
    const actual = dynamicConfigs((await topicConfigs(admin, [t.name])).get(t.name) ?? []);
    const diff = configDiff(desired, actual);
    if (diff.length > 0) {
      const remove = diff.filter((d) => d.desired === null).map((d) => d.key);
      const set = Object.fromEntries(diff.flatMap((d) => (d.desired === null ? [] : [[d.key, d.desired]])));
      const described = diff.map((d) => `${d.key}: ${d.actual ?? "(default)"} → ${d.desired ?? "(default)"}`);
      if (settled) {
        const drift: TopicDrift = { detectedAt: new Date().toISOString(), correctedAt: null, changes: diff };
        await db.topic.update({ where: { id }, data: { drift: drift as unknown as Prisma.InputJsonValue } });
        await event({
          type: "WARNING",
          reason: "DriftDetected",
          message: `Configs changed outside Weir: ${diff.map((d) => `${d.key} is ${d.actual ?? "(default)"}, spec says ${d.desired ?? "(default)"}`).join("; ")}.`,
        });
        await alterTopicConfigs(admin, t.name, { set, remove });
        await db.topic.update({
          where: { id },
          data: { drift: { ...drift, correctedAt: new Date().toISOString() } as unknown as Prisma.InputJsonValue },
        });
        await event({ type: "NORMAL", reason: "DriftCorrected", message: `Restored ${described.join(", ")}.` });
      } else {
        await alterTopicConfigs(admin, t.name, { set, remove });
        await event({ type: "NORMAL", reason: "ConfigsApplied", message: described.join(", ") });
      }
    }
    topicSnapshots.invalidate(t.cluster.id);
    return ready(t.partitions, t.replicationFactor, actualPartitions ?? t.partitions);
  },
);

const steps = [deleteIfAsked, steadyState, createIfNew, ensureExists, applyConfigs];

const reconcileTopic = (pass: ChildPass<TopicRow>) =>
  runPipeline<TopicPass>(
    {
      ...pass,
      desired: asConfigs(pass.row.configs),
      settled: pass.row.generation === pass.row.observedGeneration && pass.row.status === "READY",
    },
    steps,
  );

// On Kubernetes the topic is a KafkaTopic: Strimzi's Topic Operator creates, alters and deletes it.
async function reconcileTopicResource({ db, id, row: t, driver, event }: DeclarativeChildPass<TopicRow>) {
  const { cluster } = t;
  if (t.status === "DELETING") {
    await driver.deleteTopic(cluster.id, cluster.kafkaVersion, t.name);
    await db.topic.delete({ where: { id } });
    return { status: "DELETING", statusReason: "KafkaTopic deleted" };
  }
  await driver.applyTopic({
    clusterId: cluster.id,
    kafkaVersion: cluster.kafkaVersion,
    name: t.name,
    partitions: t.partitions,
    replicationFactor: t.replicationFactor,
    configs: asConfigs(t.configs),
  });
  const seen = await driver.observeChild(cluster.id, cluster.kafkaVersion, "topic", t.name);
  if (!seen.ready) return waitingForOperator(seen.message);
  if (t.status !== "READY" || t.observedGeneration !== t.generation) await event(created(t));
  return ready(t.partitions, t.replicationFactor, t.partitions);
}

const TOPIC_SLOTS = 16;

export const topicReconciler = (deps: { secretKey: string; kubernetes?: DeclarativeBrokerRuntime }) => ({
  ...kafkaChildReconciler(deps, {
    kind: "Topic",
    listIds: async (db) => (await db.topic.findMany({ select: { id: true } })).map((r) => r.id),
    load,
    update: (db, where, data) => db.topic.updateMany({ where, data }),
    act: reconcileTopic,
    actDeclarative: reconcileTopicResource,
  }),
  // Topics reconciled together share their CreateTopics and IncrementalAlterConfigs requests
  // (coalesced per cluster in @weir/runtime's topics.ts): more in flight, fewer requests.
  concurrency: TOPIC_SLOTS,
});

function ready(partitions: number, rf: number, actualPartitions: number) {
  const extra =
    actualPartitions > partitions
      ? ` Kafka has ${actualPartitions} partitions (added outside Weir; partitions cannot be removed).`
      : "";
  return {
    status: "READY",
    statusReason: `In sync with Kafka: ${partitions} partitions × ${rf} replicas.${extra}`,
    conditions: [{ type: "Ready", status: "True" as const, reason: "InSync", message: "Kafka matches the spec" }],
  };
}
