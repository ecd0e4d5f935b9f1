"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";

export function useConsumerGroups(p: { clusterId: string; search?: string; page: number; pageSize: number }) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.consumerGroups.list.queryOptions(p),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  });
}

export function useResetOffsets() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.consumerGroups.resetOffsets.mutationOptions({
      onSuccess: (r) => {
        if (!r.dryRun) return queryClient.invalidateQueries(trpc.consumerGroups.list.pathFilter());
      },
    }),
  );
}
