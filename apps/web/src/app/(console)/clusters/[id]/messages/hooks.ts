"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterInputs } from "@trpc/server";
import type { AppRouter } from "@weir/api";
import { useTRPC, useTRPCClient } from "@/lib/trpc";

export type BrowseInput = inferRouterInputs<AppRouter>["messages"]["browse"];

export function useBrowseMessages(input: BrowseInput | null) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.messages.browse.queryOptions(input ?? { clusterId: "", name: "" }),
    enabled: input !== null,
    staleTime: Infinity,
  });
}

/** Fetches the export and hands it to the browser as a download. */
export function useExportMessages() {
  const client = useTRPCClient();
  return useMutation({
    mutationFn: async (input: BrowseInput & { format: "json" | "csv" }) => {
      const file = await client.messages.export.query(input);
      const url = URL.createObjectURL(new Blob([file.content], { type: file.contentType }));
      const a = document.createElement("a");
      a.href = url;
      a.download = file.filename;
      a.click();
      URL.revokeObjectURL(url);
      return file;
    },
  });
}

export function useProduceMessage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.messages.produce.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.messages.browse.pathFilter()),
    }),
  );
}
