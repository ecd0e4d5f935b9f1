// @weir/runtime: what the domain, the API and the controller may load anywhere — driver
// interfaces, pure builders of runtime config, and the Kafka protocol (Admin client pool,
// topics, users, ACLs, groups, messages). Nothing here starts a process: the local drivers and
// the supervisor are `@weir/runtime/local`, artifact fetching `@weir/runtime/artifacts`.
export * from "./instances.ts";
export * from "./versions.ts";
export * from "./kafka/runtime.ts";
export * from "./kafka/config.ts";
export * from "./kafka/broker-config.ts";
export * from "./kafka/node-revision.ts";
export * from "./kafka/cluster-defaults.ts";
export * from "./kafka/client-security.ts";
export * from "./spark/runtime.ts";
export * from "./spark/config.ts";
export * from "./spark/master.ts";
export * from "./spark/job-runtime.ts";
export { KafkaAdmin, type ClusterDescription, type TopicPartitions } from "./kafka/admin.ts";
export { KafkaAdminPool, kafkaAdmins, type AdminTarget, type ClusterCredentials } from "./kafka/pool.ts";
export { balancedAssignment, partitionsSharingZones } from "./kafka/assignment.ts";
export * from "./kafka/errors.ts";
export * from "./kafka/topics.ts";
export * from "./kafka/users.ts";
export * from "./kafka/acls.ts";
export * from "./kafka/groups.ts";
export * from "./kafka/messages.ts";
export * from "./kafka/storage.ts";
export * from "./kafka/features.ts";
export * from "./connect/index.ts";
