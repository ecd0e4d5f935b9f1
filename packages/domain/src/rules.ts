// The rules the console shares with the domain, as `@weir/domain/rules`: who may do what, the
// limits on names and passwords, Kafka's rules for topics, ACLs, users and the message browser.
// Every module here is pure and imports nothing at run time but each other (no zod, no Prisma,
// no Node), so a client component can import them; test/client-safe.test.ts checks it.
export * from "./roles.ts";
export * from "./name-rules.ts";
export * from "./kafka/topic-rules.ts";
export * from "./kafka/acl-rules.ts";
export * from "./kafka/user-rules.ts";
export * from "./kafka/message-rules.ts";
export * from "./kafka/storage-rules.ts";
export * from "./compute/job-rules.ts";
export * from "./compute/spark-schema.ts";
export * from "./billing/job-metering-rules.ts";
export * from "./connect/guided-rules.ts";
export * from "./connect/replication-rules.ts";
