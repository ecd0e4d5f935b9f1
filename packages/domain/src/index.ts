export * from "./errors.ts";
export * from "./context.ts";
export * from "./rules.ts";
export * from "./names.ts";
export * from "./status.ts";
export * from "./conditions.ts";
export * from "./crypto.ts";
export { recordAudit, notifyReconcile } from "./audit/record.ts";
export * from "./accounts/service.ts";
export * from "./accounts/api-keys.ts";
export * from "./accounts/rate-limits.ts";
export { AUTH_CACHE_MS } from "./accounts/auth-cache.ts";
export * from "./orgs/service.ts";
export * from "./orgs/provision.ts";
export * from "./audit/service.ts";
export * from "./billing/price-book.ts";
export * from "./billing/metering.ts";
export * from "./billing/invoices.ts";
export * from "./billing/service.ts";
export * from "./billing/estimator.ts";
export * from "./kafka/admin-client.ts";
export * from "./kafka/topics.ts";
export * from "./kafka/users.ts";
export * from "./kafka/acls.ts";
export * from "./kafka/groups.ts";
export * from "./kafka/messages.ts";
export * from "./kafka/clusters.ts";
export * from "./kafka/tls.ts";
export * from "./compute/clusters.ts";
export * from "./compute/job-input.ts";
export * from "./compute/jobs.ts";
export * from "./compute/workspace.ts";
export * from "./connect/rules.ts";
export * from "./connect/clusters.ts";
export * from "./connect/connectors.ts";
export * from "./connect/replication.ts";
export * from "./connect/replication-rules.ts";

import type { Db } from "@weir/db";
import { apiKeysService } from "./accounts/api-keys.ts";
import { accountsService } from "./accounts/service.ts";
import { auditService } from "./audit/service.ts";
import { estimatorService } from "./billing/estimator.ts";
import { priceBookService } from "./billing/price-book.ts";
import { billingService } from "./billing/service.ts";
import { clustersService } from "./kafka/clusters.ts";
import { computeClustersService } from "./compute/clusters.ts";
import { jobsService } from "./compute/jobs.ts";
import { workspaceService } from "./compute/workspace.ts";
import { connectClustersService } from "./connect/clusters.ts";
import { connectorsService } from "./connect/connectors.ts";
import { aclsService } from "./kafka/acls.ts";
import { consumerGroupsService } from "./kafka/groups.ts";
import { messagesService } from "./kafka/messages.ts";
import { topicsService } from "./kafka/topics.ts";
import { kafkaUsersService } from "./kafka/users.ts";
import { orgsService } from "./orgs/service.ts";

/** Every domain service, bound to one database. */
export function createDomain(db: Db) {
  return {
    db,
    accounts: accountsService(db),
    apiKeys: apiKeysService(db),
    orgs: orgsService(db),
    audit: auditService(db),
    priceBook: priceBookService(db),
    estimator: estimatorService(db),
    billing: billingService(db),
    topics: topicsService(db),
    kafkaUsers: kafkaUsersService(db),
    acls: aclsService(db),
    consumerGroups: consumerGroupsService(db),
    messages: messagesService(db),
    clusters: clustersService(db),
    computeClusters: computeClustersService(db),
    jobs: jobsService(db),
    workspace: workspaceService(db),
    connectClusters: connectClustersService(db),
    connectors: connectorsService(db),
  };
}

export type Domain = ReturnType<typeof createDomain>;
export { seedPriceBook } from "./billing/seed.ts";
