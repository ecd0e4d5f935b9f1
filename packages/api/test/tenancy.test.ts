import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHarness } from "./harness.ts";

let h: Awaited<ReturnType<typeof startHarness>>;
let owner: Awaited<ReturnType<Awaited<ReturnType<typeof startHarness>>["signUp"]>>;
let other: typeof owner;
let viewerKey: string;
let adminKey: string;

beforeAll(async () => {
  h = await startHarness();
  owner = await h.signUp("owner");
  other = await h.signUp("other");
  viewerKey = await h.apiKey(owner, "VIEWER");
  adminKey = await h.apiKey(owner, "ADMIN");
});
afterAll(() => h.close());

describe("API keys", () => {
  test("the key is shown once, stored hashed, and authenticates REST and tRPC", async () => {
    const r = await h.rest("POST", "/api-keys", { body: { name: "ci", role: "DEVELOPER" }, as: owner });
    expect(r.status).toBe(201);
    expect(r.body.key).toMatch(/^weir_/);
    const row = await h.db.apiKey.findUniqueOrThrow({ where: { id: r.body.id } });
    expect(row.keyHash).not.toContain(r.body.key);
    const list = await h.rest("GET", "/api-keys", { as: owner });
    expect(JSON.stringify(list.body)).not.toContain(r.body.key);
    const me = await h.rest("GET", "/auth/me", { as: { bearer: r.body.key } });
    expect(me.body.apiKey).toMatchObject({ name: "ci", role: "DEVELOPER", orgId: owner.orgId });
    expect((await h.trpc("auth.me", undefined, { bearer: r.body.key }, "query")).status).toBe(200);
    const used = await h.db.apiKey.findUniqueOrThrow({ where: { id: r.body.id } });
    expect(used.lastUsedAt).not.toBeNull();
  });

  test("a revoked key stops working", async () => {
    const r = await h.rest("POST", "/api-keys", { body: { name: "temp", role: "VIEWER" }, as: owner });
    const del = await h.rest("DELETE", `/api-keys/${r.body.id}`, { as: owner });
    expect(del.status).toBe(200);
    expect(del.body.revokedAt).not.toBeNull();
    const me = await h.rest("GET", "/auth/me", { as: { bearer: r.body.key } });
    expect(me.status).toBe(401);
  });

  test("a key cannot be given a role above its creator's", async () => {
    const r = await h.rest("POST", "/api-keys", {
      body: { name: "escalate", role: "OWNER" },
      as: { bearer: adminKey },
    });
    expect(r.status).toBe(403);
    expect(r.body.error.fields.role).toBeDefined();
  });

  test("bad input names the field", async () => {
    const r = await h.rest("POST", "/api-keys", { body: { name: "x", role: "SUPERUSER" }, as: owner });
    expect(r.status).toBe(400);
    expect(r.body.error.fields.role).toBeDefined();
    const id = await h.rest("DELETE", "/api-keys/not-a-uuid", { as: owner });
    expect(id.status).toBe(400);
    expect(id.body.error.fields.id).toBeDefined();
  });

  test("another tenant's key is 404, exactly like a missing one", async () => {
    const mine = await h.rest("POST", "/api-keys", { body: { name: "mine", role: "VIEWER" }, as: owner });
    const theirs = await h.rest("DELETE", `/api-keys/${mine.body.id}`, { as: other });
    const missing = await h.rest("DELETE", `/api-keys/00000000-0000-4000-8000-000000000000`, { as: other });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(missing.body);
  });

  test("a viewer cannot create or revoke keys (403)", async () => {
    const r = await h.rest("POST", "/api-keys", { body: { name: "v", role: "VIEWER" }, as: { bearer: viewerKey } });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("FORBIDDEN");
    const keys = await h.rest("GET", "/api-keys", { as: { bearer: viewerKey } });
    expect(keys.status).toBe(200);
    const del = await h.rest("DELETE", `/api-keys/${keys.body.items[0].id}`, { as: { bearer: viewerKey } });
    expect(del.status).toBe(403);
  });
});

describe("organisations", () => {
  test("a user lists only their organisations and may create more", async () => {
    const created = await h.rest("POST", "/organizations", { body: { name: "Second org" }, as: owner });
    expect(created.status).toBe(201);
    expect(created.body.role).toBe("OWNER");
    const list = await h.rest("GET", "/organizations", { as: owner });
    expect(list.body.items.map((o: any) => o.name)).toContain("Second org");
    const theirs = await h.rest("GET", "/organizations", { as: other });
    expect(theirs.body.items.map((o: any) => o.id)).not.toContain(created.body.id);
  });

  test("acting in another tenant's organisation is 404", async () => {
    const r = await h.rest("GET", "/organizations/current", { as: { ...other, orgId: owner.orgId } });
    expect(r.status).toBe(404);
    const k = await h.rest("GET", "/members", { as: { bearer: viewerKey, orgId: other.orgId } });
    expect(k.status).toBe(404);
  });

  test("an API key cannot create organisations", async () => {
    const r = await h.rest("POST", "/organizations", { body: { name: "Nope" }, as: { bearer: adminKey } });
    expect(r.status).toBe(403);
  });

  test("current organisation and projects are scoped to the caller", async () => {
    const cur = await h.rest("GET", "/organizations/current", { as: { bearer: viewerKey } });
    expect(cur.body.id).toBe(owner.orgId);
    const projects = await h.rest("GET", "/projects", { as: { bearer: viewerKey } });
    expect(projects.status).toBe(200);
  });
});

describe("members", () => {
  test("an owner adds a member, changes their role and removes them, all audited", async () => {
    const carol = await h.signUp("carol");
    const add = await h.rest("POST", "/members", { body: { email: carol.email, role: "VIEWER" }, as: owner });
    expect(add.status).toBe(201);
    const asCarol = { ...carol, orgId: owner.orgId };
    expect((await h.rest("GET", "/members", { as: asCarol })).status).toBe(200);
    const denied = await h.rest("POST", "/api-keys", { body: { name: "x", role: "VIEWER" }, as: asCarol });
    expect(denied.status).toBe(403);
    const patch = await h.rest("PATCH", `/members/${carol.userId}`, { body: { role: "ADMIN" }, as: owner });
    expect(patch.status).toBe(200);
    expect(patch.body.role).toBe("ADMIN");
    expect((await h.rest("POST", "/api-keys", { body: { name: "x", role: "VIEWER" }, as: asCarol })).status).toBe(201);
    const del = await h.rest("DELETE", `/members/${carol.userId}`, { as: owner });
    expect(del.status).toBe(200);
    expect((await h.rest("GET", "/members", { as: asCarol })).status).toBe(404);
    const audit = await h.rest("GET", "/audit-events?action=member.", { as: owner });
    expect(audit.body.items.map((e: any) => e.action)).toEqual(["member.remove", "member.update_role", "member.add"]);
  });

  test("adding an unknown email is 404 naming the field; a duplicate is 409", async () => {
    const unknown = await h.rest("POST", "/members", {
      body: { email: "ghost@example.com", role: "VIEWER" },
      as: owner,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.fields.email).toBeDefined();
    const dup = await h.rest("POST", "/members", { body: { email: owner.email, role: "VIEWER" }, as: owner });
    expect(dup.status).toBe(409);
  });

  test("the last owner cannot be demoted or removed", async () => {
    const r = await h.rest("PATCH", `/members/${owner.userId}`, { body: { role: "ADMIN" }, as: owner });
    expect(r.status).toBe(409);
    expect((await h.rest("DELETE", `/members/${owner.userId}`, { as: owner })).status).toBe(409);
  });

  test("an admin cannot make an owner; a viewer changes nothing; another tenant gets 404", async () => {
    const dan = await h.signUp("dan");
    await h.rest("POST", "/members", { body: { email: dan.email, role: "DEVELOPER" }, as: owner });
    const promote = await h.rest("PATCH", `/members/${dan.userId}`, {
      body: { role: "OWNER" },
      as: { bearer: adminKey },
    });
    expect(promote.status).toBe(403);
    const viewer = await h.rest("PATCH", `/members/${dan.userId}`, {
      body: { role: "VIEWER" },
      as: { bearer: viewerKey },
    });
    expect(viewer.status).toBe(403);
    const foreign = await h.rest("PATCH", `/members/${dan.userId}`, { body: { role: "VIEWER" }, as: other });
    const missing = await h.rest("PATCH", `/members/00000000-0000-4000-8000-000000000000`, {
      body: { role: "VIEWER" },
      as: other,
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
  });
});

describe("audit log", () => {
  test("lists newest first with filters and keyset paging, scoped to the organisation", async () => {
    for (let i = 0; i < 5; i++) {
      await h.rest("POST", "/api-keys", { body: { name: `page-${i}`, role: "VIEWER" }, as: owner });
    }
    const first = await h.rest("GET", "/audit-events?action=api_key.create&limit=2", { as: owner });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0].resourceName).toBe("page-4");
    expect(first.body.items[0]).toMatchObject({
      actorLabel: owner.email,
      ip: "203.0.113.7",
      userAgent: "weir-tests/1.0",
    });
    const second = await h.rest("GET", `/audit-events?action=api_key.create&limit=2&cursor=${first.body.nextCursor}`, {
      as: owner,
    });
    expect(second.body.items[0].resourceName).toBe("page-2");
    const byKey = await h.rest("GET", `/audit-events?actor=key:admin key`, { as: owner });
    expect(byKey.body.items.every((e: any) => e.actorType === "API_KEY")).toBe(true);
    const byType = await h.rest("GET", "/audit-events?resourceType=member", { as: owner });
    expect(byType.body.items.every((e: any) => e.resourceType === "member")).toBe(true);
    const theirs = await h.rest("GET", "/audit-events", { as: other });
    expect(theirs.body.items.every((e: any) => e.actorLabel !== owner.email)).toBe(true);
  });

  test("bad paging input is 400", async () => {
    const r = await h.rest("GET", "/audit-events?limit=5000", { as: owner });
    expect(r.status).toBe(400);
    expect(r.body.error.fields.limit).toBeDefined();
    const c = await h.rest("GET", "/audit-events?cursor=abc", { as: owner });
    expect(c.status).toBe(400);
  });
});

describe("OpenAPI", () => {
  test("documents every REST path of this issue", async () => {
    const r = await h.rest("GET", "/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toMatch(/^3\./);
    for (const p of [
      "/auth/sign-up",
      "/auth/sign-in",
      "/api-keys",
      "/api-keys/{id}",
      "/members/{userId}",
      "/audit-events",
      "/organizations",
    ]) {
      expect(Object.keys(r.body.paths), p).toContain(p);
    }
  });
});
