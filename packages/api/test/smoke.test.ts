import { afterAll, beforeAll, expect, test } from "vitest";
import { startHarness } from "./harness.ts";

let h: Awaited<ReturnType<typeof startHarness>>;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

test("sign up then list organisations", async () => {
  const u = await h.signUp("alice");
  const r = await h.rest("GET", "/organizations", { as: u });
  expect(r.status).toBe(200);
  expect(r.body.items).toHaveLength(1);
});
