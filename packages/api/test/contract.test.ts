// The REST contract, walked from the served openapi.json: every operation, called with
// out-of-range, wrong-type and oversized values for each of its parameters (path, query, header,
// body field) and with bodies of the wrong shape, both unauthenticated and with an API key of an
// organisation, never answers 5xx, and every error is { error: { code, message, fields? } } with a
// status the document lists for that operation. No Kafka cluster runs: cluster ids are unknown.
import { randomUUID } from "node:crypto";
import { ensureDefaultProject, seedPriceBook } from "@weir/domain";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { restNoOperation } from "../src/http.ts";
import { startHarness, type Reply } from "./harness.ts";

type Schema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  minimum?: number;
  minLength?: number;
  default?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
};
type Parameter = { in: "path" | "query" | "header"; name: string; required?: boolean; schema?: Schema; $ref?: string };
type Operation = {
  operationId: string;
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, unknown>;
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { parameters: Record<string, Parameter>; schemas: Record<string, Schema> };
};

/** Values no parameter should accept, or should accept without failing: each is sent as it is. */
const BAD_VALUES: unknown[] = [
  "",
  "x".repeat(10_000),
  "0000-01",
  "0000-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "-1",
  "99999999999999999999999",
  "1e309",
  "NaN",
  "NOT_A_KNOWN_VALUE",
  "00000000-0000-0000-0000-000000000000",
  "../..",
  "💥\u0000",
];
/** Extra values for JSON body fields, where types are kept. */
const BAD_JSON_VALUES: unknown[] = [-1, 2 ** 63, 1e308, 1.5, true, null, [], { nested: "x" }];
/** Whole bodies of the wrong shape. */
const BAD_BODIES: Array<{ label: string; raw: string }> = [
  { label: "an array", raw: "[]" },
  { label: "a string", raw: '"x"' },
  { label: "a number", raw: "1e309" },
  { label: "invalid JSON", raw: "{" },
  { label: "an unknown field", raw: JSON.stringify({ notAField: 1 }) },
];

let h: Awaited<ReturnType<typeof startHarness>>;
let doc: Document;
let apiKey: string;

beforeAll(async () => {
  h = await startHarness();
  await seedPriceBook(h.db);
  const owner = await h.signUp("contract");
  await ensureDefaultProject(h.db, owner.orgId);
  apiKey = await h.apiKey(owner, "OWNER");
  doc = (await h.rest("GET", "/openapi.json")).body;
});
afterAll(() => h.close());

function resolve<T extends { $ref?: string }>(x: T): T {
  if (!x.$ref) return x;
  const [, , section, name] = x.$ref.split("/") as [string, string, keyof Document["components"], string];
  return resolve(doc.components[section][name] as T);
}

/** A value the schema accepts, as far as a test needs one: the baseline each bad value replaces. */
function sample(schema: Schema | undefined): unknown {
  if (!schema) return "x";
  const s = resolve(schema);
  if (s.default !== undefined) return s.default;
  if (s.enum) return s.enum[0];
  const branch = (s.anyOf ?? s.oneOf)?.find((b) => resolve(b).type !== "null");
  if (branch) return sample(branch);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  switch (type) {
    case "integer":
    case "number":
      return Math.max(s.minimum ?? 1, 1);
    case "boolean":
      return false;
    case "array":
      return [];
    case "object":
      return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties?.[k])]));
    default:
      if (s.format === "uuid") return randomUUID();
      if (s.format === "email") return "someone@example.com";
      if (s.format === "date-time") return new Date().toISOString();
      if (s.pattern?.includes("\\d{4}-")) return "2026-01";
      return "weir-contract".padEnd(s.minLength ?? 0, "x");
  }
}

interface Call {
  label: string;
  path: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: { json: unknown } | { raw: string };
}

/** The baseline call of an operation, then one call per parameter and bad value. */
function callsOf(op: Operation): Call[] {
  const params = (op.parameters ?? []).map((p) => resolve(p));
  const baseline: Call = { label: "baseline", path: {}, query: {}, headers: {} };
  for (const p of params) {
    if (p.in === "path") baseline.path[p.name] = String(sample(p.schema));
    else if (p.required) baseline.query[p.name] = String(sample(p.schema));
  }
  const bodySchema = op.requestBody ? resolve(op.requestBody.content["application/json"]!.schema) : undefined;
  const body = bodySchema ? (sample(bodySchema) as Record<string, unknown>) : undefined;
  if (body) baseline.body = { json: body };

  const calls = [baseline];
  for (const p of params) {
    for (const value of BAD_VALUES) {
      const call: Call = structuredClone(baseline);
      call.label = `${p.in} ${p.name}=${JSON.stringify(value).slice(0, 40)}`;
      // A header value cannot hold every character; an empty path segment is another path.
      if (p.in === "header") {
        if (typeof value !== "string" || /[^\x20-\x7e]/.test(value)) continue;
        call.headers[p.name] = value;
      } else if (p.in === "path") {
        if (value === "") continue;
        call.path[p.name] = String(value);
      } else call.query[p.name] = String(value);
      calls.push(call);
    }
  }
  for (const field of Object.keys(bodySchema?.properties ?? {})) {
    for (const value of [...BAD_VALUES, ...BAD_JSON_VALUES]) {
      calls.push({
        ...structuredClone(baseline),
        label: `body ${field}=${JSON.stringify(value).slice(0, 40)}`,
        body: { json: { ...body, [field]: value } },
      });
    }
  }
  if (bodySchema) {
    for (const b of BAD_BODIES)
      calls.push({ ...structuredClone(baseline), label: `body ${b.label}`, body: { raw: b.raw } });
  }
  return calls;
}

function urlOf(template: string, call: Call): string {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(call.path[name] ?? ""));
  const query = new URLSearchParams(call.query).toString();
  return query ? `${path}?${query}` : path;
}

/** The document's promise for one reply: a listed status, and the one error body on failure. */
function checkReply(op: Operation, method: string, url: string, r: Reply) {
  const where = `${method.toUpperCase()} ${url.slice(0, 120)} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
  expect(r.status, where).toBeLessThan(500);
  expect(Object.keys(op.responses), where).toContain(String(r.status));
  if (r.status >= 400) {
    expect(r.body, where).toEqual({
      error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
    });
    expect(r.body.error.message.length, where).toBeGreaterThan(0);
    for (const v of Object.values(r.body.error.fields ?? {})) expect(typeof v, where).toBe("string");
  }
}

/** Runs `fn` over `items`, `width` at a time. */
async function inBatches<T>(items: T[], width: number, fn: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

describe("every documented operation", () => {
  test("answers bad input with a documented status and the error body, never 5xx", async () => {
    let requests = 0;
    let cases = 0;
    let operations = 0;
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        operations++;
        const calls = callsOf(op);
        cases += calls.length;
        // A public operation ignores credentials: once, unauthenticated, is enough.
        const callers: Array<{ bearer?: string }> = op.security ? [{}, { bearer: apiKey }] : [{}];
        const runs = calls.flatMap((call) => callers.map((as) => ({ call, as })));
        await inBatches(runs, 4, async ({ call, as }) => {
          const url = urlOf(template, call);
          const body = call.body && ("raw" in call.body ? { rawBody: call.body.raw } : { body: call.body.json });
          const r = await h.rest(method.toUpperCase(), url, { ...body, as, headers: call.headers });
          requests++;
          checkReply(op, method, `${url} [${call.label}]${as.bearer ? " (key)" : ""}`, r);
        });
      }
    }
    console.info(`contract: ${operations} operations, ${cases} cases, ${requests} requests`);
    expect(operations).toBeGreaterThan(40);
  });
});

/** What the API answers a method no Request can carry (TRACE), as the console's server sends it. */
async function noOperation(method: string, path: string): Promise<Reply> {
  const res = restNoOperation(method, `/api/v1${path}`);
  if (!res) throw new Error(`${method} ${path} has an operation`);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

describe("paths and methods", () => {
  test("a method a path does not take is 405 with Allow and the error body, on every path", async () => {
    for (const [template, item] of Object.entries(doc.paths)) {
      const path = template.replace(/\{\w+\}/g, () => randomUUID());
      const allowed = Object.keys(item).map((m) => m.toUpperCase());
      for (const method of ["TRACE", "PROPFIND", "PUT", "PATCH", "DELETE", "POST"]) {
        if (allowed.includes(method)) continue;
        const where = `${method} ${template}`;
        const r = ["TRACE", "PROPFIND"].includes(method)
          ? await noOperation(method, path)
          : await h.rest(method, path, { as: { bearer: apiKey } });
        // A concrete path can match another template too (/clusters/options and /clusters/{id}).
        if (r.status !== 405) {
          expect(r.headers.get("allow"), where).toBeNull();
          expect(r.status, where).toBeLessThan(500);
          continue;
        }
        expect(r.body, where).toEqual({ error: { code: "METHOD_NOT_ALLOWED", message: expect.any(String) } });
        const allow = r.headers.get("allow")!.split(", ");
        expect(allow, where).toEqual(expect.arrayContaining([...allowed, "OPTIONS"]));
        expect(allow, where).not.toContain(method);
      }
    }
    const trace = await noOperation("TRACE", "/billing/usage");
    expect(trace.status).toBe(405);
    expect(trace.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect(trace.body.error.message).toBe("TRACE is not allowed on /api/v1/billing/usage; it takes GET, HEAD.");
    const put = await h.rest("PUT", "/openapi.json");
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
  });

  test("OPTIONS lists the methods; HEAD answers like GET without a body", async () => {
    const options = await h.rest("OPTIONS", "/clusters");
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS");
    const head = await h.rest("HEAD", "/pricing/price-book/versions");
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
  });

  test("an unknown path is 404 with the error body, whatever the method", async () => {
    for (const r of [
      await h.rest("GET", "/no/such/path"),
      await h.rest("POST", "/no/such/path", { body: {} }),
      await noOperation("TRACE", "/no/such/path"),
    ]) {
      expect(r.status).toBe(404);
      expect(r.body.error).toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("openapi.json") });
    }
  });
});

describe("openapi.json", () => {
  test("documents the error body the API sends, on every operation", async () => {
    expect(doc.components.schemas.Error).toMatchObject({
      type: "object",
      required: ["error"],
      properties: { error: { required: ["code", "message"] } },
    });
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const errors = Object.keys(op.responses).filter((s) => s === "default" || Number(s) >= 400);
        expect(errors, `${method} ${template}`).toEqual(expect.arrayContaining(["400", "503", "default"]));
        for (const s of errors) {
          const ref = (op.responses[s] as { $ref: string }).$ref;
          const response = resolve({ $ref: ref }) as unknown as { content: Record<string, { schema: Schema }> };
          expect(response.content["application/json"]!.schema.$ref, `${method} ${template} ${s}`).toBe(
            "#/components/schemas/Error",
          );
        }
      }
    }
  });

  test("public operations need no sign-in and list no 401; the others list 401 and 403", () => {
    const pricing = doc.paths["/pricing/estimate"]!.post!;
    expect(Object.keys(pricing.responses)).not.toContain("401");
    const clusters = doc.paths["/clusters"]!.get!;
    expect(Object.keys(clusters.responses)).toEqual(expect.arrayContaining(["401", "403", "404", "503"]));
    const topics = doc.paths["/clusters/{clusterId}/topics"]!.post!;
    expect(Object.keys(topics.responses)).toEqual(expect.arrayContaining(["201", "409", "415", "422", "503"]));
  });

  test("is built once and served as the same document", async () => {
    const again = await h.rest("GET", "/openapi.json");
    expect(again.body).toEqual(doc);
    expect(again.headers.get("content-type")).toBe("application/json");
  });
});

describe("JSON bodies keep their types", () => {
  test("a boolean or a number sent as text is 400 naming the field, not read as true or coerced", async () => {
    // A query string is text, so its numbers are coerced; a JSON body is not: "false" for a
    // boolean was read as true (Boolean("false")), which would have started a job from scratch.
    const body = { name: "typed", brokerCount: 1, brokerInstanceType: "kafka.t3.small", storageGbPerBroker: 10 };
    for (const [field, value] of [
      ["plaintextLoopback", "false"],
      ["plaintextLoopback", "yes"],
      ["brokerCount", "3"],
    ] as const) {
      const r = await h.rest("POST", "/clusters", { body: { ...body, [field]: value }, as: { bearer: apiKey } });
      expect(r.status, `${field}=${value}`).toBe(400);
      expect(Object.keys(r.body.error.fields), `${field}=${value}`).toEqual([field]);
    }
    const list = await h.rest("GET", "/clusters", { as: { bearer: apiKey } });
    expect(list.body.items.map((c: { name: string }) => c.name)).not.toContain("typed");
  });
});

describe("dates out of range", () => {
  test.each(["/billing/summary", "/billing/usage", "/billing/usage/csv"])(
    "%s?month=0000-01 is 400 naming month",
    async (path) => {
      const r = await h.rest("GET", `${path}?month=0000-01`, { as: { bearer: apiKey } });
      expect(r.status).toBe(400);
      expect(r.body.error.fields).toEqual({ month: "Must be a month from 2000-01 to 2999-12" });
    },
  );

  test("a price book at year 0000 is 400 naming at", async () => {
    const r = await h.rest("GET", `/pricing/price-book?at=${encodeURIComponent("0000-01-01T00:00:00Z")}`);
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.error.fields)).toEqual(["at"]);
  });
});
