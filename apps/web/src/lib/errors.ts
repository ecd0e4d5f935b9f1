import { TRPCClientError } from "@trpc/client";
import type { AppRouter, ErrorBody } from "@weir/api";

/** The API's error body ({ code, message, fields }) from a tRPC failure, when there is one. */
export function errorBody(error: unknown): ErrorBody | null {
  if (error instanceof TRPCClientError) {
    const weir = (error as TRPCClientError<AppRouter>).data?.weir;
    if (weir) return weir;
    return { code: "UNAVAILABLE", message: "Weir could not be reached; check your connection and try again." };
  }
  return null;
}

export function errorMessage(error: unknown): string {
  return errorBody(error)?.message ?? (error instanceof Error ? error.message : "Something went wrong.");
}

/** Field path → message, for showing next to form fields. */
export function fieldErrors(error: unknown): Record<string, string> {
  return errorBody(error)?.fields ?? {};
}
