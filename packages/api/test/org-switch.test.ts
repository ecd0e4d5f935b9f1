// The console's organisation switcher (organizations.switch over tRPC): membership checked by the
// API, the choice kept in the httpOnly organisation cookie that every later call reads.
import { afterAll, beforeAll, expect, test } from "vitest";
import { startHarness } from "./harness.ts";

let h: Awaited<ReturnType<typeof startHarness>>;
let owner: Awaited<ReturnType<Awaited<ReturnType<typeof startHarness>>["signUp"]>>;
let stranger: typeof owner;
let secondOrgId: string;

beforeAll(async () => {
  h = await startHarness();
  owner = await h.signUp("switcher");
  stranger = await h.signUp("stranger");
  const second = await h.rest("POST", "/organizations", { body: { name: "Second" }, as: owner });
  secondOrgId = second.body.id;
});
afterAll(() => h.close());

/** The session cookie alone, as a browser holds it after sign-in (no organisation chosen). */
const session = (who: { cookie: string }) => ({
  cookie: who.cookie.split("; ").find((c) => c.startsWith("weir_session="))!,
});

function orgCookie(headers: Headers): string | undefined {
  return headers.getSetCookie().find((c) => c.startsWith("weir_org="));
}

test("a member switches to another of their organisations; later calls act in it", async () => {
  const r = await h.trpc("organizations.switch", { orgId: secondOrgId }, session(owner), "mutation");
  expect(r.status).toBe(200);
  expect(r.body.result.data).toEqual({ orgId: secondOrgId, role: "OWNER" });
  const cookie = orgCookie(r.headers)!;
  expect(cookie).toContain(`weir_org=${secondOrgId};`);
  expect(cookie).toContain("HttpOnly");
  const current = await h.rest("GET", "/organizations/current", {
    as: { cookie: `${session(owner).cookie}; ${cookie.split(";")[0]}` },
  });
  expect(current.body.id).toBe(secondOrgId);
});

test("null forgets the choice", async () => {
  const r = await h.trpc("organizations.switch", { orgId: null }, session(owner), "mutation");
  expect(r.body.result.data).toEqual({ orgId: null, role: null });
  expect(orgCookie(r.headers)).toMatch(/^weir_org=; .*Max-Age=0/);
});

test("another tenant's organisation is 404 and sets no cookie", async () => {
  const r = await h.trpc("organizations.switch", { orgId: stranger.orgId }, session(owner), "mutation");
  expect(r.status).toBe(404);
  expect(r.body.error.data.weir.code).toBe("NOT_FOUND");
  expect(orgCookie(r.headers)).toBeUndefined();
});

test("bad input names the field; no session is 401; an API key is 403", async () => {
  const bad = await h.trpc("organizations.switch", { orgId: "not-a-uuid" }, session(owner), "mutation");
  expect(bad.status).toBe(400);
  expect(Object.keys(bad.body.error.data.weir.fields)).toEqual(["orgId"]);
  const anonymous = await h.trpc("organizations.switch", { orgId: owner.orgId }, {}, "mutation");
  expect(anonymous.status).toBe(401);
  const key = await h.apiKey(owner, "ADMIN");
  const byKey = await h.trpc("organizations.switch", { orgId: owner.orgId }, { bearer: key }, "mutation");
  expect(byKey.status).toBe(403);
});

test("signing in and out clears the organisation cookie", async () => {
  const signIn = await h.rest("POST", "/auth/sign-in", {
    body: { email: owner.email, password: "correct horse battery" },
  });
  expect(signIn.status).toBe(200);
  expect(orgCookie(signIn.headers)).toMatch(/^weir_org=; .*Max-Age=0/);
  const signOut = await h.trpc("auth.signOut", {}, session(owner), "mutation");
  expect(signOut.status).toBe(200);
  expect(orgCookie(signOut.headers)).toMatch(/^weir_org=; .*Max-Age=0/);
});
