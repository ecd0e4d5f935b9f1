"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AppRouter } from "@weir/api";
import type { inferRouterOutputs } from "@trpc/server";
import { detailPollInterval, eventsPollInterval, listPollInterval } from "@/lib/polling";
import { useTRPC } from "@/lib/trpc";

export type ComputeCluster = inferRouterOutputs<AppRouter>["computeClusters"]["get"];
export type SparkNode = ComputeCluster["workers"][number];
export type ComputeOptions = inferRouterOutputs<AppRouter>["computeClusters"]["options"];

export function useComputeClusters() {
  const trpc = useTRPC();
  return useQuery(
    trpc.computeClusters.list.queryOptions(undefined, {
      refetchInterval: (q) => listPollInterval("ComputeCluster", q.state.data?.items),
    }),
  );
}

export function useComputeCluster(id: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.computeClusters.get.queryOptions(
      { id },
      { refetchInterval: (q) => detailPollInterval("ComputeCluster", q.state) },
    ),
  );
}

export function useComputeOptions() {
  const trpc = useTRPC();
  return useQuery(trpc.computeClusters.options.queryOptions(undefined, { staleTime: 60_000 }));
}

export function useComputeEvents(id: string, status: string | undefined) {
  const trpc = useTRPC();
  return useQuery(
    trpc.computeClusters.events.queryOptions({ id }, { refetchInterval: eventsPollInterval("ComputeCluster", status) }),
  );
}

/** The controller samples every 15 s; polling faster would only redraw the same points. */
export function useComputeMetrics(id: string, minutes: number) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.computeClusters.metrics.queryOptions({ id, minutes }),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
}

function useInvalidateComputeClusters() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.computeClusters.list.pathFilter()),
      queryClient.invalidateQueries(trpc.computeClusters.get.pathFilter()),
      queryClient.invalidateQueries(trpc.computeClusters.events.pathFilter()),
    ]);
}

export function useCreateComputeCluster() {
  const trpc = useTRPC();
  const invalidate = useInvalidateComputeClusters();
  return useMutation(trpc.computeClusters.create.mutationOptions({ onSuccess: invalidate }));
}

export function useUpdateComputeCluster() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invalidate = useInvalidateComputeClusters();
  return useMutation(
    trpc.computeClusters.update.mutationOptions({
      onSuccess: (cluster) => {
        // Show UPDATING at once rather than after the next poll.
        queryClient.setQueryData(trpc.computeClusters.get.queryKey({ id: cluster.id }), cluster);
        return invalidate();
      },
    }),
  );
}

export function useDeleteComputeCluster() {
  const trpc = useTRPC();
  const invalidate = useInvalidateComputeClusters();
  return useMutation(trpc.computeClusters.delete.mutationOptions({ onSuccess: invalidate }));
}
