"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ErrorBody } from "@weir/api";
import { isInProgress } from "@weir/domain/status";
import { useRouter } from "next/navigation";
import { RestError } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";

/** Polls while the controller is working on the organisation (setting it up, at first). */
export function useCurrentOrg() {
  const trpc = useTRPC();
  return useQuery(
    trpc.organizations.current.queryOptions(undefined, {
      refetchInterval: (q) => (isInProgress("Organization", q.state.data?.status) ? 2_000 : false),
    }),
  );
}

export function useOrgs() {
  const trpc = useTRPC();
  return useQuery(trpc.organizations.list.queryOptions());
}

async function postOrg(orgId: string | null) {
  const res = await fetch("/api/console/org", {
    method: orgId ? "POST" : "DELETE",
    headers: { "content-type": "application/json" },
    ...(orgId ? { body: JSON.stringify({ orgId }) } : {}),
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: ErrorBody } | null;
    throw new RestError(res.status, body?.error ?? { code: "INTERNAL", message: "Could not switch organisation." });
  }
}

/** Points the console at another organisation (null: the user's first) and reloads everything. */
export function useSwitchOrg() {
  const queryClient = useQueryClient();
  const router = useRouter();
  return useMutation({
    mutationFn: postOrg,
    onSuccess: async () => {
      await queryClient.resetQueries();
      router.refresh();
    },
  });
}
