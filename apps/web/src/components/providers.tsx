"use client";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import type { AppRouter } from "@weir/api";
import { useState, type ReactNode } from "react";
import { toast, Toaster } from "sonner";
import { errorBody, errorMessage } from "@/lib/errors";
import { TRPCProvider } from "@/lib/trpc";

function signInAgain() {
  const next = window.location.pathname + window.location.search;
  if (!window.location.pathname.startsWith("/sign-")) {
    window.location.assign(`/sign-in?next=${encodeURIComponent(next)}`);
  }
}

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        retry: (count, error) => {
          const code = errorBody(error)?.code;
          if (code && code !== "UNAVAILABLE" && code !== "INTERNAL") return false;
          return count < 2;
        },
      },
    },
    queryCache: new QueryCache({
      onError: (error) => {
        // A session that expired or was ended elsewhere: back to sign-in rather than a broken page.
        if (errorBody(error)?.code === "UNAUTHENTICATED") signInAgain();
      },
    }),
    // Every failed change is told to the user in the API's own words; forms also show field errors.
    // A mutation whose page shows its own error in place (a SQL query's Spark error under the
    // editor) says `meta: { toast: false }`.
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        if (mutation.meta?.toast === false) return;
        toast.error(errorMessage(error));
      },
    }),
  });
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: "/api/trpc" })],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
        <Toaster position="top-right" richColors closeButton />
      </TRPCProvider>
    </QueryClientProvider>
  );
}
