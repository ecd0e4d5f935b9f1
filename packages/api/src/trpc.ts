import { initTRPC, TRPCError } from "@trpc/server";
import {
  AppError,
  errorCodes,
  type Caller,
  type Domain,
  type ErrorCode,
  type OrgScope,
  type RequestMeta,
} from "@weir/domain";
import type { OpenApiMeta } from "trpc-to-openapi";
import { ZodError } from "zod";

export interface Context {
  domain: Domain;
  meta: RequestMeta;
  sessionToken: string | null;
  bearer: string | null;
  requestedOrgId: string | null;
  setCookie(name: string, value: string, opts: { maxAgeSeconds: number }): void;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  fields?: Record<string, string>;
}

const trpcToCode = Object.fromEntries(
  Object.entries(errorCodes).map(([code, v]) => [v.trpc, code as ErrorCode]),
) as Record<string, ErrorCode>;

/** The one error body every transport sends: { code, message, fields? }. */
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
  .meta<OpenApiMeta>()
  .create({
    errorFormatter({ shape, error }) {
      return {
        ...shape,
        message: toErrorBody(error).message,
        data: { ...shape.data, weir: toErrorBody(error), stack: undefined },
      };
    },
  });

/** Domain errors become tRPC errors with the matching code, keeping the AppError as cause. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    result.error = new TRPCError({ code: errorCodes[cause.code].trpc, message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(mapErrors);

export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const principal = await ctx.domain.accounts.authenticate({ sessionToken: ctx.sessionToken, bearer: ctx.bearer });
  if (!principal) {
    throw new AppError(
      "UNAUTHENTICATED",
      ctx.bearer
        ? "The API key is not valid or has been revoked."
        : "Sign in, or send an API key as `Authorization: Bearer <key>`.",
    );
  }
  const caller: Caller = { principal, meta: ctx.meta };
  return next({ ctx: { ...ctx, caller } });
});

/** Procedures that act inside one organisation. */
export const orgProcedure = authedProcedure.use(async ({ ctx, next }) => {
  const scope: OrgScope = await ctx.domain.accounts.resolveScope(ctx.caller, ctx.requestedOrgId);
  return next({ ctx: { ...ctx, scope } });
});
