"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";

export function useAcls(clusterId: string) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.acls.list.queryOptions({ clusterId }), refetchInterval: 3_000 });
}

function useInvalidate() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.acls.list.pathFilter()),
      queryClient.invalidateQueries(trpc.topics.get.pathFilter()),
    ]);
}

export function useApplyAclPreset() {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  return useMutation(trpc.acls.applyPreset.mutationOptions({ onSuccess: invalidate }));
}

export function useCreateAcl() {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  return useMutation(trpc.acls.create.mutationOptions({ onSuccess: invalidate }));
}

export function useDeleteAcl() {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  return useMutation(trpc.acls.delete.mutationOptions({ onSuccess: invalidate }));
}
