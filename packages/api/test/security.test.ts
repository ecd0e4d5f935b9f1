// The API under attack: rate limits on the doors (sign-in, sign-up, API-key creation) with
// Retry-After and audit rows, per-API-key request limits, the trusted-proxy rule for client IPs,
// the Origin check on cookie-authenticated changes, session rotation and sign-out everywhere, and
// the security headers the console's server puts on every answer. Real Postgres, no mocks.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { resetEnv } from "@weir/env";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { handleRest, handleTrpc, serveRest } from "../src/http.ts";
import { clientIp, PEER_HEADER } from "../src/request-guards.ts";
import { guardRequest, installServerGuards } from "../src/server-guards.ts";
import { startHarness, type Reply } from "./harness.ts";

let h: Awaited<ReturnType<typeof startHarness>>;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
afterEach(() => {
  delete process.env.WEIR_TRUSTED_PROXIES;
  resetEnv();
});

const from = (ip: string) => ({ [PEER_HEADER]: ip });
const sessionCookie = (headers: Headers) =>
  headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith("weir_session=") && c !== "weir_session=");

describe("sign-in limits", () => {
  test("a burst against one account gets 429 with Retry-After after 10 attempts; the first refusal audited", async () => {
    const victim = await h.signUp("victim");
    const statuses: number[] = [];
    let limited: Reply | null = null;
    for (let i = 0; i < 14; i++) {
      const r = await h.rest("POST", "/auth/sign-in", {
        body: { email: victim.email, password: `guess ${i}` },
        // Spread over addresses, as a botnet would: the per-account limit still holds.
        headers: from(`198.51.100.${i + 1}`),
      });
      statuses.push(r.status);
      if (r.status === 429) limited ??= r;
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(4).fill(429));
    expect(limited!.body.error.code).toBe("RATE_LIMITED");
    expect(limited!.body.error.message).toMatch(/Too many sign-in attempts for this account/);
    const retryAfter = Number(limited!.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);

    // The correct password is refused too while the account's window lasts.
    const right = await h.rest("POST", "/auth/sign-in", {
      body: { email: victim.email, password: "correct horse battery" },
      headers: from("192.0.2.200"),
    });
    expect(right.status).toBe(429);

    // The organisation's admins see every wrong password, with the address it came from, and the
    // first refusal of the window (not one event per attempt of a burst).
    const audit = await h.rest("GET", "/audit-events?action=user.sign_in_failed&limit=100", { as: victim });
    expect(audit.status).toBe(200);
    const reasons = audit.body.items.map((e: any) => e.details.reason);
    expect(reasons.filter((r: string) => r === "password")).toHaveLength(10);
    expect(reasons.filter((r: string) => r === "rate_limited")).toHaveLength(1);
    expect(audit.body.items.map((e: any) => e.ip)).toContain("198.51.100.1");
  });

  test("one address hammering many accounts is cut off after 20 attempts; another address is not", async () => {
    const user = await h.signUp("bystander");
    const hammer = from("203.0.113.99");
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const r = await h.rest("POST", "/auth/sign-in", {
        body: { email: `nobody${i}@example.com`, password: "wrong password" },
        headers: hammer,
      });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual([429, 429]);
    const last = await h.rest("POST", "/auth/sign-in", {
      body: { email: user.email, password: "correct horse battery" },
      headers: hammer,
    });
    expect(last.status).toBe(429);
    expect(last.body.error.message).toMatch(/from this address/);

    const other = await h.rest("POST", "/auth/sign-in", {
      body: { email: user.email, password: "correct horse battery" },
      headers: from("203.0.113.100"),
    });
    expect(other.status).toBe(200);
    // Unknown emails are audited without an organisation; of the three refusals, the first.
    const rows = await h.db.auditEvent.findMany({ where: { action: "user.sign_in_failed", ip: "203.0.113.99" } });
    expect(rows.length).toBe(21);
    expect(rows.filter((r) => (r.details as { reason?: string }).reason === "rate_limited")).toHaveLength(1);
    const unknown = rows.filter((r) => r.resourceName?.startsWith("nobody"));
    expect(unknown).toHaveLength(21);
    expect(unknown.every((r) => r.orgId === null)).toBe(true);
  });

  test("sign-up is limited per address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const r = await h.rest("POST", "/auth/sign-up", {
        body: { email: `signup${i}-${Date.now()}@example.com`, password: "correct horse battery", name: "S" },
        headers: from("192.0.2.77"),
      });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201));
    expect(statuses[10]).toBe(429);
  });

  test("API-key creation is limited per account", async () => {
    const owner = await h.signUp("keymaker");
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const r = await h.rest("POST", "/api-keys", {
        body: { name: `k${i}`, role: "VIEWER" },
        as: owner,
        headers: from(`192.0.2.${i + 1}`),
      });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(201));
    expect(statuses[20]).toBe(429);
  });
});

describe("per-API-key request limits", () => {
  test("RateLimit-* headers count down; past the organisation's limit, 429 with Retry-After", async () => {
    const owner = await h.signUp("limited");
    const key = await h.apiKey(owner, "ADMIN");
    await h.db.organization.update({ where: { id: owner.orgId }, data: { apiKeyRequestsPerMinute: 3 } });
    // The key's lookup (with the limit) is cached for a second.
    await new Promise((r) => setTimeout(r, 1100));
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await h.rest("GET", "/clusters", { as: { bearer: key } });
      expect(r.status).toBe(200);
      expect(r.headers.get("ratelimit-limit")).toBe("3");
      remaining.push(r.headers.get("ratelimit-remaining")!);
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const over = await h.rest("GET", "/clusters", { as: { bearer: key } });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe("RATE_LIMITED");
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(over.headers.get("ratelimit-remaining")).toBe("0");
    // Another organisation's key is not affected; session calls carry no such limit.
    const other = await h.signUp("unlimited");
    expect((await h.rest("GET", "/clusters", { as: { bearer: await h.apiKey(other, "ADMIN") } })).status).toBe(200);
    expect((await h.rest("GET", "/clusters", { as: owner })).status).toBe(200);
  });

  test("a revoked key stops working at once in this process", async () => {
    const owner = await h.signUp("revoker");
    const key = await h.apiKey(owner, "ADMIN");
    expect((await h.rest("GET", "/clusters", { as: { bearer: key } })).status).toBe(200);
    const list = await h.rest("GET", "/api-keys", { as: owner });
    await h.rest("DELETE", `/api-keys/${list.body.items[0].id}`, { as: owner });
    expect((await h.rest("GET", "/clusters", { as: { bearer: key } })).status).toBe(401);
  });
});

describe("trusted proxies", () => {
  test("X-Forwarded-For is ignored unless the peer is a trusted proxy", async () => {
    const headers = new Headers({ [PEER_HEADER]: "198.51.100.5", "x-forwarded-for": "1.2.3.4" });
    expect(clientIp(headers)).toBe("198.51.100.5");

    process.env.WEIR_TRUSTED_PROXIES = "10.0.0.0/8, ::1";
    resetEnv();
    expect(clientIp(headers)).toBe("198.51.100.5");
    // From a trusted proxy: the right-most address that is not a trusted proxy; what the client
    // wrote further left (1.1.1.1) is not believed.
    const proxied = new Headers({
      [PEER_HEADER]: "::ffff:10.1.2.3",
      "x-forwarded-for": "1.1.1.1, 198.51.100.9, 10.0.0.5",
    });
    expect(clientIp(proxied)).toBe("198.51.100.9");
    expect(clientIp(new Headers({ [PEER_HEADER]: "::1", "x-forwarded-for": "2001:db8::7" }))).toBe("2001:db8::7");
    expect(clientIp(new Headers({ [PEER_HEADER]: "10.1.2.3" }))).toBe("10.1.2.3");
  });

  test("the audit log records the client address by that rule", async () => {
    const spoofed = await h.rest("POST", "/auth/sign-up", {
      body: { email: `spoof-${Date.now()}@example.com`, password: "correct horse battery", name: "Spoof" },
      headers: { ...from("192.0.2.50"), "x-forwarded-for": "6.6.6.6" },
    });
    const row = await h.db.auditEvent.findFirstOrThrow({
      where: { orgId: spoofed.body.organization.id, action: "user.sign_up" },
    });
    expect(row.ip).toBe("192.0.2.50");

    process.env.WEIR_TRUSTED_PROXIES = "192.0.2.51";
    resetEnv();
    const proxied = await h.rest("POST", "/auth/sign-up", {
      body: { email: `proxied-${Date.now()}@example.com`, password: "correct horse battery", name: "Prox" },
      headers: { ...from("192.0.2.51"), "x-forwarded-for": "198.51.100.23" },
    });
    const row2 = await h.db.auditEvent.findFirstOrThrow({
      where: { orgId: proxied.body.organization.id, action: "user.sign_up" },
    });
    expect(row2.ip).toBe("198.51.100.23");
  });
});

describe("the Origin check", () => {
  test("a cross-site cookie POST is refused; same-origin, non-browser and API-key calls pass", async () => {
    const owner = await h.signUp("origin");
    const body = { name: "k", role: "VIEWER" };
    const evil = await h.rest("POST", "/api-keys", { body, as: owner, headers: { origin: "https://evil.example" } });
    expect(evil.status).toBe(403);
    expect(evil.body.error).toMatchObject({ code: "FORBIDDEN" });
    expect(evil.body.error.message).toMatch(/another site/);
    const fetchMeta = await h.rest("POST", "/api-keys", {
      body,
      as: owner,
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(fetchMeta.status).toBe(403);
    // Login CSRF: signing a victim's browser into the attacker's account is refused as well.
    const login = await h.rest("POST", "/auth/sign-in", {
      body: { email: owner.email, password: "correct horse battery" },
      headers: { origin: "https://evil.example" },
    });
    expect(login.status).toBe(403);

    const same = await h.rest("POST", "/api-keys", { body, as: owner, headers: { origin: "http://weir.test" } });
    expect(same.status).toBe(201);
    expect((await h.rest("POST", "/api-keys", { body, as: owner })).status).toBe(201);
    const key = same.body.key as string;
    const withKey = await h.rest("POST", "/api-keys", {
      body,
      as: { bearer: key },
      headers: { origin: "https://evil.example" },
    });
    expect(withKey.status).toBe(403); // a VIEWER key may not create keys: refused by role, not by origin
    expect(withKey.body.error.message).not.toMatch(/another site/);
    // Reads are never refused by origin.
    expect((await h.rest("GET", "/api-keys", { as: owner, headers: { origin: "https://evil.example" } })).status).toBe(
      200,
    );
  });

  test("the console's tRPC mutations follow the same rule", async () => {
    const owner = await h.signUp("trpc-origin");
    const input = { name: "k", role: "VIEWER" };
    const ok = await h.trpc("apiKeys.create", input, { cookie: owner.cookie }, "mutation");
    expect(ok.status).toBe(200);
    const res = await handleTrpc(
      h.domain,
      new Request("http://weir.test/api/trpc/apiKeys.create", {
        method: "POST",
        headers: { "content-type": "application/json", cookie: owner.cookie, origin: "https://evil.example" },
        body: JSON.stringify(input),
      }),
    );
    expect(res.status).toBe(403);
  });
});

describe("sessions", () => {
  test("sign-in replaces the session presented; sign-out everywhere ends every session", async () => {
    const user = await h.signUp("sessions");
    const a = await h.rest("POST", "/auth/sign-in", { body: { email: user.email, password: "correct horse battery" } });
    const cookieA = sessionCookie(a.headers)!;
    const b = await h.rest("POST", "/auth/sign-in", {
      body: { email: user.email, password: "correct horse battery" },
      as: { cookie: cookieA },
    });
    const cookieB = sessionCookie(b.headers)!;
    expect(cookieB).not.toBe(cookieA);
    expect((await h.rest("GET", "/auth/me", { as: { cookie: cookieA } })).status).toBe(401);
    expect((await h.rest("GET", "/auth/me", { as: { cookie: cookieB } })).status).toBe(200);

    const out = await h.rest("POST", "/auth/sign-out-everywhere", { as: { cookie: cookieB } });
    expect(out.status).toBe(200);
    expect(out.body.sessionsEnded).toBe(2); // cookieB and the sign-up's
    expect((await h.rest("GET", "/auth/me", { as: { cookie: cookieB } })).status).toBe(401);
    expect((await h.rest("GET", "/auth/me", { as: user })).status).toBe(401);
  });

  test("a member's session token is rotated on their next request after a role change", async () => {
    const owner = await h.signUp("rotate-owner");
    const member = await h.signUp("rotate-member");
    await h.rest("POST", "/members", { body: { email: member.email, role: "VIEWER" }, as: owner });
    await h.rest("PATCH", `/members/${member.userId}`, { body: { role: "ADMIN" }, as: owner });
    const next = await h.rest("GET", "/auth/me", { as: { cookie: member.cookie } });
    expect(next.status).toBe(200);
    const rotated = sessionCookie(next.headers);
    expect(rotated).toBeDefined();
    expect(rotated).not.toBe(member.cookie.split("; ").find((c) => c.startsWith("weir_session=")));
    expect((await h.rest("GET", "/auth/me", { as: { cookie: rotated! } })).status).toBe(200);
    // The old token still answers for a minute (requests already in flight), without rotating again.
    const old = await h.rest("GET", "/auth/me", { as: { cookie: member.cookie } });
    expect(old.status).toBe(200);
    expect(sessionCookie(old.headers)).toBeUndefined();
  });
});

describe("security headers", () => {
  async function serve(): Promise<{ url: string; close: () => Promise<void> }> {
    const server = http.createServer((req, res) => {
      guardRequest(req, res);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ peer: req.headers[PEER_HEADER] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
  }

  test("every answer carries them; the peer address comes from the socket; HSTS only over HTTPS", async () => {
    const s = await serve();
    try {
      for (const path of ["/", "/api/v1/clusters", "/spark-ui/x/"]) {
        const r = await fetch(`${s.url}${path}`, { headers: { [PEER_HEADER]: "6.6.6.6" } });
        const csp = r.headers.get("content-security-policy")!;
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("default-src 'self'");
        expect(csp).not.toContain("unsafe-eval");
        expect(r.headers.get("x-content-type-options")).toBe("nosniff");
        expect(r.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
        expect(r.headers.get("strict-transport-security")).toBeNull();
        expect((await r.json()).peer).toBe("127.0.0.1");
      }
      process.env.WEIR_TRUSTED_PROXIES = "127.0.0.1";
      resetEnv();
      const viaTls = await fetch(s.url, { headers: { "x-forwarded-proto": "https" } });
      expect(viaTls.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    } finally {
      await s.close();
    }
  });

  test("the server answers the API itself: the socket's address in the audit log, cookies and headers kept", async () => {
    const undo = installServerGuards({
      rest: (req) => handleRest(h.domain, req),
      trpc: (req) => handleTrpc(h.domain, req),
      serveRest: (req, res) => serveRest(h.domain, req, res),
    });
    const server = http.createServer((_req, res) => res.end("next"));
    try {
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const email = `lean-${Date.now()}@example.com`;
      const r = await fetch(`${base}/api/v1/auth/sign-up`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": "6.6.6.6", [PEER_HEADER]: "6.6.6.6" },
        body: JSON.stringify({ email, password: "correct horse battery", name: "Lean" }),
      });
      expect(r.status).toBe(201);
      expect(r.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(r.headers.getSetCookie().some((c) => c.startsWith("weir_session="))).toBe(true);
      const body = (await r.json()) as { organization: { id: string } };
      const row = await h.db.auditEvent.findFirstOrThrow({
        where: { orgId: body.organization.id, action: "user.sign_up" },
      });
      expect(row.ip).toBe("127.0.0.1");
      const trpc = await fetch(`${base}/api/trpc/pricing.priceBook`);
      expect(trpc.headers.get("content-type")).toMatch(/json/);
      expect(await (await fetch(`${base}/elsewhere`)).text()).toBe("next");

      // Node's request and response (serveRest) answer exactly as the web Request path does.
      const cookie = r.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      const cases: Array<{ method: string; path: string; headers?: Record<string, string>; body?: string }> = [
        { method: "GET", path: "/clusters", headers: { cookie } },
        { method: "HEAD", path: "/clusters", headers: { cookie } },
        { method: "GET", path: "/clusters" },
        { method: "GET", path: "/clusters?unknown=1", headers: { cookie } },
        { method: "GET", path: "/clusters/not-a-uuid", headers: { cookie } },
        { method: "GET", path: "/clusters/options", headers: { cookie } },
        { method: "GET", path: "/audit-events?limit=2&limit=3", headers: { cookie } },
        { method: "GET", path: "/audit-events?limit=2", headers: { cookie } },
        { method: "DELETE", path: "/billing/usage", headers: { cookie } },
        { method: "OPTIONS", path: "/clusters" },
        { method: "GET", path: "/no-such-path" },
        { method: "GET", path: "/openapi.json" },
        { method: "HEAD", path: "/openapi.json" },
        { method: "POST", path: "/clusters", headers: { cookie, "content-type": "text/plain" }, body: "x" },
        { method: "POST", path: "/clusters", headers: { cookie, "content-type": "application/json" }, body: "{" },
        { method: "POST", path: "/clusters", headers: { cookie, "content-type": "application/json" }, body: "[]" },
        { method: "POST", path: "/clusters", headers: { cookie, "content-type": "application/json" }, body: "{}" },
        {
          method: "POST",
          path: "/clusters",
          headers: { cookie, "content-type": "application/json", origin: "https://evil.example" },
          body: "{}",
        },
        {
          method: "POST",
          path: "/clusters",
          headers: { cookie, "content-type": "application/json" },
          body: JSON.stringify({ name: "x".repeat(1024 * 1024) }),
        },
      ];
      for (const c of cases) {
        const init = { method: c.method, headers: { [PEER_HEADER]: "127.0.0.1", ...c.headers }, body: c.body };
        const viaNode = await fetch(`${base}/api/v1${c.path}`, init);
        const viaWeb = await handleRest(h.domain, new Request(`${base}/api/v1${c.path}`, init));
        const what = `${c.method} ${c.path}`;
        expect({ what, status: viaNode.status }).toEqual({ what, status: viaWeb.status });
        expect({ what, body: await viaNode.text() }).toEqual({ what, body: await viaWeb.text() });
        for (const name of ["content-type", "allow", "cache-control", "ratelimit-limit"]) {
          expect({ what, name, value: viaNode.headers.get(name) }).toEqual({
            what,
            name,
            value: viaWeb.headers.get(name),
          });
        }
      }
    } finally {
      undo();
      await new Promise((r) => server.close(r));
    }
  });
});
