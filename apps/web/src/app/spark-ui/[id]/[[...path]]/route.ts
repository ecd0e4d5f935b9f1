// The Spark UI of a compute cluster, one click from the console: the caller is authenticated as
// the API authenticates them, the cluster is looked up in their organisation (another tenant's is
// a 404), and the request goes to the master's UI on loopback (see src/server/spark-ui-proxy.ts).
import { AppError } from "@weir/domain";
import type { NextRequest } from "next/server";
import { z } from "zod";
import { domain } from "@/server/domain";
import { scopeOfRequest } from "@weir/api/http";
import { HEADERS_TIMEOUT_MS, proxySparkUi, UpstreamUnreachable, type UnreachableReason } from "@/server/spark-ui-proxy";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const PREFIX = "/spark-ui";

const text = (status: number, message: string, headers: Record<string, string> = {}) =>
  new Response(`${message}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers },
  });

const unreachable: Record<UnreachableReason, string> = {
  refused: "nothing listens on its UI port",
  timeout: `it did not answer within ${HEADERS_TIMEOUT_MS / 1000} seconds`,
  cancelled: "the request was cancelled",
  failed: "the connection to it failed",
};

async function handler(req: NextRequest, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await ctx.params;
  const notFound = text(404, "No such compute cluster in this organisation.");
  if (!z.uuid().safeParse(id).success) return notFound;
  const prefix = `${PREFIX}/${id}`;
  const url = new URL(req.url);
  const path = url.pathname.slice(prefix.length);

  let status: string;
  let upstream: { host: string; port: number };
  try {
    const scope = await scopeOfRequest(domain(), req);
    const target = await domain().computeClusters.uiTarget(scope, { id, node: "master" });
    upstream = { host: target.host, port: target.port };
    status = target.status;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    if (e.code === "UNAUTHENTICATED") {
      // A person following a link signs in and comes back; a script gets the status.
      if (req.headers.get("accept")?.includes("text/html") && !req.headers.has("authorization")) {
        const next = `${url.pathname}${url.search}`;
        return new Response(null, {
          status: 303,
          headers: { location: `/sign-in?next=${encodeURIComponent(next)}`, "cache-control": "no-store" },
        });
      }
      return text(401, e.message, { "www-authenticate": "Bearer" });
    }
    if (e.code === "NOT_FOUND") return notFound;
    return text(e.httpStatus, e.message);
  }

  try {
    return await proxySparkUi({ req, upstream, prefix, path, search: url.search });
  } catch (e) {
    if (!(e instanceof UpstreamUnreachable)) throw e;
    console.error(`[spark-ui] ${id}:`, e.cause);
    return text(
      502,
      `The Spark master of this compute cluster is not answering: ${unreachable[e.reason]}. ` +
        `The master is ${status.toLowerCase()}; its page in the console says why.`,
    );
  }
}

export { handler as GET, handler as HEAD };
