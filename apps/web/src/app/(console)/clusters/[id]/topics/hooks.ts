"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";

export interface TopicListParams {
  clusterId: string;
  search?: string;
  filter: "all" | "managed" | "unmanaged";
  page: number;
  pageSize: number;
}

export function useTopics(p: TopicListParams) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.topics.list.queryOptions(p),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  });
}

export function useTopic(clusterId: string, name: string) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.topics.get.queryOptions({ clusterId, name }), refetchInterval: 3_000 });
}

function useInvalidateTopics() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.topics.list.pathFilter()),
      queryClient.invalidateQueries(trpc.topics.get.pathFilter()),
    ]);
}

export function useCreateTopic() {
  const trpc = useTRPC();
  const invalidate = useInvalidateTopics();
  return useMutation(trpc.topics.create.mutationOptions({ onSuccess: invalidate }));
}

export function useUpdateTopic() {
  const trpc = useTRPC();
  const invalidate = useInvalidateTopics();
  return useMutation(trpc.topics.update.mutationOptions({ onSuccess: invalidate }));
}

export function useDeleteTopic() {
  const trpc = useTRPC();
  const invalidate = useInvalidateTopics();
  return useMutation(trpc.topics.delete.mutationOptions({ onSuccess: invalidate }));
}

export function useImportTopic() {
  const trpc = useTRPC();
  const invalidate = useInvalidateTopics();
  return useMutation(trpc.topics.import.mutationOptions({ onSuccess: invalidate }));
}
