"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";

export function useKafkaUsers(clusterId: string) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.kafkaUsers.list.queryOptions({ clusterId }), refetchInterval: 3_000 });
}

function useInvalidate() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.kafkaUsers.list.pathFilter()),
      queryClient.invalidateQueries(trpc.acls.list.pathFilter()),
    ]);
}

export function useCreateKafkaUser() {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  return useMutation(trpc.kafkaUsers.create.mutationOptions({ onSuccess: invalidate }));
}

export function useRotateKafkaUser() {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  return useMutation(trpc.kafkaUsers.rotate.mutationOptions({ onSuccess: invalidate }));
}

export function useDeleteKafkaUser() {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  return useMutation(trpc.kafkaUsers.delete.mutationOptions({ onSuccess: invalidate }));
}
