// Transports: the same procedures served as tRPC (/api/trpc, for the console) and as REST
// (/api/v1, with openapi.json). Both take a web Request and return a Response, so Next route
// handlers and tests call them alike; the console's own server answers REST on Node's request
// and response (serveRest), with the same operations and answers.
import type { IncomingMessage, ServerResponse } from "node:http";
import { getTRPCErrorFromUnknown } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { env } from "@weir/env";
import {
  knownOverLimit,
  LIMITS,
  ORG_COOKIE,
  SESSION_COOKIE,
  type Domain,
  type LimitRule,
  type OrgScope,
} from "@weir/domain";
import {
  allowedMethods,
  findOperation,
  OPENAPI_PATH,
  openApiJson,
  REST_PREFIX,
  type RestOperation,
} from "./openapi.ts";
import { clientIp, isCrossSite, type RequestLike } from "./request-guards.ts";
import { clusterText } from "./text-routes.ts";
import { appRouter } from "./root.ts";
import { authenticateCaller, toErrorBody, type Context, type ErrorBody } from "./trpc.ts";

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

function createContext(domain: Domain, req: RequestLike, resHeaders: Pick<Headers, "append" | "set">): Context {
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
export async function scopeOfRequest(
  domain: Domain,
  req: RequestLike,
  /** Receives what the API would answer with too (an API key's RateLimit-* headers). */
  resHeaders: Pick<Headers, "append" | "set"> = new Headers(),
): Promise<OrgScope> {
  const ctx = createContext(domain, req, resHeaders);
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

/** Reads at most MAX_BODY_BYTES of a body, whatever Content-Length claims. */
async function readBody(contentLength: string | null, body: AsyncIterable<Uint8Array> | null): Promise<string> {
  if (Number(contentLength ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  if (!body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
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
function parseBody(type: string | null, text: string): unknown {
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

/** A REST call, whichever server received it (a web Request, or Node's request in the console). */
interface RestCall extends RequestLike {
  /** The path under REST_PREFIX. */
  path: string;
  query: URLSearchParams;
  readBody(): Promise<string>;
  signal?: AbortSignal;
}

/** The answer's headers, collected before they are written to whichever response. */
class AnswerHeaders {
  readonly values = new Map<string, string>([["content-type", "application/json"]]);
  readonly cookies: string[] = [];
  set(name: string, value: string) {
    if (name.toLowerCase() === "set-cookie") this.cookies.push(value);
    else this.values.set(name.toLowerCase(), value);
  }
  append(name: string, value: string) {
    this.set(name, value);
  }
  toHeaders(): Headers {
    const h = new Headers([...this.values]);
    for (const c of this.cookies) h.append("set-cookie", c);
    return h;
  }
}

/** The input the library would build: query or body, then path parameters over them. */
function inputOf(op: RestOperation, call: RestCall, body: unknown, pathInput: Record<string, string>) {
  if (op.noInput) return undefined;
  if (call.method !== "GET" && call.method !== "DELETE") return { ...(body as object), ...pathInput };
  const input: Record<string, unknown> = {};
  for (const key of new Set(call.query.keys())) {
    const values = call.query.getAll(key);
    input[key] = values.length === 1 && !op.arrayParams.has(key) ? values[0] : values;
  }
  return Object.assign(input, pathInput);
}

/** The operations limited per address before anything else, by the rule that counts them. */
const limitedPerAddress: Record<string, LimitRule> = {
  "auth.signIn": LIMITS.signInPerIp,
  "auth.signUp": LIMITS.signUpPerIp,
};

/**
 * The refusal of a call from an address this process knows to be over its limit for the
 * operation, answered before the request is read: a burst past the limit then costs little more
 * than parsing its HTTP. The operation would refuse it first anyway (the address is counted before
 * the account); it was counted and audited when it went over, and is not again.
 */
function refusedAddress(op: RestOperation, call: RestCall) {
  const rule = limitedPerAddress[op.procedurePath];
  return rule ? knownOverLimit(rule, clientIp(call.headers) ?? "unknown") : null;
}

// A refusal from memory is held this long before it is sent: a client that retries as soon as
// it is answered (a script's loop, a password-guessing tool) then makes a few requests a second
// instead of thousands, and leaves the process to other users. At most MAX_HELD are held at once
// (an idle socket and a timer each); past that, refusals are sent at once.
const REFUSAL_HOLD_MS = 1000;
const MAX_HELD = 1000;
let held = 0;

async function holdRefusal(): Promise<void> {
  if (held >= MAX_HELD) return;
  held += 1;
  try {
    await new Promise((resolve) => setTimeout(resolve, REFUSAL_HOLD_MS));
  } finally {
    held -= 1;
  }
}

/**
 * Runs the operation at the call's path: the procedure is called directly (no caller object, no
 * per-call route matching), with the same context, input and error body as the tRPC transport.
 */
async function runOperation(
  domain: Domain,
  call: RestCall,
  op: RestOperation,
  pathInput: Record<string, string>,
  headers: AnswerHeaders,
): Promise<{ status: number; text: string }> {
  const refused = refusedAddress(op, call);
  if (refused) {
    await holdRefusal();
    headers.set("retry-after", String(refused.retryAfterSeconds));
    const error: ErrorBody = { code: refused.code, message: refused.message };
    return { status: refused.httpStatus, text: JSON.stringify({ error }) };
  }
  const body =
    call.method === "GET" || call.method === "DELETE"
      ? undefined
      : parseBody(call.headers.get("content-type"), await call.readBody());
  const input = inputOf(op, call, body, pathInput);
  const ctx = createContext(domain, call, headers);
  try {
    const data: unknown = await op.procedure({
      path: op.procedurePath,
      getRawInput: async () => input,
      ctx,
      type: op.type,
      signal: call.signal,
      batchIndex: 0,
    } as never);
    return { status: op.status, text: JSON.stringify(data) ?? "" };
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    logInternal(op.procedurePath, error);
    return { status: getHTTPStatusCodeFromError(error), text: JSON.stringify({ error: toErrorBody(error) }) };
  }
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
  if (!methods) return errorResponse(404, notFound(pathname));
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
  if (clusterText.isPath(url.pathname)) return clusterText.serve(domain, req);
  const { path } = route(url.pathname);
  const method = req.method === "HEAD" ? "GET" : req.method;
  const found = findOperation(method, path);
  if (!found) {
    const refused = restNoOperation(req.method, url.pathname);
    if (refused) return refused;
    if (path.replace(/\/+$/, "") !== OPENAPI_PATH) return errorResponse(404, notFound(url.pathname));
    return new Response(req.method === "HEAD" ? null : openApiJson(), {
      headers: { "content-type": "application/json", "cache-control": "no-cache" },
    });
  }
  const call: RestCall = {
    method,
    url: req.url,
    headers: req.headers,
    path,
    query: url.searchParams,
    readBody: () =>
      readBody(req.headers.get("content-length"), req.body as unknown as AsyncIterable<Uint8Array> | null),
    signal: req.signal,
  };
  const headers = new AnswerHeaders();
  try {
    const res = await runOperation(domain, call, found.op, found.pathInput, headers);
    return new Response(req.method === "HEAD" ? null : res.text, { status: res.status, headers: headers.toHeaders() });
  } catch (e) {
    if (e instanceof BodyError) return errorResponse(e.status, e.body);
    console.error(`[api] ${req.method} ${url.pathname}:`, e);
    return errorResponse(500, { code: "INTERNAL", message: "Something went wrong on our side; it has been logged." });
  }
}

/** A Node request's header, as a web Request's `headers.get` reads it. */
function nodeHeaders(req: IncomingMessage): RequestLike["headers"] {
  return {
    get(name: string) {
      const v = req.headers[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
    },
  };
}

function writeNode(res: ServerResponse, status: number, headers: AnswerHeaders, text: string | null) {
  const out: Record<string, string | string[]> = Object.fromEntries(headers.values);
  if (headers.cookies.length > 0) out["set-cookie"] = headers.cookies;
  if (text !== null) out["content-length"] = String(Buffer.byteLength(text));
  res.writeHead(status, out);
  res.end(text ?? undefined);
}

/**
 * The REST API on Node's own request and response, as the console's server answers it (see
 * server-guards.ts): the same operations and answers as handleRest, without building a web
 * Request and Response around each call. Paths without an operation go through handleRest.
 */
export async function serveRest(domain: Domain, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const [pathname = "/", search = ""] = (req.url ?? "/").split(/\?(.*)/s, 2);
  const { path } = route(pathname);
  const method = req.method === "HEAD" ? "GET" : (req.method ?? "GET");
  const found = findOperation(method, path);
  const head = req.method === "HEAD";
  if (clusterText.isPath(pathname)) return writeWeb(res, head, await clusterText.serveNode(domain, req));
  if (!found) {
    const refused = restNoOperation(req.method ?? "GET", pathname);
    if (refused) return writeWeb(res, head, refused);
    if (path.replace(/\/+$/, "") !== OPENAPI_PATH) return writeWeb(res, head, errorResponse(404, notFound(pathname)));
    const headers = new AnswerHeaders();
    headers.set("cache-control", "no-cache");
    return writeNode(res, 200, headers, head ? null : openApiJson());
  }
  const call: RestCall = {
    method,
    url: `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`,
    headers: nodeHeaders(req),
    path,
    query: new URLSearchParams(search),
    readBody: () => readBody(req.headers["content-length"] ?? null, req),
  };
  const headers = new AnswerHeaders();
  try {
    const answer = await runOperation(domain, call, found.op, found.pathInput, headers);
    writeNode(res, answer.status, headers, head ? null : answer.text);
  } catch (e) {
    if (!(e instanceof BodyError)) console.error(`[api] ${req.method} ${pathname}:`, e);
    const error: ErrorBody =
      e instanceof BodyError
        ? e.body
        : { code: "INTERNAL", message: "Something went wrong on our side; it has been logged." };
    writeNode(res, e instanceof BodyError ? e.status : 500, new AnswerHeaders(), JSON.stringify({ error }));
  }
}

const notFound = (pathname: string): ErrorBody => ({
  code: "NOT_FOUND",
  message: `No API path ${pathname}; see ${REST_PREFIX}${OPENAPI_PATH}.`,
});

async function writeWeb(res: ServerResponse, head: boolean, response: Response) {
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => (out[name] = value));
  const body = head || response.body === null ? undefined : Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, out);
  res.end(body);
}
