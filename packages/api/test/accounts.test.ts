import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHarness } from "./harness.ts";

let h: Awaited<ReturnType<typeof startHarness>>;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe("sign-up", () => {
  test("creates the user, an organisation they own, a session cookie and audit events", async () => {
    const r = await h.rest("POST", "/auth/sign-up", {
      body: { email: "Ada@Example.com", password: "a long password", name: "Ada", organizationName: "Analytical" },
    });
    expect(r.status).toBe(201);
    expect(r.body.user.email).toBe("ada@example.com");
    expect(r.body.organization).toMatchObject({ name: "Analytical", status: "PROVISIONING" });
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith("weir_session="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const user = await h.db.user.findUniqueOrThrow({ where: { email: "ada@example.com" } });
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    expect(user.passwordHash).not.toContain("a long password");
    const audit = await h.db.auditEvent.findMany({ where: { orgId: r.body.organization.id } });
    expect(audit.map((a) => a.action).sort()).toEqual(["organization.create", "user.sign_up"]);
    expect(audit[0]).toMatchObject({ ip: "203.0.113.7", userAgent: "weir-tests/1.0" });
  });

  test("a duplicate email is 409 naming the field and writes nothing", async () => {
    const before = await h.db.organization.count();
    const r = await h.rest("POST", "/auth/sign-up", {
      body: { email: "ada@example.com", password: "another password", name: "Ada 2" },
    });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: "CONFLICT", fields: { email: expect.any(String) } });
    expect(await h.db.organization.count()).toBe(before);
  });

  test.each([
    [{ email: "not-an-email", password: "a long password", name: "X" }, "email"],
    [{ email: "x@example.com", password: "short", name: "X" }, "password"],
    [{ email: "x@example.com", password: "a long password", name: "" }, "name"],
    [{ email: "x@example.com", password: "a long password", name: "X".repeat(65) }, "name"],
    [{ email: "x@example.com", password: "a long password", name: "X", admin: true }, "admin"],
    [{ email: "x@example.com", password: 12345678901, name: "X" }, "password"],
    [{ password: "a long password", name: "X" }, "email"],
  ])("bad input %j is 400 naming %s", async (body, field) => {
    const r = await h.rest("POST", "/auth/sign-up", { body });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("VALIDATION_FAILED");
    expect(Object.keys(r.body.error.fields)).toContain(field);
  });

  test("malformed JSON is 400, not 500", async () => {
    const r = await h.rest("POST", "/auth/sign-up", { rawBody: "{ not json" });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("VALIDATION_FAILED");
  });

  test("a body without a JSON content type is 415", async () => {
    const r = await h.rest("POST", "/auth/sign-in", { headers: { "content-type": "text/plain" } });
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  test("an unknown route is 404 in the error shape", async () => {
    const r = await h.rest("GET", "/no-such-thing");
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("NOT_FOUND");
  });
});

describe("sign-in and sign-out", () => {
  test("right password signs in; wrong password or unknown email is 401 with the same message", async () => {
    const u = await h.signUp("bob");
    const ok = await h.rest("POST", "/auth/sign-in", { body: { email: u.email, password: "correct horse battery" } });
    expect(ok.status).toBe(200);
    const wrong = await h.rest("POST", "/auth/sign-in", { body: { email: u.email, password: "wrong password!" } });
    const unknown = await h.rest("POST", "/auth/sign-in", {
      body: { email: "nobody@example.com", password: "wrong password!" },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  test("sign-out ends the session", async () => {
    const u = await h.signUp("carol");
    expect((await h.rest("GET", "/auth/me", { as: u })).status).toBe(200);
    expect((await h.rest("POST", "/auth/sign-out", { as: u, body: {} })).status).toBe(200);
    const after = await h.rest("GET", "/auth/me", { as: u });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("UNAUTHENTICATED");
  });

  test("no credentials is 401 on every protected route", async () => {
    for (const [m, p] of [
      ["GET", "/organizations"],
      ["GET", "/members"],
      ["GET", "/api-keys"],
      ["GET", "/audit-events"],
      ["GET", "/projects"],
    ] as const) {
      expect((await h.rest(m, p)).status, `${m} ${p}`).toBe(401);
    }
  });
});

describe("tRPC transport", () => {
  test("serves the same procedures with the same error body", async () => {
    const u = await h.signUp("dora");
    const ok = await h.trpc("organizations.list", undefined, u, "query");
    expect(ok.status).toBe(200);
    const bad = await h.trpc("apiKeys.create", { name: "", role: "VIEWER" }, u, "mutation");
    expect(bad.status).toBe(400);
    expect((bad.body as any).error.data.weir).toMatchObject({
      code: "VALIDATION_FAILED",
      fields: { name: expect.any(String) },
    });
  });
});
