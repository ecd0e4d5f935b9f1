// One error model for every transport. A code maps to an HTTP status and a tRPC code; the
// message is for the user, `cause` (never shown) is for the logs.

export const errorCodes = {
  VALIDATION_FAILED: { http: 400, trpc: "BAD_REQUEST" },
  UNAUTHENTICATED: { http: 401, trpc: "UNAUTHORIZED" },
  FORBIDDEN: { http: 403, trpc: "FORBIDDEN" },
  NOT_FOUND: { http: 404, trpc: "NOT_FOUND" },
  METHOD_NOT_ALLOWED: { http: 405, trpc: "METHOD_NOT_SUPPORTED" },
  CONFLICT: { http: 409, trpc: "CONFLICT" },
  PAYLOAD_TOO_LARGE: { http: 413, trpc: "PAYLOAD_TOO_LARGE" },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, trpc: "UNSUPPORTED_MEDIA_TYPE" },
  UNPROCESSABLE: { http: 422, trpc: "UNPROCESSABLE_CONTENT" },
  RATE_LIMITED: { http: 429, trpc: "TOO_MANY_REQUESTS" },
  INTERNAL: { http: 500, trpc: "INTERNAL_SERVER_ERROR" },
  UNAVAILABLE: { http: 503, trpc: "SERVICE_UNAVAILABLE" },
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Field path → what is wrong with it, for validation errors. */
  readonly fields: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, opts: { fields?: Record<string, string>; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    this.fields = opts.fields;
  }

  get httpStatus(): number {
    return errorCodes[this.code].http;
  }
}

/** A limit was reached: 429, with when the caller may try again (the `Retry-After` header). */
export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    /** For a per-key request limit: the values of the RateLimit-* headers. */
    readonly allowance?: { limit: number; remaining: number; resetSeconds: number },
  ) {
    super("RATE_LIMITED", message);
    this.name = "RateLimitedError";
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} was not found.`);

export const conflict = (message: string, field?: string) =>
  new AppError("CONFLICT", message, field ? { fields: { [field]: message } } : {});

export const invalid = (field: string, message: string) =>
  new AppError("VALIDATION_FAILED", message, { fields: { [field]: message } });

/** Prisma's unique-constraint violation, which the services turn into a 409 naming the field. */
export function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "P2002";
}

/**
 * What a failed create throws: a name taken meanwhile (the unique key) as a conflict on `name`
 * saying `taken`, any other error as it is.
 */
export const asNameConflict = (err: unknown, taken: string): unknown =>
  isUniqueViolation(err) ? conflict(taken, "name") : err;
