// The REST contract: the OpenAPI document generated from the tRPC procedures, completed with
// what the generator cannot know: the one error body, every status each operation can answer
// (derived from how its procedure is built), how callers authenticate, and which methods each
// path allows. Built once per process; the procedures do not change while it runs.
import { ORG_COOKIE, SESSION_COOKIE } from "@weir/domain";
import type { AnyProcedure } from "@trpc/server";
import {
  coerceSchema,
  generateOpenApiDocument,
  getInputOutputParsers,
  getPathRegExp,
  instanceofZodTypeLikeVoid,
  instanceofZodTypeObject,
  instanceofZodTypeOptional,
  normalizePath,
  unwrapZodType,
  type OpenAPIObject,
} from "trpc-to-openapi";
import { ZodArray, type ZodType } from "zod";
import { appRouter } from "./root.ts";
import { errorBodySchema, type ErrorBody, type Meta } from "./trpc.ts";
import { clusterText } from "./text-routes.ts";

export const REST_PREFIX = "/api/v1";
export const OPENAPI_PATH = "/openapi.json";

/** Every error status the REST API answers, with what it means and an example body. */
const errorStatuses = {
  400: {
    name: "BadRequest",
    description:
      "The request is invalid: `fields` names each failing path, query or body field (nested as `a.b`), " +
      "or the body is not JSON.",
    example: {
      code: "VALIDATION_FAILED",
      message: "Invalid field: month.",
      fields: { month: "Must be a month such as 2026-03" },
    },
  },
  401: {
    name: "Unauthenticated",
    description: "No valid session cookie or API key (or, for sign-in, a wrong email or password).",
    example: { code: "UNAUTHENTICATED", message: "The API key is not valid or has been revoked." },
  },
  403: {
    name: "Forbidden",
    description: "The caller's role (or the API key's) does not allow this.",
    example: {
      code: "FORBIDDEN",
      message: "Your role (viewer) cannot create clusters; it needs developer or above.",
    },
  },
  404: {
    name: "NotFound",
    description:
      "The resource or organisation does not exist, or belongs to another organisation (never 403 for another " +
      "tenant's resource).",
    example: { code: "NOT_FOUND", message: "Cluster was not found." },
  },
  405: {
    name: "MethodNotAllowed",
    description: "The path exists but not with this method; the `Allow` header lists the methods it takes.",
    example: { code: "METHOD_NOT_ALLOWED", message: "DELETE is not allowed on /api/v1/billing/usage; use GET." },
  },
  409: {
    name: "Conflict",
    description:
      "A name is taken, the resource changed since it was read (stale `generation`), or it is busy (being " +
      "provisioned or deleted).",
    example: {
      code: "CONFLICT",
      message: 'A topic named "orders" already exists in this cluster.',
      fields: { name: 'A topic named "orders" already exists in this cluster.' },
    },
  },
  413: {
    name: "PayloadTooLarge",
    description: "The request body is larger than 1 MiB.",
    example: { code: "PAYLOAD_TOO_LARGE", message: "The request body is larger than 1 MiB." },
  },
  415: {
    name: "UnsupportedMediaType",
    description: "The request has a body that is not `application/json`.",
    example: { code: "UNSUPPORTED_MEDIA_TYPE", message: "Send the request body as application/json." },
  },
  422: {
    name: "Unprocessable",
    description: "The managed cluster (Kafka) refused the request; the message gives its reason.",
    example: {
      code: "UNPROCESSABLE",
      message: "The replication factor is larger than the number of brokers. Kafka says: …",
      fields: { replicationFactor: "The replication factor is larger than the number of brokers." },
    },
  },
  429: {
    name: "RateLimited",
    description:
      "Too many requests: sign-in, sign-up and API-key creation are limited per address and per account, and " +
      "each API key's requests per minute by its organisation's limit. `Retry-After` says in how many seconds " +
      "to try again; API-key calls also carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`.",
    example: { code: "RATE_LIMITED", message: "Too many sign-in attempts for this account. Try again in 15 minutes." },
  },
  503: {
    name: "Unavailable",
    description:
      "A dependency is down or not ready: the database, or a Kafka cluster that is not serving or did not answer. " +
      "Retry later.",
    example: { code: "UNAVAILABLE", message: 'The cluster "orders" did not answer; try again shortly.' },
  },
} satisfies Record<number, { name: string; description: string; example: ErrorBody }>;

export type ErrorStatus = keyof typeof errorStatuses;

/** Any other status (a 500 is a bug on our side, logged): the same body, so a client can read it. */
const unexpected = {
  name: "Unexpected",
  description: "An error not listed for the operation, such as a 500 (a bug on our side, which is logged).",
  example: { code: "INTERNAL", message: "Something went wrong on our side; it has been logged." },
} satisfies { name: string; description: string; example: ErrorBody };

const BODY_METHODS = new Set(["post", "put", "patch"]);

/**
 * The error statuses an operation can answer, from how its procedure is built: every input is
 * validated (400) and every call reads the database (503); a signed-in procedure can be refused
 * (401, 403); one in an organisation, or naming a resource in its path, can find nothing (404);
 * a change can conflict (409); a body can be too large or not JSON (413, 415); a procedure that
 * reaches a managed runtime can be refused by it (422); a change a browser sends from another site is
 * refused (403); a signed-in call can pass its API key's per-minute limit (429). `alsoAnswers` adds
 * what none of these imply.
 */
export function errorStatusesOf(method: string, path: string, meta: Meta): ErrorStatus[] {
  const out = new Set<number>([400, 503]);
  if (meta.access !== "public") out.add(401);
  // A change a browser sends from another site is refused (403), whoever may make it.
  if (meta.access === "org" || method !== "get") out.add(403);
  if (meta.access === "org" || path.includes("{")) out.add(404);
  if (meta.access !== "public" && method !== "get") out.add(409);
  if (BODY_METHODS.has(method)) {
    out.add(413);
    out.add(415);
  }
  if (meta.reachesRuntime) out.add(422);
  // An API key's calls are limited per minute.
  if (meta.access !== "public") out.add(429);
  for (const s of meta.alsoAnswers ?? []) out.add(s);
  return [...out].sort((a, b) => a - b) as ErrorStatus[];
}

/** Procedures answer 201 when they create something (create, createReplication, add, signUp), 200 otherwise. */
export const successStatusOf = (procedurePath: string) =>
  /\.(create(?:[A-Z]\w*)?|add|signUp)$/.test(procedurePath) ? 201 : 200;

interface Operation {
  procedurePath: string;
  meta: Meta;
}

function operationsByRoute(): Map<string, Operation> {
  const out = new Map<string, Operation>();
  // Flat at run time (path → procedure), as trpc-to-openapi reads it; typed as the nested record.
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Meta } }>;
  for (const [procedurePath, procedure] of Object.entries(procedures)) {
    const meta = procedure._def.meta;
    if (meta?.openapi) out.set(`${meta.openapi.method.toLowerCase()} ${meta.openapi.path}`, { procedurePath, meta });
  }
  return out;
}

type Json = Record<string, unknown>;

function buildDocument(): OpenAPIObject {
  const doc = generateOpenApiDocument(appRouter, {
    title: "Weir API",
    version: "1.0.0",
    description:
      "Managed Kafka clusters: topics, users, ACLs, consumer groups, messages, billing and pricing.\n\n" +
      "**Authentication.** Send `Authorization: Bearer <api key>` (create one under API keys in the console, or " +
      "with `POST /api-keys`), or the session cookie that `/auth/sign-in` sets. A signed-in user who belongs to " +
      "several organisations names the one to act in with the `X-Weir-Org` header; an API key acts in its own.\n\n" +
      '**Errors.** Every error has one shape, `{ "error": { "code", "message", "fields"? } }`, with the status ' +
      "each operation lists. A method a path does not take answers 405 with an `Allow` header; an unknown path 404.",
    baseUrl: REST_PREFIX,
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer", description: "An API key of an organisation." },
      session: {
        type: "apiKey",
        in: "cookie",
        name: SESSION_COOKIE,
        description: "The console's session, set by /auth/sign-in (sent by the browser on this origin).",
      },
    },
    defs: { Error: errorBodySchema },
  });

  const ops = operationsByRoute();
  const components = doc.components as Json;
  components.responses = Object.fromEntries(
    [...Object.values(errorStatuses), unexpected].map(({ name, description, example }) => [
      name,
      {
        description,
        content: {
          "application/json": { schema: { $ref: "#/components/schemas/Error" }, example: { error: example } },
        },
      },
    ]),
  );
  components.parameters = {
    Organization: {
      in: "header",
      name: "X-Weir-Org",
      required: false,
      description:
        `The organisation to act in (its id), for a user in several; else the one chosen in the console ` +
        `(the \`${ORG_COOKIE}\` cookie), else the first. An API key acts in its own organisation.`,
      schema: { type: "string", format: "uuid" },
    },
  };

  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(item as Record<string, Json>)) {
      const op = ops.get(`${method} ${path}`);
      if (!op) throw new Error(`openapi: no procedure for ${method.toUpperCase()} ${path}`);
      const generated = operation.responses as Record<string, Json>;
      const responses: Record<string, unknown> = { [successStatusOf(op.procedurePath)]: generated["200"] };
      for (const status of errorStatusesOf(method, path, op.meta)) {
        responses[status] = { $ref: `#/components/responses/${errorStatuses[status].name}` };
      }
      responses.default = { $ref: `#/components/responses/${unexpected.name}` };
      operation.responses = responses;
      if (op.meta.access === "public") delete operation.security;
      else operation.security = [{ bearer: [] }, { session: [] }];
      if (op.meta.access === "org") {
        operation.parameters = [
          ...((operation.parameters as unknown[]) ?? []),
          { $ref: "#/components/parameters/Organization" },
        ];
      }
    }
  }
  Object.assign((doc.paths ??= {}), clusterText.openApiPaths);
  return doc;
}

interface Route {
  pattern: RegExp;
  methods: Set<string>;
}

let built: { doc: OpenAPIObject; json: string; routes: Route[] } | null = null;

function contract() {
  if (!built) {
    const doc = buildDocument();
    const routes = Object.entries(doc.paths ?? {}).map(([path, item]) => ({
      pattern: getPathRegExp(path),
      methods: new Set(Object.keys(item as object).map((m) => m.toUpperCase())),
    }));
    routes.push({ pattern: getPathRegExp(OPENAPI_PATH), methods: new Set(["GET"]) });
    built = { doc, json: JSON.stringify(doc), routes };
  }
  return built;
}

/** The OpenAPI document (built on first use). */
export const openApiDocument = (): OpenAPIObject => contract().doc;

/** The OpenAPI document as JSON, serialised once. */
export const openApiJson = (): string => contract().json;

/**
 * The methods a path under REST_PREFIX takes (HEAD with GET), or null if no operation has that
 * path. A path can match several templates (`/clusters/options` and `/clusters/{id}`).
 */
export function allowedMethods(path: string): string[] | null {
  const normalized = normalizePath(path);
  const methods = new Set<string>();
  for (const route of contract().routes) {
    if (route.pattern.test(normalized)) for (const m of route.methods) methods.add(m);
  }
  if (methods.size === 0) return null;
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}

/** A REST operation as the transport calls it: the procedure behind a method and path. */
export interface RestOperation {
  procedurePath: string;
  procedure: AnyProcedure;
  type: "query" | "mutation";
  /** Its input is void-like: the call takes none (query, body and path are ignored). */
  noInput: boolean;
  /** Query parameters the input takes as arrays: one sent once is wrapped in an array. */
  arrayParams: Set<string>;
  status: number;
}

interface OperationTable {
  /** `METHOD /lower-case/path` of operations without path parameters. */
  exact: Map<string, RestOperation>;
  /** Per method, the templated paths in the order the procedures are defined. */
  templated: Map<string, Array<{ pattern: RegExp; op: RestOperation }>>;
}

let table: OperationTable | null = null;

/**
 * Every operation, found by its method and path the way trpc-to-openapi finds it (the first
 * procedure, in definition order, whose case-insensitive path template matches), but built once:
 * a path without parameters is one map lookup, and what the library works out per call from the
 * input schema (void or not, which query parameters are arrays, coercion of strings to numbers,
 * booleans and dates) is worked out here.
 */
function operationTable(): OperationTable {
  if (table) return table;
  const exact = new Map<string, RestOperation>();
  const templated = new Map<string, Array<{ pattern: RegExp; op: RestOperation }>>();
  const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure & { _def: { meta?: Meta } }>;
  for (const [procedurePath, procedure] of Object.entries(procedures)) {
    const openapi = procedure._def.meta?.openapi;
    if (!openapi || procedure._def.type === "subscription") continue;
    const method = openapi.method.toUpperCase();
    const path = normalizePath(openapi.path);
    const { inputParser } = getInputOutputParsers(procedure as never) as { inputParser: ZodType };
    const schema = unwrapZodType(inputParser as never, true) as unknown as ZodType;
    const arrayParams = new Set<string>();
    if (instanceofZodTypeObject(schema as never)) {
      for (const [key, shape] of Object.entries((schema as unknown as { shape: Record<string, ZodType> }).shape)) {
        const inner = instanceofZodTypeOptional(shape as never)
          ? (shape as unknown as { unwrap(): ZodType }).unwrap()
          : shape;
        if (inner instanceof ZodArray) arrayParams.add(key);
      }
      // A query string carries only text: its numbers are coerced (as trpc-to-openapi does). A JSON
      // body is not, so "false" or "yes" for a boolean is refused rather than read as true.
      if (method === "GET" || method === "DELETE") coerceSchema(schema as never);
    }
    const op: RestOperation = {
      procedurePath,
      procedure,
      type: procedure._def.type as "query" | "mutation",
      noInput: instanceofZodTypeLikeVoid(schema as never),
      arrayParams,
      status: successStatusOf(procedurePath),
    };
    const routes = templated.get(method) ?? [];
    templated.set(method, routes);
    if (path.includes("{")) {
      routes.push({ pattern: getPathRegExp(path), op });
    } else if (!routes.some((r) => r.pattern.test(path)) && !exact.has(`${method} ${path.toLowerCase()}`)) {
      // A templated path defined earlier that matches this one wins, as it does in the library.
      exact.set(`${method} ${path.toLowerCase()}`, op);
    }
  }
  table = { exact, templated };
  return table;
}

/** The operation for a method and a path under REST_PREFIX, with its path parameters; null if none. */
export function findOperation(
  method: string,
  path: string,
): { op: RestOperation; pathInput: Record<string, string> } | null {
  const t = operationTable();
  const normalized = normalizePath(path);
  const hit = t.exact.get(`${method} ${normalized.toLowerCase()}`);
  if (hit) return { op: hit, pathInput: {} };
  for (const { pattern, op } of t.templated.get(method) ?? []) {
    const m = pattern.exec(normalized);
    if (m) return { op, pathInput: { ...m.groups } };
  }
  return null;
}
