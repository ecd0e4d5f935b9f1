"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AppRouter } from "@weir/api";
import type { inferRouterOutputs } from "@trpc/server";
import { isSettled } from "@weir/domain/status";
import { detailPollInterval, eventsPollInterval, listPollInterval } from "@/lib/polling";
import { useTRPC } from "@/lib/trpc";

export type ConnectCluster = inferRouterOutputs<AppRouter>["connectClusters"]["get"];
export type ConnectWorker = ConnectCluster["workers"][number];
export type ConnectOptions = inferRouterOutputs<AppRouter>["connectClusters"]["options"];
export type Connector = inferRouterOutputs<AppRouter>["connectors"]["get"];

export function useConnectClusters() {
  const trpc = useTRPC();
  return useQuery(
    trpc.connectClusters.list.queryOptions(undefined, {
      refetchInterval: (q) => listPollInterval("ConnectCluster", q.state.data?.items),
    }),
  );
}

export function useConnectCluster(id: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.connectClusters.get.queryOptions(
      { id },
      { refetchInterval: (q) => detailPollInterval("ConnectCluster", q.state) },
    ),
  );
}

export function useConnectOptions() {
  const trpc = useTRPC();
  return useQuery(trpc.connectClusters.options.queryOptions(undefined, { staleTime: 60_000 }));
}

export function useConnectEvents(id: string, status: string | undefined) {
  const trpc = useTRPC();
  return useQuery(
    trpc.connectClusters.events.queryOptions({ id }, { refetchInterval: eventsPollInterval("ConnectCluster", status) }),
  );
}

/** Connectors and their tasks: Connect does not notify, so they are polled while any is moving. */
export function useConnectors(id: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.connectors.list.queryOptions(
      { id },
      {
        refetchInterval: (q) => (q.state.data?.items.every((c) => isSettled("Connector", c.status)) ? 5_000 : 2_000),
      },
    ),
  );
}

function useInvalidateConnect() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.connectClusters.pathFilter()),
      queryClient.invalidateQueries(trpc.connectors.pathFilter()),
    ]);
}

export function useCreateConnectCluster() {
  const trpc = useTRPC();
  const invalidate = useInvalidateConnect();
  return useMutation(trpc.connectClusters.create.mutationOptions({ onSuccess: invalidate }));
}

export function useUpdateConnectCluster() {
  const trpc = useTRPC();
  const invalidate = useInvalidateConnect();
  return useMutation(trpc.connectClusters.update.mutationOptions({ onSuccess: invalidate }));
}

export function useDeleteConnectCluster() {
  const trpc = useTRPC();
  const invalidate = useInvalidateConnect();
  return useMutation(trpc.connectClusters.delete.mutationOptions({ onSuccess: invalidate }));
}

export function useCreateConnector() {
  const trpc = useTRPC();
  const invalidate = useInvalidateConnect();
  // The form shows Connect's rejections under each field, not in a toast.
  return useMutation(trpc.connectors.create.mutationOptions({ onSuccess: invalidate, meta: { toast: false } }));
}

export function useConnectorAction(action: "pause" | "resume" | "restart" | "delete") {
  const trpc = useTRPC();
  const invalidate = useInvalidateConnect();
  return useMutation(trpc.connectors[action].mutationOptions({ onSuccess: invalidate }));
}
