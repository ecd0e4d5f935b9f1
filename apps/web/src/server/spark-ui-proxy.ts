// The console's reverse proxy to a compute cluster's Spark master UI. The master listens on
// loopback only and renders its links under `spark.ui.reverseProxyUrl` (/spark-ui/<id>); it
// proxies each worker's UI itself at /proxy/<worker id>/. So one upstream per cluster, and the
// browser never learns a port: redirects to the master are rewritten under the prefix, and
// redirects to any other loopback address are refused.

/** Request headers worth passing to Spark; never the console's cookies or credentials. */
const FORWARDED_REQUEST_HEADERS = [
  "accept",
  "accept-language",
  "cache-control",
  "if-match",
  "if-modified-since",
  "if-none-match",
  "if-unmodified-since",
  "pragma",
  "range",
  "user-agent",
];

/** Hop-by-hop headers (RFC 9110 §7.6.1), which describe one connection and are never forwarded. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** How long the master has to start answering before the proxy gives up with a 502. */
export const HEADERS_TIMEOUT_MS = 15_000;

export interface SparkUiUpstream {
  host: string;
  port: number;
}

export type UnreachableReason = "refused" | "timeout" | "cancelled" | "failed";

/** The master did not answer; the cause (for the logs) names its address, the reason (for the user) does not. */
export class UpstreamUnreachable extends Error {
  constructor(
    readonly reason: UnreachableReason,
    cause: unknown,
  ) {
    super(`The Spark master UI did not answer (${reason})`, { cause });
    this.name = "UpstreamUnreachable";
  }
}

const isLoopback = (hostname: string) =>
  hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);

/**
 * Where a redirect from Spark sends the browser: a Location on the master becomes a path under
 * `prefix` (Spark's own redirects, such as /environment → /environment/, leave the prefix out);
 * one on another loopback port is refused (null), since it would hand the browser a raw port;
 * anything else passes unchanged.
 */
export function rewriteLocation(location: string, upstream: URL, prefix: string): string | null {
  let target: URL;
  try {
    target = new URL(location, upstream);
  } catch {
    return null;
  }
  const onMaster = target.origin === upstream.origin || (isLoopback(target.hostname) && target.port === upstream.port);
  if (!onMaster) return isLoopback(target.hostname) ? null : location;
  const path =
    target.pathname === prefix || target.pathname.startsWith(`${prefix}/`)
      ? target.pathname
      : `${prefix}${target.pathname}`;
  return `${path}${target.search}${target.hash}`;
}

/**
 * Spark's pages put most links under the prefix, but not all (Spark 4.2's master links its
 * environment and log pages from the root); those are moved under it here, in the attributes
 * that navigate or load.
 */
export function rewriteHtml(html: string, prefix: string): string {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const outside = new RegExp(`(\\s(?:href|src|action)=["'])/(?!/)(?!${escaped.slice(1)}(?:[/"'?#]|$))`, "gi");
  return html.replace(outside, `$1${prefix}/`);
}

function responseHeaders(upstream: Response, upstreamUrl: URL, prefix: string): Headers | null {
  const out = new Headers();
  const listed = new Set(
    (upstream.headers.get("connection") ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  for (const [name, value] of upstream.headers) {
    const key = name.toLowerCase();
    // Spark has no business setting cookies on the console's origin.
    if (HOP_BY_HOP.has(key) || listed.has(key) || key === "set-cookie") continue;
    if (key === "location") {
      const rewritten = rewriteLocation(value, upstreamUrl, prefix);
      if (rewritten === null) return null;
      out.set("location", rewritten);
      continue;
    }
    out.append(name, value);
  }
  return out;
}

/** Redirects that only add a trailing slash; Next strips it again from the browser's URL, so they are followed here. */
function addsTrailingSlash(res: Response, url: URL): URL | null {
  if (![301, 302, 307, 308].includes(res.status)) return null;
  const location = res.headers.get("location");
  if (!location) return null;
  const target = new URL(location, url);
  return target.origin === url.origin && target.pathname === `${url.pathname}/` && target.search === url.search
    ? target
    : null;
}

async function fetchUpstream(url: URL, method: string, headers: Headers, signal: AbortSignal): Promise<Response> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), HEADERS_TIMEOUT_MS);
  try {
    return await fetch(url, {
      method,
      headers,
      redirect: "manual",
      cache: "no-store",
      signal: AbortSignal.any([signal, timeout.signal]),
    });
  } catch (e) {
    const code = (e as { cause?: { code?: unknown } }).cause?.code;
    const reason: UnreachableReason = timeout.signal.aborted
      ? "timeout"
      : signal.aborted
        ? "cancelled"
        : code === "ECONNREFUSED"
          ? "refused"
          : "failed";
    throw new UpstreamUnreachable(reason, e);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Forwards a GET or HEAD for `<prefix><path>?<query>` to the master's UI and streams the answer
 * back. Throws UpstreamUnreachable when the master does not answer.
 */
export async function proxySparkUi(opts: {
  req: Request;
  upstream: SparkUiUpstream;
  /** "/spark-ui/<cluster id>" */
  prefix: string;
  /** The path after the prefix, as the browser sent it (still percent-encoded); "" for the root. */
  path: string;
  search: string;
}): Promise<Response> {
  const { req, upstream, prefix } = opts;
  const method = req.method === "HEAD" ? "HEAD" : "GET";
  // Concatenated, not resolved: whatever the path holds, it stays a path on the master.
  let url = new URL(
    `http://${upstream.host}:${upstream.port}${opts.path.startsWith("/") ? "" : "/"}${opts.path}${opts.search}`,
  );
  const headers = new Headers({ "accept-encoding": "identity" });
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers.get(name);
    if (value !== null) headers.set(name, value);
  }

  let res = await fetchUpstream(url, method, headers, req.signal);
  const slashed = addsTrailingSlash(res, url);
  if (slashed) {
    await res.body?.cancel();
    url = slashed;
    res = await fetchUpstream(url, method, headers, req.signal);
  }

  const out = responseHeaders(res, url, prefix);
  if (!out) {
    await res.body?.cancel();
    return new Response("The Spark UI redirected to an address the console does not proxy.\n", {
      status: 502,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  const type = res.headers.get("content-type") ?? "";
  if (method === "GET" && res.body && /^text\/html\b/i.test(type)) {
    out.delete("content-length");
    out.delete("content-encoding");
    return new Response(rewriteHtml(await res.text(), prefix), { status: res.status, headers: out });
  }
  return new Response(method === "HEAD" ? null : res.body, { status: res.status, headers: out });
}
