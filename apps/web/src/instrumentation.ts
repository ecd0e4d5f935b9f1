// Runs once when the console's server starts.
import { env } from "@weir/env";

export async function register() {
  // The Node server is the one that receives requests (the console has no edge code).
  if (env().NEXT_RUNTIME !== "nodejs") return;
  const { answerUnsupportedMethods } = await import("./server/unsupported-methods");
  const { installServerGuards } = await import("@weir/api/server-guards");
  // Installed last, so they run first: every answer, a refused method's too, carries the security headers.
  answerUnsupportedMethods();
  installServerGuards();
}
