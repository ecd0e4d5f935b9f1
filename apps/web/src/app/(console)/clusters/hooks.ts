"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AppRouter } from "@weir/api";
import type { inferRouterOutputs } from "@trpc/server";
import { detailPollInterval, eventsPollInterval, listPollInterval } from "@/lib/polling";
import { useTRPC } from "@/lib/trpc";

export type Cluster = inferRouterOutputs<AppRouter>["clusters"]["get"];
export type ClusterOptions = inferRouterOutputs<AppRouter>["clusters"]["options"];
export type AdminCredential = inferRouterOutputs<AppRouter>["clusters"]["revealAdminCredential"];

export function useClusters() {
  const trpc = useTRPC();
  return useQuery(
    trpc.clusters.list.queryOptions(undefined, {
      refetchInterval: (q) => listPollInterval("KafkaCluster", q.state.data?.items),
    }),
  );
}

export function useCluster(id: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.clusters.get.queryOptions({ id }, { refetchInterval: (q) => detailPollInterval("KafkaCluster", q.state) }),
  );
}

export function useClusterOptions() {
  const trpc = useTRPC();
  return useQuery(trpc.clusters.options.queryOptions(undefined, { staleTime: 60_000 }));
}

/** The storage price per GB-month in the price book in force (the estimate in the create form). */
export function useStoragePrice() {
  const trpc = useTRPC();
  return useQuery(
    trpc.pricing.priceBook.queryOptions(
      {},
      {
        staleTime: 5 * 60_000,
        select: (book) => book.prices.find((p) => p.dimension === "STORAGE_GB_HOURS")?.unitPrice ?? null,
      },
    ),
  );
}

export function useClusterEvents(id: string, status: string | undefined) {
  const trpc = useTRPC();
  return useQuery(
    trpc.clusters.events.queryOptions({ id }, { refetchInterval: eventsPollInterval("KafkaCluster", status) }),
  );
}

/** Samples are taken every 15 s by the controller; polling faster would only redraw the same points. */
export function useClusterMetrics(id: string, minutes: number, nodeId: number | undefined) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.clusters.metrics.queryOptions({ id, minutes, ...(nodeId === undefined ? {} : { nodeId }) }),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
}

function useInvalidateClusters() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.clusters.list.pathFilter()),
      queryClient.invalidateQueries(trpc.clusters.get.pathFilter()),
      queryClient.invalidateQueries(trpc.clusters.events.pathFilter()),
    ]);
}

export function useCreateCluster() {
  const trpc = useTRPC();
  const invalidate = useInvalidateClusters();
  return useMutation(trpc.clusters.create.mutationOptions({ onSuccess: invalidate }));
}

export function useUpdateCluster() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invalidate = useInvalidateClusters();
  return useMutation(
    trpc.clusters.update.mutationOptions({
      onSuccess: (cluster) => {
        // Show UPDATING at once rather than after the next poll.
        queryClient.setQueryData(trpc.clusters.get.queryKey({ id: cluster.id }), cluster);
        return invalidate();
      },
    }),
  );
}

/** New broker certificates from the cluster's CA, rolled out one broker at a time. */
export function useRotateCertificates() {
  const trpc = useTRPC();
  const invalidate = useInvalidateClusters();
  return useMutation(trpc.clusters.rotateCertificates.mutationOptions({ onSuccess: invalidate }));
}

export function useDeleteCluster() {
  const trpc = useTRPC();
  const invalidate = useInvalidateClusters();
  return useMutation(trpc.clusters.delete.mutationOptions({ onSuccess: invalidate }));
}

export function useRevealAdminCredential() {
  const trpc = useTRPC();
  return useMutation(trpc.clusters.revealAdminCredential.mutationOptions());
}
