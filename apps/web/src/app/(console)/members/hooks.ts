"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";

export function useMembers() {
  const trpc = useTRPC();
  return useQuery(trpc.members.list.queryOptions());
}

function useInvalidateMembers() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.members.list.pathFilter()),
      queryClient.invalidateQueries(trpc.organizations.pathFilter()),
      queryClient.invalidateQueries(trpc.audit.list.pathFilter()),
    ]);
}

export function useAddMember() {
  const trpc = useTRPC();
  const invalidate = useInvalidateMembers();
  return useMutation(trpc.members.add.mutationOptions({ onSuccess: invalidate }));
}

export function useUpdateMemberRole() {
  const trpc = useTRPC();
  const invalidate = useInvalidateMembers();
  return useMutation(trpc.members.updateRole.mutationOptions({ onSettled: invalidate }));
}

export function useRemoveMember() {
  const trpc = useTRPC();
  const invalidate = useInvalidateMembers();
  return useMutation(trpc.members.remove.mutationOptions({ onSuccess: invalidate }));
}
