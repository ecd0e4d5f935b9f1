import {
  clusterIdInput,
  clusterMetricsInput,
  createClusterInput,
  deleteClusterInput,
  rotateCertificatesInput,
  updateClusterInput,
} from "@weir/domain";
import { env } from "@weir/env";
import { z } from "zod";
import * as s from "../schemas.ts";
import { orgProcedure, router } from "../trpc.ts";

const tags = ["kafka clusters"];

export const clustersRouter = router({
  list: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/clusters",
        tags,
        summary: "Kafka clusters of the organisation, with live status",
      },
    })
    .input(z.strictObject({}).optional())
    .output(z.object({ items: z.array(s.kafkaCluster) }))
    .query(async ({ ctx }) => ({ items: await ctx.domain.clusters.list(ctx.scope) })),

  options: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/clusters/options",
        tags,
        summary: "Broker instance types, Kafka versions and limits a new cluster may use",
      },
    })
    .input(z.strictObject({}).optional())
    .output(s.clusterOptions)
    .query(({ ctx }) => ctx.domain.clusters.options(ctx.scope)),

  create: orgProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/clusters",
        tags,
        summary: "Create a Kafka cluster; it is PROVISIONING until every broker runs",
      },
    })
    .input(createClusterInput)
    .output(s.kafkaCluster)
    .mutation(({ ctx, input }) => ctx.domain.clusters.create(ctx.scope, input)),

  get: orgProcedure
    .meta({ openapi: { method: "GET", path: "/clusters/{id}", tags, summary: "A Kafka cluster with its brokers" } })
    .input(clusterIdInput)
    .output(s.kafkaCluster)
    .query(({ ctx, input }) => ctx.domain.clusters.get(ctx.scope, input)),

  update: orgProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/clusters/{id}",
        tags,
        summary:
          "Change the broker count (partitions move to or off the brokers), the storage per broker (a larger size applies live; a smaller one is refused with 409 while the data would not fit), the storage protection, or upgrade Kafka in place (kafkaVersion: a newer offered release; the nodes restart on the new binaries one at a time, then metadata.version is raised; a downgrade is refused with 409, a version not offered with 400), or cluster-level broker configs (brokerConfig: live keys apply at once, the others restart the brokers one at a time; an unknown key or a bad value is a 400 naming brokerConfig.<key>, nothing applied)",
      },
    })
    .input(updateClusterInput)
    .output(s.kafkaCluster)
    .mutation(({ ctx, input }) => ctx.domain.clusters.update(ctx.scope, input)),

  delete: orgProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/clusters/{id}",
        tags,
        summary: "Stop the brokers and delete the cluster's data",
      },
    })
    .input(deleteClusterInput)
    .output(s.kafkaCluster)
    .mutation(({ ctx, input }) => ctx.domain.clusters.delete(ctx.scope, input)),

  events: orgProcedure
    .meta({
      openapi: { method: "GET", path: "/clusters/{id}/events", tags, summary: "What the controller did and saw" },
    })
    .input(clusterIdInput)
    .output(z.object({ items: z.array(s.resourceEvent) }))
    .query(async ({ ctx, input }) => ({ items: await ctx.domain.clusters.events(ctx.scope, input) })),

  metrics: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/clusters/{id}/metrics",
        tags,
        summary: "Throughput, partitions and disk samples for the cluster or one broker (nodeId)",
      },
    })
    .input(clusterMetricsInput)
    .output(s.clusterMetrics)
    .query(({ ctx, input }) => ctx.domain.clusters.metrics(ctx.scope, input)),

  rotateCertificates: orgProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/clusters/{id}/rotate-certificates",
        tags,
        summary:
          "Issue new broker certificates from the cluster's CA and restart the brokers one at a time (clients that trust the CA keep working); 409 for a cluster without TLS",
      },
    })
    .input(rotateCertificatesInput)
    .output(s.kafkaCluster)
    .mutation(({ ctx, input }) => ctx.domain.clusters.rotateCertificates(ctx.scope, input)),

  revealAdminCredential: orgProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/clusters/{id}/admin-credential",
        tags,
        summary: "The cluster's admin (super user) SCRAM credential; owners and admins only, audited",
      },
    })
    .input(clusterIdInput)
    .output(s.adminCredential)
    .mutation(({ ctx, input }) => ctx.domain.clusters.revealAdminCredential(ctx.scope, input, env().WEIR_SECRET_KEY)),
});
