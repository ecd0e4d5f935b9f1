"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@/lib/trpc";

/** Polls while the controller is still setting the organisation up. */
export function useCurrentOrg() {
  const trpc = useTRPC();
  return useQuery(
    trpc.organizations.current.queryOptions(undefined, {
      refetchInterval: (q) => (q.state.data?.status === "PROVISIONING" ? 2_000 : false),
    }),
  );
}

/** The organisation's projects, for the create forms' project field. */
export function useProjects() {
  const trpc = useTRPC();
  return useQuery(trpc.organizations.projects.queryOptions(undefined, { staleTime: 60_000 }));
}

export function useOrgs() {
  const trpc = useTRPC();
  return useQuery(trpc.organizations.list.queryOptions());
}

/**
 * Points the console at another organisation (`{ orgId: null }`: the user's first), remembered in
 * a cookie by the API, and reloads everything.
 */
export function useSwitchOrg() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  return useMutation(
    trpc.organizations.switch.mutationOptions({
      onSuccess: async () => {
        await queryClient.resetQueries();
        router.refresh();
      },
    }),
  );
}
