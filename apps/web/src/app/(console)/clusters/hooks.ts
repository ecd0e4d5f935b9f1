"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AppRouter } from "@weir/api";
import { isSettled } from "@weir/domain/status";
import type { inferRouterOutputs } from "@trpc/server";
import { errorBody } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";

export type Cluster = inferRouterOutputs<AppRouter>["clusters"]["get"];
export type ClusterOptions = inferRouterOutputs<AppRouter>["clusters"]["options"];
export type ClusterEvent = inferRouterOutputs<AppRouter>["clusters"]["events"]["items"][number];
export type AdminCredential = inferRouterOutputs<AppRouter>["clusters"]["revealAdminCredential"];

// Status changes reach the console by polling: fast while the controller works on a cluster, slow
// once it is settled (a broker going down still shows within a few seconds).
const FAST = 2_000;
const STEADY_LIST = 10_000;
const STEADY_DETAIL = 5_000;

export function useClusters() {
  const trpc = useTRPC();
  return useQuery(
    trpc.clusters.list.queryOptions(undefined, {
      refetchInterval: (q) =>
        q.state.data?.items.every((c) => isSettled("KafkaCluster", c.status)) ? STEADY_LIST : FAST,
    }),
  );
}

export function useCluster(id: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.clusters.get.queryOptions(
      { id },
      {
        refetchInterval: (q) => {
          // Gone (deleted, or never this organisation's): nothing more to watch.
          const code = errorBody(q.state.error)?.code;
          if (code === "NOT_FOUND" || code === "VALIDATION_FAILED") return false;
          return isSettled("KafkaCluster", q.state.data?.status) ? STEADY_DETAIL : FAST;
        },
      },
    ),
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
    trpc.clusters.events.queryOptions({ id }, { refetchInterval: isSettled("KafkaCluster", status) ? 10_000 : 3_000 }),
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

export function useDeleteCluster() {
  const trpc = useTRPC();
  const invalidate = useInvalidateClusters();
  return useMutation(trpc.clusters.delete.mutationOptions({ onSuccess: invalidate }));
}

export function useRevealAdminCredential() {
  const trpc = useTRPC();
  return useMutation(trpc.clusters.revealAdminCredential.mutationOptions());
}

export function useProjects() {
  const trpc = useTRPC();
  return useQuery(trpc.organizations.projects.queryOptions(undefined, { staleTime: 60_000 }));
}
