// Drives the real REST and tRPC handlers against a real, fresh Postgres database.
import { createDb, type Db } from "@weir/db";
import { createTestDatabase } from "@weir/db/testing";
import { createDomain, type Domain } from "@weir/domain";
import { inject } from "vitest";
import { handleRest, handleTrpc } from "../src/http.ts";
import { PEER_HEADER } from "../src/request-guards.ts";

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Client {
  cookie: string | null;
  bearer: string | null;
  orgId: string | null;
}

export async function startHarness() {
  const url = await createTestDatabase(inject("templateDatabaseUrl"));
  const db: Db = createDb(url, 5);
  const domain: Domain = createDomain(db);

  async function rest<T = any>(
    method: string,
    path: string,
    opts: { body?: unknown; rawBody?: string; as?: Partial<Client>; headers?: Record<string, string> } = {},
  ): Promise<Reply<T>> {
    // The peer address the console's server records from the socket (see server-guards.ts).
    const headers = new Headers({ "user-agent": "weir-tests/1.0", [PEER_HEADER]: "203.0.113.7", ...opts.headers });
    if (opts.body !== undefined || opts.rawBody !== undefined) headers.set("content-type", "application/json");
    if (opts.as?.cookie) headers.set("cookie", opts.as.cookie);
    if (opts.as?.bearer) headers.set("authorization", `Bearer ${opts.as.bearer}`);
    if (opts.as?.orgId) headers.set("x-weir-org", opts.as.orgId);
    const res = await handleRest(
      domain,
      new Request(`http://weir.test/api/v1${path}`, {
        method,
        headers,
        body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
      }),
    );
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  }

  async function trpc<T = any>(path: string, input: unknown, as: Partial<Client>, kind: "query" | "mutation") {
    const headers = new Headers({ "content-type": "application/json" });
    if (as.cookie) headers.set("cookie", as.cookie);
    if (as.bearer) headers.set("authorization", `Bearer ${as.bearer}`);
    const u = new URL(`http://weir.test/api/trpc/${path}`);
    if (kind === "query" && input !== undefined) u.searchParams.set("input", JSON.stringify(input));
    const res = await handleTrpc(
      domain,
      new Request(u, {
        method: kind === "query" ? "GET" : "POST",
        headers,
        body: kind === "mutation" ? JSON.stringify(input) : undefined,
      }),
    );
    return { status: res.status, body: (await res.json()) as T, headers: res.headers };
  }

  let n = 0;
  /** Signs up a new person with their own organisation, each from an address of its own (sign-ups are limited per address). */
  async function signUp(name = `user${++n}`) {
    const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const r = await rest("POST", "/auth/sign-up", {
      body: { email, password: "correct horse battery", name },
      headers: { [PEER_HEADER]: `2001:db8::${(++n).toString(16)}` },
    });
    if (r.status !== 201) throw new Error(`sign-up failed: ${JSON.stringify(r.body)}`);
    const cookie = r.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    return { email, cookie, orgId: r.body.organization.id as string, userId: r.body.user.id as string };
  }

  /** An API key with the given role in `owner`'s organisation. */
  async function apiKey(owner: { cookie: string }, role: string) {
    const r = await rest("POST", "/api-keys", { body: { name: `${role.toLowerCase()} key`, role }, as: owner });
    if (r.status !== 201) throw new Error(`api key failed: ${JSON.stringify(r.body)}`);
    return r.body.key as string;
  }

  return { url, db, domain, rest, trpc, signUp, apiKey, close: () => db.$disconnect() };
}
