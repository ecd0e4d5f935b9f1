// The console's Node server, before Next sees a request: records the socket's peer address
// under PEER_HEADER (replacing anything a client sent by that name), sets the security headers
// on every answer (pages, API, Spark UI), so no route can forget them, and answers the API's own
// paths (/api/v1, /api/trpc) itself. Next's routing, rendering and response machinery cost several
// times the API's own work per call (see bench/api), and the API needs none of it; the route
// handlers under app/api stay as the same transports for a server this guard is not installed on.
import http from "node:http";
import { Readable } from "node:stream";
import type { TLSSocket } from "node:tls";
import { isTrustedProxy, normalizeIp, PEER_HEADER, securityHeaders } from "./request-guards.ts";

type WebHandler = (req: Request) => Promise<Response>;

export interface ApiTransports {
  /** Answers REST calls under /api/v1. */
  rest: WebHandler;
  /** Answers the console's tRPC calls under /api/trpc. */
  trpc: WebHandler;
  /**
   * Answers REST calls on Node's request and response, in place of `rest` (the same answers,
   * without a web Request and Response built around each call).
   */
  serveRest?: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;
}

export function guardRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
  const peer = normalizeIp(req.socket.remoteAddress);
  if (peer) req.headers[PEER_HEADER] = peer;
  else delete req.headers[PEER_HEADER];
  const https =
    (req.socket as TLSSocket).encrypted === true ||
    (isTrustedProxy(peer) && req.headers["x-forwarded-proto"] === "https");
  const pathname = (req.url ?? "/").split("?")[0] ?? "/";
  for (const [name, value] of Object.entries(securityHeaders(pathname, https))) res.setHeader(name, value);
}

// The methods a web Request can carry; others go on to Next (and src/server/unsupported-methods.ts).
const WEB_METHODS = new Set(["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"]);

type NodeHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

function apiHandler(req: http.IncomingMessage, api: ApiTransports): NodeHandler | null {
  if (!WEB_METHODS.has(req.method ?? "")) return null;
  const url = req.url ?? "/";
  if (url === "/api/v1" || /^\/api\/v1[/?]/.test(url)) return api.serveRest ?? ((q, s) => serveWeb(api.rest, q, s));
  if (/^\/api\/trpc[/?]/.test(url)) return (q, s) => serveWeb(api.trpc, q, s);
  return null;
}

/** Runs a web handler for a Node request and writes its answer (the guard's headers kept). */
export async function serveWeb(handler: WebHandler, req: http.IncomingMessage, res: http.ServerResponse) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
  } as RequestInit);
  const response = await handler(request);
  const out: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") out[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) out["set-cookie"] = cookies;
  const body = req.method === "HEAD" || response.body === null ? null : Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, out);
  res.end(body ?? undefined);
}

/**
 * Makes every Node HTTP server of this process guard its requests and, given the API's
 * transports, answer the API's paths; returns what undoes it.
 */
export function installServerGuards(api?: ApiTransports): () => void {
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      guardRequest(req, res);
      const handler = api ? apiHandler(req, api) : null;
      if (handler) {
        handler(req, res).catch((e: unknown) => {
          console.error(`[api] ${req.method} ${req.url}:`, e);
          if (!res.headersSent) res.writeHead(400, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { code: "VALIDATION_FAILED", message: "The request could not be read." } }));
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
