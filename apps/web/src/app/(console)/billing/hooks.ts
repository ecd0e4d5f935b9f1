"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";

export function useBillingSummary() {
  const trpc = useTRPC();
  return useQuery(trpc.billing.summary.queryOptions({}, { refetchInterval: 60_000 }));
}

export function useInvoices() {
  const trpc = useTRPC();
  return useQuery(trpc.billing.invoices.queryOptions());
}

export function useInvoice(id: string | null) {
  const trpc = useTRPC();
  return useQuery(trpc.billing.invoice.queryOptions({ id: id ?? "" }, { enabled: Boolean(id) }));
}

function useInvalidateBilling() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.billing.pathFilter()),
      queryClient.invalidateQueries(trpc.audit.list.pathFilter()),
    ]);
}

export function useSetBudget() {
  const trpc = useTRPC();
  const invalidate = useInvalidateBilling();
  return useMutation(trpc.billing.setBudget.mutationOptions({ onSuccess: invalidate }));
}

export function useDeleteBudget() {
  const trpc = useTRPC();
  const invalidate = useInvalidateBilling();
  return useMutation(trpc.billing.deleteBudget.mutationOptions({ onSuccess: invalidate }));
}
