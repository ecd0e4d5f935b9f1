import { describe, expect, test } from "vitest";
import { decryptSecret, encryptSecret, hashPassword, newToken, hashToken, verifyPassword } from "../src/crypto.ts";
import { AppError, errorCodes } from "../src/errors.ts";
import { resourceName, slugify } from "../src/names.ts";
import { roleAtLeast, requireRole } from "../src/roles.ts";
import { setCondition } from "../src/conditions.ts";

describe("passwords", () => {
  test("scrypt hashes verify the right password only and are salted", async () => {
    const a = await hashPassword("correct horse");
    const b = await hashPassword("correct horse");
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("correct horsf", a)).toBe(false);
    expect(await verifyPassword("x", "garbage")).toBe(false);
  });
});

describe("tokens and secrets", () => {
  test("a token's hash is what is stored", () => {
    const { token, hash } = newToken("weir_");
    expect(token.startsWith("weir_")).toBe(true);
    expect(hashToken(token)).toBe(hash);
    expect(hash).not.toContain(token);
  });

  test("sealed secrets round-trip and fail with the wrong key", () => {
    const sealed = encryptSecret("admin-password", "k".repeat(32));
    expect(sealed).not.toContain("admin-password");
    expect(decryptSecret(sealed, "k".repeat(32))).toBe("admin-password");
    expect(() => decryptSecret(sealed, "j".repeat(32))).toThrow();
  });
});

describe("errors", () => {
  test.each(Object.entries(errorCodes))("%s maps to HTTP %o", (code, v) => {
    expect(new AppError(code as keyof typeof errorCodes, "m").httpStatus).toBe(v.http);
  });
});

describe("roles", () => {
  test("rank", () => {
    expect(roleAtLeast("OWNER", "ADMIN")).toBe(true);
    expect(roleAtLeast("VIEWER", "DEVELOPER")).toBe(false);
    expect(() => requireRole("VIEWER", "DEVELOPER", "create clusters")).toThrow(/viewer.*create clusters/);
  });
});

describe("names", () => {
  test.each([
    ["orders", true],
    ["orders-eu-1", true],
    ["Orders", false],
    ["1orders", false],
    ["orders-", false],
    ["a".repeat(41), false],
  ])("resource name %s valid=%s", (name, ok) => {
    expect(resourceName.safeParse(name).success).toBe(ok);
  });

  test("slugify", () => {
    expect(slugify("Ada's Analytical Engines!")).toBe("ada-s-analytical-engines");
    expect(slugify("!!!")).toBe("org");
  });
});

describe("conditions", () => {
  test("lastTransitionTime changes only when the status flips", () => {
    const t1 = new Date("2026-01-01T00:00:00Z");
    const t2 = new Date("2026-01-01T01:00:00Z");
    const c1 = setCondition(
      [],
      { type: "Ready", status: "False", reason: "A", message: "", observedGeneration: 1 },
      t1,
    );
    const c2 = setCondition(
      c1,
      { type: "Ready", status: "False", reason: "B", message: "", observedGeneration: 2 },
      t2,
    );
    expect(c2[0]).toMatchObject({ reason: "B", lastTransitionTime: t1.toISOString() });
    const c3 = setCondition(c2, { type: "Ready", status: "True", reason: "C", message: "", observedGeneration: 2 }, t2);
    expect(c3).toHaveLength(1);
    expect(c3[0]!.lastTransitionTime).toBe(t2.toISOString());
  });
});
