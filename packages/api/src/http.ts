// Transports: the same procedures served as tRPC (/api/trpc, for the console) and as REST
// (/api/v1, with openapi.json). Both take a web Request and return a Response, so Next route
// handlers and tests call them alike.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { env } from "@weir/env";
import { ORG_COOKIE, SESSION_COOKIE, type Domain } from "@weir/domain";
import { createOpenApiFetchHandler, generateOpenApiDocument } from "trpc-to-openapi";
import { appRouter } from "./root.ts";
import type { Context, ErrorBody } from "./trpc.ts";

export const REST_PREFIX = "/api/v1";
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
  const forwarded = req.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const secure = env().WEIR_SECURE_COOKIES ? "; Secure" : "";
  return {
    domain,
    meta: {
      ip: forwarded || req.headers.get("x-real-ip") || null,
      userAgent: req.headers.get("user-agent"),
    },
    sessionToken: cookies.get(SESSION_COOKIE) ?? null,
    bearer,
    requestedOrgId: req.headers.get("x-weir-org") ?? cookies.get(ORG_COOKIE) ?? null,
    setCookie(name, value, { maxAgeSeconds }) {
      resHeaders.append(
        "set-cookie",
        `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`,
      );
    },
  };
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

export function openApiDocument(baseUrl: string) {
  return generateOpenApiDocument(appRouter, {
    title: "Weir API",
    version: "1.0.0",
    description:
      "Managed Kafka and Spark clusters. Authenticate with `Authorization: Bearer <api key>` " +
      "(create one under API keys), or with the session cookie set by /auth/sign-in. " +
      "Errors always have the shape { error: { code, message, fields? } }.",
    baseUrl: `${baseUrl}${REST_PREFIX}`,
    securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
  });
}

const errorResponse = (status: number, body: ErrorBody) => Response.json({ error: body }, { status });

export async function handleRest(domain: Domain, req: Request): Promise<Response> {
  const url = new URL(req.url);
  if (url.pathname === `${REST_PREFIX}/openapi.json` && req.method === "GET") {
    return Response.json(openApiDocument(url.origin));
  }
  const length = Number(req.headers.get("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) {
    return errorResponse(413, { code: "PAYLOAD_TOO_LARGE", message: "The request body is larger than 1 MiB." });
  }
  const res = await createOpenApiFetchHandler({
    endpoint: REST_PREFIX,
    req,
    router: appRouter,
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ res: r }: { res: { setHeader(k: string, v: string | string[]): void } }) => {
      const headers = new Headers();
      const ctx = createContext(domain, req, headers);
      return {
        ...ctx,
        setCookie: (...args: Parameters<Context["setCookie"]>) => {
          ctx.setCookie(...args);
          r.setHeader("set-cookie", headers.getSetCookie());
        },
      };
    },
    responseMeta: ({ paths, errors }: { paths?: string[]; errors: unknown[] }) =>
      errors.length === 0 && paths?.[0] && /\.(create|add|signUp)$/.test(paths[0]) ? { status: 201 } : {},
    onError: ({ path, error }: { path?: string; error: { code: string; cause?: unknown; message: string } }) =>
      logInternal(path, error),
  } as never);
  if (res.ok) return res;
  // Reshape the adapter's error into the one error body of the API.
  const body = (await res.json().catch(() => ({}))) as { data?: { weir?: ErrorBody }; message?: string };
  const weir: ErrorBody = body.data?.weir ?? {
    code: res.status === 404 ? "NOT_FOUND" : res.status === 415 ? "UNSUPPORTED_MEDIA_TYPE" : "INTERNAL",
    message:
      res.status === 404
        ? `No API route matches ${req.method} ${url.pathname}; see ${REST_PREFIX}/openapi.json.`
        : (body.message ?? "Request failed."),
  };
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify({ error: weir }), { status: res.status, headers });
}
