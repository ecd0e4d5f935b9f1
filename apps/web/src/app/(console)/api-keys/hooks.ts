"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";

export function useApiKeys() {
  const trpc = useTRPC();
  return useQuery(trpc.apiKeys.list.queryOptions());
}

function useInvalidateKeys() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.apiKeys.list.pathFilter()),
      queryClient.invalidateQueries(trpc.audit.list.pathFilter()),
    ]);
}

export function useCreateApiKey() {
  const trpc = useTRPC();
  const invalidate = useInvalidateKeys();
  return useMutation(trpc.apiKeys.create.mutationOptions({ onSuccess: invalidate }));
}

export function useRevokeApiKey() {
  const trpc = useTRPC();
  const invalidate = useInvalidateKeys();
  return useMutation(trpc.apiKeys.revoke.mutationOptions({ onSuccess: invalidate }));
}
