// Kafka's protocol errors as sentences a user understands, grouped by class (as Redpanda
// Console and kafka-ui do), so every caller turns a refusal into the same kind of answer.
import { GenericError, MultipleErrors } from "@platformatic/kafka";

export type KafkaErrorClass = "exists" | "notFound" | "invalid" | "forbidden" | "precondition" | "unavailable";

export interface KafkaRefusal {
  /** Kafka's error id, e.g. TOPIC_ALREADY_EXISTS. */
  id: string;
  class: KafkaErrorClass;
  /** The request field the error is about, when one is. */
  field?: string;
  message: string;
  /** What the broker itself said, if anything. */
  detail: string | null;
}

const sentences: Record<string, { class: KafkaErrorClass; field?: string; message: string }> = {
  TOPIC_ALREADY_EXISTS: { class: "exists", field: "name", message: "A topic with this name already exists." },
  INVALID_TOPIC_EXCEPTION: {
    class: "invalid",
    field: "name",
    message: "Kafka does not accept this topic name (or it collides with an existing one).",
  },
  INVALID_PARTITIONS: { class: "invalid", field: "partitions", message: "The partition count is not valid." },
  INVALID_REPLICATION_FACTOR: {
    class: "invalid",
    field: "replicationFactor",
    message: "The replication factor must be at least 1 and no more than the number of brokers.",
  },
  INVALID_REPLICA_ASSIGNMENT: {
    class: "invalid",
    field: "replicationFactor",
    message: "The replica assignment is not valid.",
  },
  INVALID_CONFIG: { class: "invalid", field: "configs", message: "Kafka rejected a config value." },
  POLICY_VIOLATION: { class: "precondition", message: "The request breaks a policy of the cluster." },
  UNKNOWN_TOPIC_OR_PARTITION: { class: "notFound", message: "The topic does not exist in Kafka." },
  UNKNOWN_TOPIC_ID: { class: "notFound", message: "The topic does not exist in Kafka." },
  GROUP_ID_NOT_FOUND: { class: "notFound", field: "group", message: "The consumer group does not exist." },
  NON_EMPTY_GROUP: {
    class: "precondition",
    field: "group",
    message: "The consumer group still has active members; stop its consumers first.",
  },
  UNKNOWN_MEMBER_ID: {
    class: "precondition",
    field: "group",
    message: "The consumer group has active members; stop its consumers first.",
  },
  REBALANCE_IN_PROGRESS: {
    class: "precondition",
    field: "group",
    message: "The consumer group is rebalancing; stop its consumers first.",
  },
  COORDINATOR_NOT_AVAILABLE: { class: "unavailable", message: "The group coordinator is not available yet." },
  NOT_COORDINATOR: { class: "unavailable", message: "The group coordinator moved; try again." },
  TOPIC_AUTHORIZATION_FAILED: { class: "forbidden", message: "Not authorised to access this topic." },
  GROUP_AUTHORIZATION_FAILED: { class: "forbidden", message: "Not authorised to access this consumer group." },
  CLUSTER_AUTHORIZATION_FAILED: { class: "forbidden", message: "Not authorised to administer this cluster." },
  SASL_AUTHENTICATION_FAILED: {
    class: "forbidden",
    message: "Kafka did not accept Weir's admin credential for this cluster.",
  },
  RESOURCE_NOT_FOUND: { class: "notFound", message: "The user has no SCRAM credential in Kafka." },
  UNSUPPORTED_SASL_MECHANISM: { class: "invalid", message: "The cluster does not support this SASL mechanism." },
  UNACCEPTABLE_CREDENTIAL: {
    class: "invalid",
    field: "password",
    message: "Kafka does not accept this credential (check the user name and iteration count).",
  },
  DUPLICATE_RESOURCE: { class: "exists", message: "The request names the same user twice." },
  INVALID_REQUEST: { class: "invalid", message: "Kafka rejected the request as invalid." },
  MESSAGE_TOO_LARGE: {
    class: "invalid",
    field: "value",
    message: "The message is larger than the topic's max.message.bytes allows.",
  },
  RECORD_LIST_TOO_LARGE: { class: "invalid", field: "value", message: "The message batch is too large." },
  OFFSET_OUT_OF_RANGE: { class: "invalid", field: "offset", message: "The offset is out of the partition's range." },
  INVALID_TIMESTAMP: { class: "invalid", field: "timestamp", message: "The timestamp is not valid." },
  LEADER_NOT_AVAILABLE: { class: "unavailable", message: "A partition has no leader at the moment." },
  NOT_LEADER_OR_FOLLOWER: { class: "unavailable", message: "Partition leadership moved; try again." },
  NOT_CONTROLLER: { class: "unavailable", message: "The cluster's controller moved; try again." },
  REQUEST_TIMED_OUT: { class: "unavailable", message: "Kafka did not answer in time." },
  BROKER_NOT_AVAILABLE: { class: "unavailable", message: "A broker is not available." },
  NOT_ENOUGH_REPLICAS: {
    class: "unavailable",
    message: "Fewer in-sync replicas than min.insync.replicas: the write was refused.",
  },
  SECURITY_DISABLED: { class: "invalid", message: "ACLs are not enabled on this cluster." },
};

function protocolErrors(e: unknown): GenericError[] {
  if (e instanceof MultipleErrors) return e.errors.flatMap((x: unknown) => protocolErrors(x));
  if (e instanceof GenericError) return [e];
  return [];
}

/**
 * Kafka's refusal inside an error thrown by the client, or null if the error is not a
 * refusal (then the cluster could not be reached, or something else failed).
 */
export function kafkaRefusal(e: unknown): KafkaRefusal | null {
  for (const err of protocolErrors(e)) {
    const id = err.apiId as string | undefined;
    if (!id) continue;
    const detail = (err.serverErrorMessage as string | null | undefined) ?? null;
    const known = sentences[id];
    if (known) return { id, ...known, detail };
    return { id, class: "invalid", message: `Kafka refused the request (${id}).`, detail };
  }
  return null;
}

/** Whether an error means the cluster could not be reached (network, timeout, authentication). */
export function isUnreachable(e: unknown): boolean {
  if (kafkaRefusal(e)) return false;
  const codes = new Set(["PLT_KFK_NETWORK", "PLT_KFK_TIMEOUT", "PLT_KFK_AUTHENTICATION"]);
  const all = e instanceof MultipleErrors ? [e, ...e.errors] : [e];
  return all.some((x) => x instanceof GenericError && codes.has(x.code));
}

/** Throws a refusal from a response's per-item error code (raw APIs that do not throw). */
export class KafkaRequestError extends Error {
  constructor(readonly refusal: KafkaRefusal) {
    super(refusal.detail ? `${refusal.message} Kafka says: ${refusal.detail}` : refusal.message);
  }
}

export function refusalFromCode(id: string, detail: string | null): KafkaRefusal {
  const known = sentences[id];
  if (known) return { id, ...known, detail };
  return { id, class: "invalid", message: `Kafka refused the request (${id}).`, detail };
}
