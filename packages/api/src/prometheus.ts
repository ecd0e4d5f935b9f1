// GET /api/v1/clusters/{id}/metrics/prometheus: a Kafka cluster's metrics in Prometheus' text
// format, for a user's own Prometheus to scrape with an API key. It is not JSON, so it is a route
// beside the REST operations rather than one of them; it authenticates, counts against the key's
// rate limit and scopes to the organisation through the same code (scopeOfRequest), and answers
// errors with the one JSON error body. Documented in openapi.json as text/plain (openapi.ts).
import type { IncomingMessage } from "node:http";
import { errorCodes, type Domain, type ErrorCode } from "@weir/domain";
import { restNoOperation, scopeOfRequest } from "./http.ts";
import type { RequestLike } from "./request-guards.ts";

const PATH = /^\/api\/v1\/clusters\/([^/]+)\/metrics\/prometheus\/?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export const isPrometheusPath = (pathname: string) => PATH.test(pathname);

const error = (
  status: number,
  code: ErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
  headers: HeadersInit = {},
) => Response.json({ error: { code, message, ...extra } }, { status, headers });

/** The route on Node's request, as the console's server (serveRest) takes it. */
export function prometheusRouteNode(domain: Domain, req: IncomingMessage): Promise<Response> {
  return prometheusRoute(domain, {
    method: req.method ?? "GET",
    url: `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`,
    headers: {
      get: (name: string) => {
        const v = req.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
      },
    },
  });
}

export async function prometheusRoute(domain: Domain, req: RequestLike): Promise<Response> {
  const { pathname } = new URL(req.url);
  const id = PATH.exec(pathname)![1]!;
  // OPTIONS and other methods: answered as for every REST path (openapi.json lists this one).
  if (req.method !== "GET" && req.method !== "HEAD") return restNoOperation(req.method, pathname)!;
  if (!UUID.test(id)) {
    return error(400, "VALIDATION_FAILED", "Invalid id.", { fields: { id: "Must be a cluster id (a UUID)" } });
  }
  // An API key's RateLimit-* headers, as every API answer carries them.
  const headers = new Headers();
  try {
    const scope = await scopeOfRequest(domain, req, headers);
    const text = await domain.clusters.prometheus(scope, { id });
    headers.set("content-type", PROMETHEUS_CONTENT_TYPE);
    headers.set("cache-control", "no-store");
    return new Response(req.method === "HEAD" ? null : text, { headers });
  } catch (e) {
    // Domain errors by their code (the console may load a second copy of the domain's classes).
    const err = e as { code?: string; message?: string; fields?: Record<string, string>; retryAfterSeconds?: number };
    if (err.code && err.code in errorCodes) {
      const code = err.code as ErrorCode;
      if (err.retryAfterSeconds) headers.set("retry-after", String(err.retryAfterSeconds));
      return error(errorCodes[code].http, code, err.message ?? code, err.fields ? { fields: err.fields } : {}, headers);
    }
    console.error(`[api] GET ${req.url}:`, e);
    return error(500, "INTERNAL", "Something went wrong on our side; it has been logged.");
  }
}

/** The route in openapi.json (merged by openapi.ts), with its text/plain answer. */
export const prometheusOpenApiPaths = {
  "/clusters/{id}/metrics/prometheus": {
    get: {
      operationId: "clusters-prometheus",
      summary:
        "The cluster's and each broker's metrics in Prometheus' text format (weir_kafka_cluster_*, weir_kafka_broker_* with cluster, cluster_id and broker labels), for a scrape with an API key",
      tags: ["kafka clusters"],
      security: [{ bearer: [] }, { session: [] }],
      parameters: [
        { in: "path", name: "id", required: true, schema: { type: "string", format: "uuid" } },
        { $ref: "#/components/parameters/Organization" },
      ],
      responses: {
        200: {
          description: "Prometheus text exposition format 0.0.4",
          content: {
            "text/plain": {
              schema: { type: "string" },
              example:
                '# HELP weir_kafka_broker_bytes_in_total Bytes produced to the broker by clients (replication excluded), since the broker started.\n# TYPE weir_kafka_broker_bytes_in_total counter\nweir_kafka_broker_bytes_in_total{cluster="orders",cluster_id="3f0c…",broker="1"} 1048576\n',
            },
          },
        },
        400: { $ref: "#/components/responses/BadRequest" },
        401: { $ref: "#/components/responses/Unauthenticated" },
        404: { $ref: "#/components/responses/NotFound" },
        429: { $ref: "#/components/responses/RateLimited" },
        503: { $ref: "#/components/responses/Unavailable" },
        default: { $ref: "#/components/responses/Unexpected" },
      },
    },
  },
};
