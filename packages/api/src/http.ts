// Transports: the same procedures served as tRPC (/api/trpc, for the console) and as REST
// (/api/v1, with openapi.json). Both take a web Request and return a Response, so Next route
// handlers and tests call them alike.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { env } from "@weir/env";
import { ORG_COOKIE, SESSION_COOKIE, type Domain, type OrgScope } from "@weir/domain";
import { createOpenApiNodeHttpHandler } from "trpc-to-openapi";
import { allowedMethods, OPENAPI_PATH, openApiJson, REST_PREFIX, successStatusOf } from "./openapi.ts";
import { clientIp, isCrossSite } from "./request-guards.ts";
import { appRouter } from "./root.ts";
import { authenticateCaller, type Context, type ErrorBody } from "./trpc.ts";

export { REST_PREFIX } from "./openapi.ts";
export const TRPC_PREFIX = "/api/trpc";
const MAX_BODY_BYTES = 1024 * 1024;

function parseCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out.set(part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim()));
  }
  return out;
}

function createContext(domain: Domain, req: Request, resHeaders: Headers): Context {
  const cookies = parseCookies(req.headers.get("cookie"));
  const auth = req.headers.get("authorization");
  const bearer = auth?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? null;
  const secure = env().WEIR_SECURE_COOKIES ? "; Secure" : "";
  return {
    domain,
    meta: { ip: clientIp(req.headers), userAgent: req.headers.get("user-agent") },
    sessionToken: cookies.get(SESSION_COOKIE) ?? null,
    bearer,
    requestedOrgId: req.headers.get("x-weir-org") ?? cookies.get(ORG_COOKIE) ?? null,
    crossSite: isCrossSite(req),
    setCookie(name, value, { maxAgeSeconds }) {
      resHeaders.append(
        "set-cookie",
        `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`,
      );
    },
    setHeader(name, value) {
      resHeaders.set(name, value);
    },
  };
}

/**
 * The caller's organisation scope for a console route outside the API (the Spark UI proxy),
 * read from the request exactly as the API reads it: UNAUTHENTICATED without valid
 * credentials, NOT_FOUND for an organisation not theirs.
 */
export async function scopeOfRequest(domain: Domain, req: Request): Promise<OrgScope> {
  const ctx = createContext(domain, req, new Headers());
  return domain.accounts.resolveScope(await authenticateCaller(ctx), ctx.requestedOrgId);
}

function logInternal(path: string | undefined, error: { code: string; cause?: unknown; message: string }) {
  if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[api] ${path ?? "?"}:`, error.cause ?? error.message);
}

export function handleTrpc(domain: Domain, req: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: TRPC_PREFIX,
    req,
    router: appRouter,
    createContext: ({ resHeaders }) => createContext(domain, req, resHeaders),
    onError: ({ path, error }) => logInternal(path, error),
  });
}

const errorResponse = (status: number, body: ErrorBody, headers?: HeadersInit) =>
  Response.json({ error: body }, { status, ...(headers ? { headers } : {}) });

/** The request as the OpenAPI handler reads it: a web Request whose `body` is the parsed JSON. */
type ParsedRequest = Request & { body: unknown };

/** The response the OpenAPI handler writes, as a node ServerResponse would take it. */
interface CollectedResponse {
  statusCode: number;
  headers: Headers;
  setHeader(key: string, value: string | string[]): void;
  end(body?: string): void;
}

type OpenApiHandler = (req: ParsedRequest, res: CollectedResponse) => Promise<void>;

// One handler per domain (one per process in the console), so the router is checked once and not
// on every request as the library's fetch adapter does outside production.
const handlers = new WeakMap<Domain, OpenApiHandler>();

function openApiHandler(domain: Domain): OpenApiHandler {
  let handler = handlers.get(domain);
  if (!handler) {
    handler = createOpenApiNodeHttpHandler({
      router: appRouter,
      maxBodySize: MAX_BODY_BYTES,
      createContext: ({ req, res }: { req: ParsedRequest; res: CollectedResponse }) =>
        createContext(domain, req, res.headers),
      responseMeta: ({ paths, errors }: { paths?: string[]; errors: unknown[] }) =>
        errors.length === 0 && paths?.[0] ? { status: successStatusOf(paths[0]) } : {},
      onError: ({ path, error }: { path?: string; error: { code: string; cause?: unknown; message: string } }) =>
        logInternal(path, error),
    } as never) as unknown as OpenApiHandler;
    handlers.set(domain, handler);
  }
  return handler;
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
  }
}

const tooLarge = () =>
  new BodyError(413, { code: "PAYLOAD_TOO_LARGE", message: "The request body is larger than 1 MiB." });

/** Reads at most MAX_BODY_BYTES of the body, whatever Content-Length claims. */
async function readBody(req: Request): Promise<string> {
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  if (!req.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The JSON object a POST, PUT or PATCH sends; undefined for an empty body without a content type
 * (an operation whose input is all in the path, or optional).
 */
async function parseBody(req: Request): Promise<unknown> {
  const type = req.headers.get("content-type");
  const text = await readBody(req);
  if (type === null && text.trim() === "") return undefined;
  if (!/^application\/json\b/i.test(type ?? "")) {
    throw new BodyError(415, { code: "UNSUPPORTED_MEDIA_TYPE", message: "Send the request body as application/json." });
  }
  if (text.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BodyError(400, { code: "VALIDATION_FAILED", message: "The request body is not valid JSON." });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new BodyError(400, {
      code: "VALIDATION_FAILED",
      message: "The request body must be a JSON object.",
      fields: { "(body)": "Must be a JSON object" },
    });
  }
  return value;
}

/** Runs the operation at `path` and reshapes a failure into the one error body. */
async function runOperation(domain: Domain, req: Request, url: URL, path: string): Promise<Response> {
  const method = req.method === "HEAD" ? "GET" : req.method;
  const body = method === "GET" || method === "DELETE" ? undefined : await parseBody(req);
  const headers = new Headers(req.headers);
  headers.delete("content-length");
  // The body is parsed already; the handler insists on this type for every POST, PUT and PATCH.
  headers.set("content-type", "application/json");
  const target = new Request(new URL(`${path}${url.search}`, url.origin), { method, headers, signal: req.signal });
  const parsed = new Proxy(target, {
    get: (t, prop) => (prop === "body" ? body : Reflect.get(t, prop, t)),
  }) as ParsedRequest;

  const res = await new Promise<{ status: number; headers: Headers; text: string }>((resolve, reject) => {
    const collected: CollectedResponse = {
      statusCode: 200,
      headers: new Headers(),
      setHeader(key, value) {
        if (typeof value === "string") this.headers.set(key, value);
        else for (const v of value) this.headers.append(key, v);
      },
      end(text = "") {
        resolve({ status: this.statusCode, headers: this.headers, text });
      },
    };
    openApiHandler(domain)(parsed, collected).catch(reject);
  });

  let text = res.text;
  if (res.status >= 400) {
    const shape = JSON.parse(text || "{}") as { data?: { weir?: ErrorBody }; message?: string };
    const error: ErrorBody = shape.data?.weir ?? { code: "INTERNAL", message: shape.message ?? "Request failed." };
    text = JSON.stringify({ error });
  }
  return new Response(req.method === "HEAD" ? null : text, { status: res.status, headers: res.headers });
}

/** The path under REST_PREFIX, and the methods it takes (null: no operation has that path). */
function route(pathname: string) {
  const path = pathname.startsWith(REST_PREFIX) ? pathname.slice(REST_PREFIX.length) || "/" : pathname;
  return { path, methods: allowedMethods(path) };
}

/**
 * The answer to a request the REST API takes no operation for: 404 for an unknown path, 405
 * with Allow for a method the path does not take (204 with Allow for OPTIONS). Null when the
 * path takes the method. Takes the method and path rather than a Request, because a web Request
 * cannot carry every method (TRACE), and the console's server answers those with it too.
 */
export function restNoOperation(method: string, pathname: string): Response | null {
  const { methods } = route(pathname);
  if (!methods) {
    return errorResponse(404, {
      code: "NOT_FOUND",
      message: `No API path ${pathname}; see ${REST_PREFIX}${OPENAPI_PATH}.`,
    });
  }
  const allow = [...methods, "OPTIONS"].join(", ");
  if (method === "OPTIONS") return new Response(null, { status: 204, headers: { allow } });
  if (methods.includes(method)) return null;
  return errorResponse(
    405,
    { code: "METHOD_NOT_ALLOWED", message: `${method} is not allowed on ${pathname}; it takes ${methods.join(", ")}.` },
    { allow },
  );
}

/** The REST API: openapi.json and every operation, with the one error body. */
export async function handleRest(domain: Domain, req: Request): Promise<Response> {
  const url = new URL(req.url);
  const refused = restNoOperation(req.method, url.pathname);
  if (refused) return refused;
  const { path } = route(url.pathname);
  if (path.replace(/\/+$/, "") === OPENAPI_PATH) {
    return new Response(req.method === "HEAD" ? null : openApiJson(), {
      headers: { "content-type": "application/json", "cache-control": "no-cache" },
    });
  }
  try {
    return await runOperation(domain, req, url, path);
  } catch (e) {
    if (e instanceof BodyError) return errorResponse(e.status, e.body);
    console.error(`[api] ${req.method} ${url.pathname}:`, e);
    return errorResponse(500, { code: "INTERNAL", message: "Something went wrong on our side; it has been logged." });
  }
}
