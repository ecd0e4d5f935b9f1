import { apiKeysRouter } from "./routers/api-keys.ts";
import { auditRouter } from "./routers/audit.ts";
import { authRouter } from "./routers/auth.ts";
import { billingRouter } from "./routers/billing.ts";
import { clustersRouter } from "./routers/clusters.ts";
import { computeClustersRouter } from "./routers/compute-clusters.ts";
import { connectClustersRouter } from "./routers/connect-clusters.ts";
import { connectorsRouter } from "./routers/connectors.ts";
import { jobsRouter } from "./routers/jobs.ts";
import { membersRouter, organizationsRouter } from "./routers/orgs.ts";
import { pricingRouter } from "./routers/pricing.ts";
import { aclsRouter } from "./routers/acls.ts";
import { consumerGroupsRouter } from "./routers/consumer-groups.ts";
import { kafkaUsersRouter } from "./routers/kafka-users.ts";
import { messagesRouter } from "./routers/messages.ts";
import { topicsRouter } from "./routers/topics.ts";
import { workspaceRouter } from "./routers/workspace.ts";
import { router } from "./trpc.ts";

export const appRouter = router({
  auth: authRouter,
  organizations: organizationsRouter,
  members: membersRouter,
  apiKeys: apiKeysRouter,
  audit: auditRouter,
  pricing: pricingRouter,
  billing: billingRouter,
  clusters: clustersRouter,
  computeClusters: computeClustersRouter,
  connectClusters: connectClustersRouter,
  connectors: connectorsRouter,
  jobs: jobsRouter,
  workspace: workspaceRouter,
  topics: topicsRouter,
  kafkaUsers: kafkaUsersRouter,
  acls: aclsRouter,
  consumerGroups: consumerGroupsRouter,
  messages: messagesRouter,
});

export type AppRouter = typeof appRouter;
