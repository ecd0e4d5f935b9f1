// Next dispatches only GET, HEAD, OPTIONS, POST, PUT, DELETE and PATCH to a route. Another
// method fails before any route runs: TRACE and TRACK with a 500 (a web Request cannot carry
// them), the rest with an empty 400. So they are answered here, where the Node server receives
// the request: on the REST API as it answers any method a path does not take (405 with Allow and
// the error body, or 404), elsewhere with a bare 405.
import http from "node:http";

const DISPATCHED = new Set(["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"]);
const REST_PREFIX = "/api/v1";

async function answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
  let reply: Response | null = null;
  if (pathname === REST_PREFIX || pathname.startsWith(`${REST_PREFIX}/`)) {
    // Loaded on first use: it brings the whole router, which this rare case should not load at start.
    const { restNoOperation } = await import("@weir/api/http");
    reply = restNoOperation(req.method ?? "", pathname);
  }
  reply ??= new Response(null, { status: 405, headers: { allow: "GET, HEAD" } });
  res.writeHead(reply.status, Object.fromEntries(reply.headers));
  res.end(req.method === "HEAD" ? undefined : Buffer.from(await reply.arrayBuffer()));
}

/**
 * Makes every Node HTTP server of this process answer the methods Next does not dispatch;
 * returns the function that undoes it.
 */
export function answerUnsupportedMethods(): () => void {
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      if (!DISPATCHED.has(req.method ?? "")) {
        answer(req, res).catch((e: unknown) => {
          console.error(`[web] ${req.method} ${req.url}:`, e);
          if (!res.headersSent) res.writeHead(405, { allow: "GET, HEAD" });
          res.end();
        });
        return true;
      }
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof emit;
  return () => {
    http.Server.prototype.emit = emit;
  };
}
