// REST routes of a Kafka cluster that do not answer JSON: GET /api/v1/clusters/{id}/<suffix>
// (the Prometheus text, the CA certificate as PEM). They are routes beside the REST operations
// rather than operations; each authenticates, counts against the key's rate limit and scopes to
// the organisation through the same code (scopeOfRequest), and answers errors with the one JSON
// error body. Each documents itself in openapi.json (merged by openapi.ts).
import type { IncomingMessage } from "node:http";
import { errorCodes, type Domain, type ErrorCode, type OrgScope } from "@weir/domain";
import { restNoOperation, scopeOfRequest } from "./http.ts";
import { prometheusTextRoute } from "./prometheus.ts";
import type { RequestLike } from "./request-guards.ts";

export interface ClusterTextRoute {
  /** The path after /api/v1/clusters/{id}/, e.g. "metrics/prometheus". */
  suffix: string;
  contentType: string;
  /** The body, and a file name when the answer is a download (Content-Disposition). */
  load(domain: Domain, scope: OrgScope, id: string): Promise<{ body: string; fileName?: string }>;
  /** The route in openapi.json: its operation id, summary and 200 answer (the rest is shared). */
  openApi: {
    operationId: string;
    summary: string;
    ok: { description: string; content: Record<string, unknown> };
    /** Answers 409 when the cluster cannot have what is asked. */
    conflict?: string;
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function clusterTextRoutes(routes: ClusterTextRoute[]) {
  const patterns = routes.map((r) => ({
    route: r,
    path: new RegExp(`^/api/v1/clusters/([^/]+)/${escape(r.suffix)}/?$`),
  }));
  const find = (pathname: string) => {
    for (const p of patterns) {
      const m = p.path.exec(pathname);
      if (m) return { route: p.route, id: m[1]! };
    }
    return null;
  };

  const error = (
    status: number,
    code: ErrorCode,
    message: string,
    extra: Record<string, unknown> = {},
    headers: HeadersInit = {},
  ) => Response.json({ error: { code, message, ...extra } }, { status, headers });

  async function serve(domain: Domain, req: RequestLike): Promise<Response> {
    const { pathname } = new URL(req.url);
    const { route, id } = find(pathname)!;
    // OPTIONS and other methods: answered as for every REST path (openapi.json lists these).
    if (req.method !== "GET" && req.method !== "HEAD") return restNoOperation(req.method, pathname)!;
    if (!UUID.test(id)) {
      return error(400, "VALIDATION_FAILED", "Invalid id.", { fields: { id: "Must be a cluster id (a UUID)" } });
    }
    // An API key's RateLimit-* headers, as every API answer carries them.
    const headers = new Headers();
    try {
      const scope = await scopeOfRequest(domain, req, headers);
      const { body, fileName } = await route.load(domain, scope, id);
      headers.set("content-type", route.contentType);
      headers.set("cache-control", "no-store");
      if (fileName) headers.set("content-disposition", `attachment; filename="${fileName}"`);
      return new Response(req.method === "HEAD" ? null : body, { headers });
    } catch (e) {
      // Domain errors by their code (the console may load a second copy of the domain's classes).
      const err = e as { code?: string; message?: string; fields?: Record<string, string>; retryAfterSeconds?: number };
      if (err.code && err.code in errorCodes) {
        const code = err.code as ErrorCode;
        if (err.retryAfterSeconds) headers.set("retry-after", String(err.retryAfterSeconds));
        return error(
          errorCodes[code].http,
          code,
          err.message ?? code,
          err.fields ? { fields: err.fields } : {},
          headers,
        );
      }
      console.error(`[api] GET ${req.url}:`, e);
      return error(500, "INTERNAL", "Something went wrong on our side; it has been logged.");
    }
  }

  return {
    isPath: (pathname: string) => find(pathname) !== null,
    serve,
    /** The route on Node's request, as the console's server (serveRest) takes it. */
    serveNode: (domain: Domain, req: IncomingMessage) =>
      serve(domain, {
        method: req.method ?? "GET",
        url: `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`,
        headers: {
          get: (name: string) => {
            const v = req.headers[name.toLowerCase()];
            return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
          },
        },
      }),
    openApiPaths: Object.fromEntries(
      routes.map((r) => [
        `/clusters/{id}/${r.suffix}`,
        {
          get: {
            operationId: r.openApi.operationId,
            summary: r.openApi.summary,
            tags: ["kafka clusters"],
            security: [{ bearer: [] }, { session: [] }],
            parameters: [
              { in: "path", name: "id", required: true, schema: { type: "string", format: "uuid" } },
              { $ref: "#/components/parameters/Organization" },
            ],
            responses: {
              200: r.openApi.ok,
              400: { $ref: "#/components/responses/BadRequest" },
              401: { $ref: "#/components/responses/Unauthenticated" },
              404: { $ref: "#/components/responses/NotFound" },
              ...(r.openApi.conflict ? { 409: { $ref: "#/components/responses/Conflict" } } : {}),
              429: { $ref: "#/components/responses/RateLimited" },
              503: { $ref: "#/components/responses/Unavailable" },
              default: { $ref: "#/components/responses/Unexpected" },
            },
          },
        },
      ]),
    ),
  };
}

/** GET /api/v1/clusters/{id}/ca-certificate: the CA that signed a SASL_SSL cluster's brokers. */
export const caCertificateTextRoute: ClusterTextRoute = {
  suffix: "ca-certificate",
  contentType: "application/x-pem-file",
  load: async (domain, scope, id) => {
    const { pem, fileName } = await domain.clusters.caCertificate(scope, { id });
    return { body: pem, fileName };
  },
  openApi: {
    operationId: "clusters-ca-certificate",
    summary:
      "The cluster's CA certificate (PEM), which clients of its SASL_SSL listener trust (kcat -X ssl.ca.location, Java ssl.truststore.type=PEM); 409 for a cluster that listens on SASL_PLAINTEXT",
    ok: {
      description: "One PEM certificate",
      content: {
        "application/x-pem-file": {
          schema: { type: "string" },
          example: "-----BEGIN CERTIFICATE-----\nMIIBtzCCAV2gAwIBAgIQ…\n-----END CERTIFICATE-----\n",
        },
      },
    },
    conflict: "The cluster has no CA (SASL_PLAINTEXT, or Kubernetes)",
  },
};

/** Every text route of a cluster. */
export const clusterText = clusterTextRoutes([prometheusTextRoute, caCertificateTextRoute]);
