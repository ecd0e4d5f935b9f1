// The console's Node server, before Next sees a request: records the socket's peer address
// under PEER_HEADER (replacing anything a client sent by that name) and sets the security
// headers on every answer (pages, API, Spark UI), so no route can forget them.
import http from "node:http";
import type { TLSSocket } from "node:tls";
import { isTrustedProxy, normalizeIp, PEER_HEADER, securityHeaders } from "./request-guards.ts";

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

/** Makes every Node HTTP server of this process guard its requests; returns what undoes it. */
export function installServerGuards(): () => void {
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") guardRequest(args[0] as http.IncomingMessage, args[1] as http.ServerResponse);
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof emit;
  return () => {
    http.Server.prototype.emit = emit;
  };
}
