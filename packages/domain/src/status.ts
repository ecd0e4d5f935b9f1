// The one definition of what a resource's status means, per kind: which statuses serve
// requests, which are settled (nothing more happens without a change), which are in progress,
// which refuse a change.
// Pure and dependency-free so the console's client components, the API, the domain and the
// controller all import the same rules. Also the kind names and the NOTIFY channel that
// wakes the controller.

/** The Postgres channel the API notifies and the controller listens on. */
export const NOTIFY_CHANNEL = "weir_reconcile";

export const KINDS = [
  "Organization",
  "KafkaCluster",
  "Topic",
  "KafkaUser",
  "Acl",
  "ComputeCluster",
  "Job",
  "ConnectCluster",
  "Connector",
] as const;
export type Kind = (typeof KINDS)[number];

export const RESOURCE_STATUSES = [
  "PROVISIONING",
  "READY",
  "RUNNING",
  "UPDATING",
  "DEGRADED",
  "DELETING",
  "FAILED",
] as const;
export type ResourceStatusName = (typeof RESOURCE_STATUSES)[number];

/** The payload of a NOTIFY for one resource: "<kind>:<id>". */
export const notifyPayload = (kind: Kind, id: string) => `${kind}:${id}`;

export function parseNotifyPayload(payload: string): { kind: Kind; id: string } | null {
  const at = payload.indexOf(":");
  const kind = payload.slice(0, at) as Kind;
  const id = payload.slice(at + 1);
  return at > 0 && id && (KINDS as readonly string[]).includes(kind) ? { kind, id } : null;
}

interface StatusMeaning {
  /** The resource answers requests (a cluster's Admin API, a compute cluster's master). */
  serving: readonly string[];
  /** Nothing more is expected to happen without a change to the spec. */
  settled: readonly string[];
  /** The controller is working towards the desired state. */
  inProgress: readonly string[];
  /** A change to the spec is refused (the API answers 409). */
  frozen: readonly string[];
}

// A cluster serves while it runs, while it is being changed and while it heals: Kafka answers
// in all three. A degraded cluster is not settled: the controller is healing it. It can be
// changed once it exists and until it is being deleted.
const clusterLike: StatusMeaning = {
  serving: ["RUNNING", "UPDATING", "DEGRADED"],
  settled: ["RUNNING", "FAILED"],
  inProgress: ["PROVISIONING", "UPDATING", "DELETING"],
  frozen: ["PROVISIONING", "DELETING"],
};

// Children of a cluster (topics, users, ACLs) and organisations are READY when applied.
const applied: StatusMeaning = {
  serving: ["READY"],
  settled: ["READY", "FAILED"],
  inProgress: ["PROVISIONING", "UPDATING", "DELETING"],
  frozen: ["DELETING"],
};

// A job serves while its driver runs; it rests once stopped, finished or failed.
const job: StatusMeaning = {
  serving: ["RUNNING"],
  settled: ["RUNNING", "STOPPED", "FINISHED", "FAILED"],
  inProgress: ["QUEUED", "STARTING", "STOPPING", "DELETING"],
  frozen: ["DELETING"],
};

// A connector serves while Connect runs it (DEGRADED: some task failed); it rests once running,
// paused or failed.
const connector: StatusMeaning = {
  serving: ["RUNNING", "DEGRADED"],
  settled: ["RUNNING", "PAUSED", "FAILED"],
  inProgress: ["PROVISIONING", "UPDATING", "DELETING"],
  frozen: ["DELETING"],
};

const meanings: Record<Kind, StatusMeaning> = {
  Organization: applied,
  KafkaCluster: clusterLike,
  ComputeCluster: clusterLike,
  Topic: applied,
  KafkaUser: applied,
  Acl: applied,
  Job: job,
  ConnectCluster: clusterLike,
  Connector: connector,
};

export const isServing = (kind: Kind, status: string | null | undefined) =>
  !!status && meanings[kind].serving.includes(status);
export const isSettled = (kind: Kind, status: string | null | undefined) =>
  !!status && meanings[kind].settled.includes(status);
export const isInProgress = (kind: Kind, status: string | null | undefined) =>
  !!status && meanings[kind].inProgress.includes(status);
/** Whether the API takes a change to the resource's spec in this status (a delete is taken until DELETING). */
export const acceptsChanges = (kind: Kind, status: string | null | undefined) =>
  !!status && !meanings[kind].frozen.includes(status);
