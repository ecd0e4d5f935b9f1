// MirrorMaker 2 as Connect connectors, pure builders: a replication from one Weir Kafka cluster
// (the source) into the Connect cluster's own (the target) is a MirrorSourceConnector and, when
// consumer-group offsets follow, a MirrorCheckpointConnector. No I/O.
//
// Choices a user migrating would expect, fixed here:
// - IdentityReplicationPolicy: a topic keeps its name on the target (orders → orders), so
//   consumers move over without renaming anything (MM2's default would write source.orders).
//   It is set on both connectors: the checkpoints translate offsets for the same names.
// - offset-syncs.topic.location=target: MM2's offset syncs live on the target, so Weir's user on
//   the source only reads (topics, their configs, the groups' committed offsets).
// - ACLs are Weir's (sync.topic.acls.enabled=false); topic configs follow the source's.
// - No MirrorHeartbeatConnector: heartbeats measure MM2 chains, the lag Weir shows is the
//   difference between the source's end offsets and the target's.

/** MirrorMaker 2's connector classes (the "mirror" plugin). */
export const MIRROR_SOURCE_CONNECTOR = "org.apache.kafka.connect.mirror.MirrorSourceConnector";
export const MIRROR_CHECKPOINT_CONNECTOR = "org.apache.kafka.connect.mirror.MirrorCheckpointConnector";
export const IDENTITY_REPLICATION_POLICY = "org.apache.kafka.connect.mirror.IdentityReplicationPolicy";

/**
 * Topics never replicated: MM2's own defaults (internal, replica and __ topics) and Weir's Connect
 * clusters' internal topics (weir-connect-<id>-configs|offsets|status), which name the source's
 * Connect cluster and mean nothing on the target.
 */
export const MIRROR_TOPICS_EXCLUDE = [".*[\\-\\.]internal", ".*\\.replica", "__.*", "weir-connect-.*"];
/** Groups never synced: MM2's defaults and the groups of Weir's Connect workers. */
export const MIRROR_GROUPS_EXCLUDE = ["console-consumer-.*", "connect-.*", "__.*", "weir-connect-.*"];

/** MM2's internal topics on the target, for a source alias (DefaultReplicationPolicy's names, which identity keeps). */
export function mirrorInternalTopics(sourceAlias: string): { offsetSyncs: string; checkpoints: string } {
  return {
    offsetSyncs: `mm2-offset-syncs.${sourceAlias}.internal`,
    checkpoints: `${sourceAlias}.checkpoints.internal`,
  };
}

/** The checkpoint connector's name in Connect, next to the source connector's. */
export const mirrorCheckpointName = (name: string) => `${name}-checkpoints`;

export interface MirrorClusterEnd {
  alias: string;
  bootstrapServers: string;
  /** The client's security properties without prefix (security.protocol, sasl.*, ssl.*), the JAAS line a ${dir:…} reference. */
  security: Record<string, string>;
}

export interface MirrorReplicationSettings {
  /** A regex of the topics to copy (MM2 splits on commas: one regex, alternatives with |). */
  topics: string;
  /** A regex of the consumer groups whose offsets follow. */
  groups: string;
  syncGroupOffsets: boolean;
  /** How often checkpoints are emitted and group offsets written on the target. */
  syncIntervalSeconds: number;
  /** How often the source is listed for new matching topics and groups. */
  refreshIntervalSeconds: number;
  /** Replicas of the topics MM2 creates on the target. */
  replicationFactor: number;
  /** MirrorSourceConnector tasks (partitions are spread over them). */
  tasksMax: number;
}

export interface MirrorConnectorSpec {
  /** The connector's name in Connect. */
  name: string;
  connectorClass: string;
  /** Without name and connector.class (the reconciler adds them and the connector's Kafka credential). */
  config: Record<string, string>;
}

const prefixed = (prefix: string, props: Record<string, string>) =>
  Object.fromEntries(Object.entries(props).map(([k, v]) => [`${prefix}${k}`, v]));

/** The Connect connectors of one replication: the source connector, then the checkpoint connector if offsets follow. */
export function mirrorReplicationConnectors(
  name: string,
  source: MirrorClusterEnd,
  target: MirrorClusterEnd,
  s: MirrorReplicationSettings,
): MirrorConnectorSpec[] {
  const rf = String(s.replicationFactor);
  const common: Record<string, string> = {
    "source.cluster.alias": source.alias,
    "target.cluster.alias": target.alias,
    "source.cluster.bootstrap.servers": source.bootstrapServers,
    ...prefixed("source.cluster.", source.security),
    "target.cluster.bootstrap.servers": target.bootstrapServers,
    ...prefixed("target.cluster.", target.security),
    "replication.policy.class": IDENTITY_REPLICATION_POLICY,
    "offset-syncs.topic.location": "target",
    "offset-syncs.topic.replication.factor": rf,
    // Records are copied as bytes: MM2 needs the byte converters.
    "key.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
    "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
    "header.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
    topics: s.topics,
    "topics.exclude": MIRROR_TOPICS_EXCLUDE.join(","),
  };
  const out: MirrorConnectorSpec[] = [
    {
      name,
      connectorClass: MIRROR_SOURCE_CONNECTOR,
      config: {
        ...common,
        "tasks.max": String(Math.max(1, s.tasksMax)),
        "replication.factor": rf,
        "sync.topic.acls.enabled": "false",
        "sync.topic.configs.enabled": "true",
        "refresh.topics.interval.seconds": String(s.refreshIntervalSeconds),
      },
    },
  ];
  if (s.syncGroupOffsets) {
    out.push({
      name: mirrorCheckpointName(name),
      connectorClass: MIRROR_CHECKPOINT_CONNECTOR,
      config: {
        ...common,
        "tasks.max": "1",
        groups: s.groups,
        "groups.exclude": MIRROR_GROUPS_EXCLUDE.join(","),
        "checkpoints.topic.replication.factor": rf,
        "emit.checkpoints.enabled": "true",
        "emit.checkpoints.interval.seconds": String(s.syncIntervalSeconds),
        "sync.group.offsets.enabled": "true",
        "sync.group.offsets.interval.seconds": String(s.syncIntervalSeconds),
        "refresh.groups.interval.seconds": String(s.refreshIntervalSeconds),
      },
    });
  }
  return out;
}

/** Whether MirrorMaker 2 copies a topic: the whole name matches the regex and no exclusion (JS reading of the Java regexes). */
export function mirrorTopicMatcher(topics: string): (name: string) => boolean {
  const include = new RegExp(`^(?:${topics})$`);
  const exclude = MIRROR_TOPICS_EXCLUDE.map((r) => new RegExp(`^(?:${r})$`));
  return (name) => include.test(name) && !exclude.some((r) => r.test(name)) && name !== "heartbeats";
}

export interface PartitionEnds {
  /** Per topic, each partition's earliest and latest offsets. */
  [topic: string]: { earliest: bigint; latest: bigint }[];
}

/**
 * A replication's lag in records: per partition of the source's matching topics, the source's
 * latest offset minus the target's (identity policy: same topic, same partition), never below 0;
 * a partition the target does not have yet counts every record the source holds.
 */
export function mirrorLagRecords(source: PartitionEnds, target: PartitionEnds): bigint {
  let lag = 0n;
  for (const [topic, parts] of Object.entries(source)) {
    parts.forEach((p, i) => {
      const t = target[topic]?.[i];
      const behind = t ? p.latest - t.latest : p.latest - p.earliest;
      if (behind > 0n) lag += behind;
    });
  }
  return lag;
}
