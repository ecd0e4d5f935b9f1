// Runs once when the console's server starts.
import { env } from "@weir/env";

export async function register() {
  // The Node server is the one that receives requests (the console has no edge code).
  if (env().NEXT_RUNTIME !== "nodejs") return;
  const { answerUnsupportedMethods } = await import("./server/unsupported-methods");
  const { installServerGuards } = await import("@weir/api/server-guards");
  const { handleRest, handleTrpc, serveRest } = await import("@weir/api/http");
  const { createDomain } = await import("@weir/domain");
  const { db } = await import("@weir/db");
  // Its own domain, not the pages' (src/server/domain.ts): this file is bundled apart from them,
  // with its own copy of @weir/domain, and the API recognises a domain error by its class.
  let apiDomain: ReturnType<typeof createDomain> | undefined;
  const domain = () => (apiDomain ??= createDomain(db()));
  // Installed last, so they run first: every answer, a refused method's too, carries the security
  // headers, and API calls are answered without going through Next.
  answerUnsupportedMethods();
  installServerGuards({
    rest: (req) => handleRest(domain(), req),
    trpc: (req) => handleTrpc(domain(), req),
    serveRest: (req, res) => serveRest(domain(), req, res),
  });
}
