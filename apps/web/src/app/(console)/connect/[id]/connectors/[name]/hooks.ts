"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { detailPollInterval, eventsPollInterval } from "@/lib/polling";
import { useTRPC } from "@/lib/trpc";

/** One connector with its tasks; Connect does not notify, so it is polled (faster while it moves). */
export function useConnector(id: string, name: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.connectors.get.queryOptions(
      { id, name },
      { refetchInterval: (q) => detailPollInterval("Connector", q.state) },
    ),
  );
}

export function useConnectorEvents(id: string, name: string, status: string | undefined) {
  const trpc = useTRPC();
  return useQuery(
    trpc.connectors.events.queryOptions({ id, name }, { refetchInterval: eventsPollInterval("Connector", status) }),
  );
}

/** A new config and/or secrets; Connect's objections show under the config, not in a toast. */
export function useUpdateConnector() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.connectors.update.mutationOptions({
      meta: { toast: false },
      onSuccess: () =>
        Promise.all([
          queryClient.invalidateQueries(trpc.connectors.pathFilter()),
          queryClient.invalidateQueries(trpc.connectClusters.pathFilter()),
        ]),
    }),
  );
}
