// What the API and the console's pages decide from the connection itself, before any procedure:
// the client's IP (X-Forwarded-For believed only from a trusted proxy), whether a browser request
// comes from another site, and the security headers of every answer.
import { BlockList, isIP } from "node:net";
import { env } from "@weir/env";

/**
 * The socket's peer address, written by the Node server guard (`installServerGuards`) over
 * whatever a client sent under this name, so the route handlers, which only see a web Request,
 * can read it.
 */
export const PEER_HEADER = "x-weir-peer-address";

/** "::ffff:10.0.0.1" (an IPv4 client on a dual-stack socket) → "10.0.0.1". */
export function normalizeIp(address: string | null | undefined): string | null {
  const a = address?.trim();
  if (!a) return null;
  const mapped = a.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i)?.[1];
  return mapped ?? a;
}

/** What these checks read of a request: a web Request, or the console server's view of Node's. */
export interface RequestLike {
  method: string;
  url: string;
  headers: Pick<Headers, "get">;
}

let trusted: { source: string[]; list: BlockList } | null = null;

/** The WEIR_TRUSTED_PROXIES list as a BlockList (addresses and CIDR ranges, IPv4 and IPv6). */
function trustedProxies(): BlockList {
  const source = env().WEIR_TRUSTED_PROXIES;
  if (trusted?.source === source) return trusted.list;
  const list = new BlockList();
  for (const entry of source) {
    const [address = "", bits] = entry.split("/");
    const family = isIP(address);
    if (family === 0) throw new Error(`WEIR_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range.`);
    const type = family === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  trusted = { source, list };
  return list;
}

export function isTrustedProxy(address: string | null): boolean {
  // The default: no proxy is trusted, and nothing needs parsing.
  if (env().WEIR_TRUSTED_PROXIES.length === 0) return false;
  const a = normalizeIp(address);
  const family = a ? isIP(a) : 0;
  return family !== 0 && trustedProxies().check(a!, family === 6 ? "ipv6" : "ipv4");
}

/**
 * The client's IP: the socket's peer, unless the peer is a trusted proxy, in which case
 * X-Forwarded-For is read from the right, skipping trusted proxies, and the first address that
 * is not one is the client (addresses further left were written by the client and prove nothing).
 */
export function clientIp(headers: Pick<Headers, "get">): string | null {
  const peer = normalizeIp(headers.get(PEER_HEADER));
  if (!peer || !isTrustedProxy(peer)) return peer;
  const hops = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((h) => normalizeIp(h))
    .filter((h): h is string => h !== null && isIP(h) !== 0);
  for (let i = hops.length - 1; i >= 0; i--) if (!isTrustedProxy(hops[i]!)) return hops[i]!;
  return hops[0] ?? peer;
}

/** Whether the request reached Weir over HTTPS (directly, or through a trusted proxy that says so). */
export function isHttps(req: RequestLike): boolean {
  if (new URL(req.url).protocol === "https:") return true;
  return isTrustedProxy(req.headers.get(PEER_HEADER)) && req.headers.get("x-forwarded-proto") === "https";
}

/** The origin the browser sees this server at: its Host (or a trusted proxy's X-Forwarded-Host). */
function ownOrigin(req: RequestLike): string {
  const url = new URL(req.url);
  const viaProxy = isTrustedProxy(req.headers.get(PEER_HEADER));
  const host = (viaProxy && req.headers.get("x-forwarded-host")) || req.headers.get("host") || url.host;
  return `${isHttps(req) ? "https" : "http"}://${host}`;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether a state-changing request was sent by a browser from another origin (a cross-site form
 * or fetch riding on the session cookie). Browsers send Origin with every such request; a
 * request without Origin or Sec-Fetch-Site is not a browser's (curl, a script), which no other
 * site can make carry the user's cookie.
 */
export function isCrossSite(req: RequestLike): boolean {
  if (SAFE_METHODS.has(req.method)) return false;
  const origin = req.headers.get("origin");
  if (origin !== null) return origin !== ownOrigin(req);
  const site = req.headers.get("sec-fetch-site");
  return site !== null && site !== "same-origin" && site !== "none";
}

/**
 * The security headers of an answer at `pathname`. Next's production pages carry inline
 * bootstrap scripts (so 'unsafe-inline' for scripts, without nonces) but never need eval;
 * React's development build does, so 'unsafe-eval' is added only outside production. The Spark
 * UI under /spark-ui/ is Spark's own HTML with inline scripts and handlers, and its own policy.
 */
export function securityHeaders(pathname: string, https: boolean): Readonly<Record<string, string>> {
  const dev = env().NODE_ENV === "development";
  const sparkUi = pathname.startsWith("/spark-ui/");
  const hsts = https || env().WEIR_SECURE_COOKIES;
  // A handful of possible sets: each built once, not per answer.
  const key = `${dev}:${sparkUi}:${hsts}`;
  let headers = headerSets.get(key);
  if (!headers) {
    headers = buildSecurityHeaders(dev, sparkUi, hsts);
    headerSets.set(key, headers);
  }
  return headers;
}

const headerSets = new Map<string, Readonly<Record<string, string>>>();

function buildSecurityHeaders(dev: boolean, sparkUi: boolean, hsts: boolean): Record<string, string> {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev && !sparkUi ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    ...(hsts ? { "strict-transport-security": "max-age=31536000; includeSubDomains" } : {}),
  };
}
