import { initTRPC, TRPCError } from "@trpc/server";
import { Prisma } from "@weir/db";
import {
  AppError,
  consumeKeyRequest,
  errorCodes,
  RateLimitedError,
  SESSION_COOKIE,
  type Caller,
  type Domain,
  type ErrorCode,
  type OrgScope,
  type RequestMeta,
} from "@weir/domain";
import type { OpenApiMeta } from "trpc-to-openapi";
import { z, ZodError } from "zod";

export interface Context {
  domain: Domain;
  meta: RequestMeta;
  sessionToken: string | null;
  bearer: string | null;
  requestedOrgId: string | null;
  /** A state-changing request a browser sent from another origin (see request-guards.ts). */
  crossSite: boolean;
  setCookie(name: string, value: string, opts: { maxAgeSeconds: number }): void;
  setHeader(name: string, value: string): void;
}

/**
 * What a procedure declares about itself, beyond its OpenAPI route: openapi.json derives each
 * operation's security and error statuses from it (see openapi.ts).
 */
export type Meta = OpenApiMeta<{
  /** Who may call it; set by the procedure builder it is made from, never by hand. */
  access?: "public" | "authed" | "org";
  /** It talks to a managed runtime (a Kafka cluster), which may refuse the request (422) or not answer (503). */
  reachesRuntime?: boolean;
  /** Statuses it can answer beyond those its access, method and path imply. */
  alsoAnswers?: number[];
}>;

/** The one error body every transport sends: { error: { code, message, fields? } }. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]),
      message: z.string().describe("A sentence for the user"),
      fields: z
        .record(z.string(), z.string())
        .optional()
        .describe("Failing field (path, query or body field; nested as a.b) → what is wrong with it"),
    }),
  })
  .meta({ id: "Error" });

export type ErrorBody = z.infer<typeof errorBodySchema>["error"];

const trpcToCode = Object.fromEntries(
  Object.entries(errorCodes).map(([code, v]) => [v.trpc, code as ErrorCode]),
) as Record<string, ErrorCode>;

// Database failures the services let through, classified by Prisma's error codes: the server
// unreachable or the pool exhausted is a dependency down; a unique key taken between a service's
// check and its write is a conflict; a value Postgres cannot hold is the request's fault, which
// the input schemas should have caught (so it is logged, to be validated at the edge).
const DB_UNAVAILABLE = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const DB_OUT_OF_RANGE = new Set(["P2000", "P2020", "P2033"]);

function databaseError(e: unknown): AppError | null {
  if (!(e instanceof Prisma.PrismaClientKnownRequestError)) return null;
  if (DB_UNAVAILABLE.has(e.code)) {
    return new AppError("UNAVAILABLE", "The database is not reachable; try again shortly.", { cause: e });
  }
  if (e.code === "P2002") {
    return new AppError("CONFLICT", "This conflicts with a change made at the same time; reload and retry.", {
      cause: e,
    });
  }
  // Postgres' class 22 is "data exception": a value out of range or not valid for its type.
  const sqlState = (e.meta?.driverAdapterError as { cause?: { originalCode?: string } } | undefined)?.cause
    ?.originalCode;
  if (DB_OUT_OF_RANGE.has(e.code) || sqlState?.startsWith("22")) {
    console.warn("[api] a value out of range reached the database; validate it in the input schema:", e.message);
    return new AppError("VALIDATION_FAILED", "A value in the request is out of range.", { cause: e });
  }
  return null;
}

/** The error body of a failed call, whichever layer failed. */
export function toErrorBody(error: TRPCError): ErrorBody {
  const cause = error.cause;
  if (cause instanceof AppError) {
    return { code: cause.code, message: cause.message, ...(cause.fields ? { fields: cause.fields } : {}) };
  }
  if (cause instanceof ZodError) {
    const fields: Record<string, string> = {};
    for (const issue of cause.issues) {
      const path = issue.path.join(".") || "(body)";
      if (issue.code === "unrecognized_keys") {
        for (const k of issue.keys) fields[[...issue.path, k].join(".")] = "Is not a known field";
      } else {
        fields[path] ??= issue.message;
      }
    }
    const names = Object.keys(fields);
    return {
      code: "VALIDATION_FAILED",
      message: `Invalid ${names.length === 1 ? "field" : "fields"}: ${names.join(", ")}.`,
      fields,
    };
  }
  if (error.code === "PARSE_ERROR")
    return { code: "VALIDATION_FAILED", message: "The request body is not valid JSON." };
  const code = trpcToCode[error.code] ?? "INTERNAL";
  if (code === "INTERNAL") return { code, message: "Something went wrong on our side; it has been logged." };
  return { code, message: error.message };
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    errorFormatter({ shape, error }) {
      return {
        ...shape,
        message: toErrorBody(error).message,
        data: { ...shape.data, weir: toErrorBody(error), stack: undefined },
      };
    },
  });

/** The RateLimit-* headers (IETF draft: limit, what is left, seconds until the window restarts). */
function setAllowanceHeaders(
  ctx: Pick<Context, "setHeader">,
  a: { limit: number; remaining: number; resetSeconds: number },
) {
  ctx.setHeader("ratelimit-limit", String(a.limit));
  ctx.setHeader("ratelimit-remaining", String(a.remaining));
  ctx.setHeader("ratelimit-reset", String(a.resetSeconds));
}

/**
 * Domain and database errors become tRPC errors with the matching code, keeping the AppError as
 * cause; a rate limit's answer says when to retry.
 */
const mapErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok) {
    if (result.error.cause instanceof RateLimitedError) {
      ctx.setHeader("retry-after", String(result.error.cause.retryAfterSeconds));
      if (result.error.cause.allowance) setAllowanceHeaders(ctx, result.error.cause.allowance);
    }
    const cause = result.error.cause instanceof AppError ? result.error.cause : databaseError(result.error.cause);
    if (cause) result.error = new TRPCError({ code: errorCodes[cause.code].trpc, message: cause.message, cause });
  }
  return result;
});

/** Where a string in the input holds a NUL character, which no Postgres text value can. */
function nulPaths(value: unknown, path: string[] = []): string[] {
  if (typeof value === "string") return value.includes("\u0000") ? [path.join(".") || "(body)"] : [];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(k.includes("\u0000") ? [[...path, k].join(".")] : []),
    ...nulPaths(v, [...path, k]),
  ]);
}

/** Refuses a NUL character anywhere in the input, naming the field, before any schema sees it. */
const refuseNul = t.middleware(async ({ getRawInput, next }) => {
  const paths = nulPaths(await getRawInput());
  if (paths.length > 0) {
    throw new AppError(
      "VALIDATION_FAILED",
      `Invalid ${paths.length === 1 ? "field" : "fields"}: ${paths.join(", ")}.`,
      {
        fields: Object.fromEntries(paths.map((p) => [p, "Must not contain the NUL character"])),
      },
    );
  }
  return next();
});

/**
 * Refuses a change a browser sends from another site, unless it carries an API key (which a
 * browser never adds by itself): the session cookie must not be usable by other sites' forms.
 */
const refuseCrossSite = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation" && ctx.crossSite && !ctx.bearer) {
    throw new AppError(
      "FORBIDDEN",
      "A change sent from another site is refused: call the API from the console's own origin, or with an API key.",
    );
  }
  return next();
});

export const router = t.router;
export const publicProcedure = t.procedure
  .use(mapErrors)
  .use(refuseCrossSite)
  .use(refuseNul)
  .meta({ access: "public" });

/**
 * Who is calling: the session cookie's user or the API key's; UNAUTHENTICATED otherwise. An API
 * key's call counts against its organisation's per-minute limit (RateLimit-* headers, 429 past it);
 * a session due for rotation gets its new token as the cookie.
 */
export async function authenticateCaller(
  ctx: Pick<Context, "domain" | "sessionToken" | "bearer" | "meta" | "setCookie" | "setHeader">,
): Promise<Caller> {
  const principal = await ctx.domain.accounts.authenticate(
    { sessionToken: ctx.sessionToken, bearer: ctx.bearer },
    (token, expiresAt) =>
      ctx.setCookie(SESSION_COOKIE, token, { maxAgeSeconds: Math.floor((expiresAt.getTime() - Date.now()) / 1000) }),
  );
  if (!principal) {
    throw new AppError(
      "UNAUTHENTICATED",
      ctx.bearer
        ? "The API key is not valid or has been revoked."
        : "Sign in, or send an API key as `Authorization: Bearer <key>`.",
    );
  }
  if (principal.kind === "apiKey")
    setAllowanceHeaders(ctx, consumeKeyRequest(principal.keyId, principal.requestsPerMinute));
  return { principal, meta: ctx.meta };
}

export const authedProcedure = publicProcedure
  .use(async ({ ctx, next }) => next({ ctx: { ...ctx, caller: await authenticateCaller(ctx) } }))
  .meta({ access: "authed" });

/** Procedures that act inside one organisation. */
export const orgProcedure = authedProcedure
  .use(async ({ ctx, next }) => {
    const scope: OrgScope = await ctx.domain.accounts.resolveScope(ctx.caller, ctx.requestedOrgId);
    return next({ ctx: { ...ctx, scope } });
  })
  .meta({ access: "org" });

/** Procedures on a Kafka cluster's data (topics, users, ACLs, groups, messages). */
export const clusterProcedure = orgProcedure.meta({ reachesRuntime: true });
