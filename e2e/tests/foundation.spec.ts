// The foundation journeys: an account and its organisation, API keys that work against the REST
// API, the audit trail they leave, and managing members.
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { asOwnClient } from "./client.ts";

test.use(asOwnClient());

const PASSWORD = "correct horse battery staple";

function uniqueEmail(who: string): string {
  return `${who}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

async function shot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

test("sign up, wait for the organisation, create an API key, use it, see it audited", async ({
  page,
  request,
}, testInfo) => {
  const email = uniqueEmail("owner");

  await page.goto("/sign-up");
  await expect(page.getByRole("heading", { name: "Create your Weir account" })).toBeVisible();
  await shot(page, testInfo, "01-sign-up");

  await page.getByLabel("Your name").fill("Ada Lovelace");
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel("Organisation name (optional)").fill("Analytical Engines");
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL(/\/clusters$/);
  await expect(page.getByTestId("current-org-name")).toHaveText("Analytical Engines");
  await shot(page, testInfo, "02-signed-up");

  // The controller creates the default project; the console polls until the organisation is READY.
  await expect(page.getByTestId("org-status")).toHaveAttribute("data-status", "READY", { timeout: 60_000 });
  await expect(page.getByTestId("org-provisioning-banner")).toBeHidden();
  await expect(page.getByTestId("clusters-empty")).toContainText("No Kafka clusters yet");
  await shot(page, testInfo, "03-organisation-ready");

  await page.getByRole("link", { name: "API keys" }).click();
  await expect(page).toHaveURL(/\/api-keys$/);
  await expect(page.getByTestId("api-keys-empty")).toBeVisible();
  const form = page.getByTestId("create-api-key-form");
  await form.getByLabel("Name").fill("e2e-journey");
  await form.getByLabel("Role").selectOption("DEVELOPER");
  await form.getByRole("button", { name: "Create key" }).click();

  const dialog = page.getByTestId("new-api-key-dialog");
  await expect(dialog).toBeVisible();
  const key = (await dialog.getByTestId("new-api-key").textContent())?.trim() ?? "";
  expect(key).toMatch(/^weir_\S{20,}$/);
  await expect(dialog.getByTestId("curl-example")).toContainText(
    `curl -H "Authorization: Bearer ${key}" http://127.0.0.1:3100/api/v1/organizations/current`,
  );
  await dialog.getByTestId("copy-api-key").click();
  await expect(dialog.getByTestId("copy-api-key")).toContainText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  await shot(page, testInfo, "04-api-key-shown-once");

  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  // Shown once: after closing, neither the page nor a reload shows the key again.
  await page.reload();
  const row = page.getByTestId("api-key-row").filter({ hasText: "e2e-journey" });
  await expect(row).toContainText("Developer");
  await expect(row).toContainText(key.slice(0, 11));
  await expect(page.getByText(key)).toHaveCount(0);
  await shot(page, testInfo, "05-api-key-listed");

  const res = await request.get("/api/v1/organizations/current", { headers: { Authorization: `Bearer ${key}` } });
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ name: "Analytical Engines", status: "READY", role: "DEVELOPER" });

  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(/\/audit-log$/);
  const created = page.getByTestId("audit-row").filter({ hasText: "api_key.create" });
  await expect(created).toHaveCount(1);
  await expect(created).toContainText(email);
  await expect(created).toContainText("e2e-journey");
  // Newest first.
  await expect(page.getByTestId("audit-row").first()).toHaveAttribute("data-action", "api_key.create");
  await shot(page, testInfo, "06-audit-log");

  // Filters go to the server.
  await page.getByLabel("Action").fill("user.");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByTestId("audit-row")).toHaveCount(1);
  await expect(page.getByTestId("audit-row").first()).toHaveAttribute("data-action", "user.sign_up");
  await shot(page, testInfo, "07-audit-log-filtered");

  // Paging: more events than one page (50) come in with "Load more", via nextCursor. Creating API
  // keys is limited (20 per account per hour), so the 50 events are keys created and revoked and
  // sign-ins (each audited).
  const bulk: string[] = [];
  for (let i = 0; i < 19; i++) {
    const r = await page.request.post("/api/v1/api-keys", { data: { name: `bulk-${i}`, role: "VIEWER" } });
    expect(r.status()).toBe(201);
    bulk.push((await r.json()).id);
  }
  for (const id of bulk) expect((await page.request.delete(`/api/v1/api-keys/${id}`)).status()).toBe(200);
  for (let i = 0; i < 12; i++) {
    const r = await page.request.post("/api/v1/auth/sign-in", { data: { email, password: PASSWORD } });
    expect(r.status()).toBe(200);
  }
  await page.reload();
  await expect(page.getByTestId("audit-row")).toHaveCount(50);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(page.getByTestId("audit-row")).toHaveCount(53);
  await expect(page.getByRole("button", { name: "Load more" })).toBeHidden();
  await expect(page.getByTestId("audit-row").last()).toHaveAttribute("data-action", "user.sign_up");
});

test("members: add a second user as viewer, then make them a developer", async ({ page, request }, testInfo) => {
  const ownerEmail = uniqueEmail("owner");
  const memberEmail = uniqueEmail("member");

  // The second person signs up on their own, through the REST API.
  const signUp = await request.post("/api/v1/auth/sign-up", {
    data: { name: "Grace Hopper", email: memberEmail, password: PASSWORD },
  });
  expect(signUp.status()).toBe(201);

  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Charles Babbage");
  await page.getByLabel("Work email").fill(ownerEmail);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/clusters$/);

  await page.getByRole("link", { name: "Members" }).click();
  await expect(page).toHaveURL(/\/members$/);
  await expect(page.getByTestId("member-row")).toHaveCount(1);
  await shot(page, testInfo, "01-members");

  // An address without an account is refused next to the field.
  const form = page.getByTestId("add-member-form");
  await form.getByLabel("Email").fill(uniqueEmail("nobody"));
  await form.getByRole("button", { name: "Add member" }).click();
  await expect(form.getByTestId("field-error")).toHaveText("No Weir account uses this email");
  await shot(page, testInfo, "02-unknown-email");

  await form.getByLabel("Email").fill(memberEmail);
  await form.getByLabel("Role").selectOption("VIEWER");
  await form.getByRole("button", { name: "Add member" }).click();
  const row = page.getByTestId("member-row").filter({ hasText: memberEmail });
  const role = row.getByLabel(`Role of ${memberEmail}`);
  await expect(role).toHaveValue("VIEWER");
  await expect(page.getByTestId("member-row")).toHaveCount(2);
  await shot(page, testInfo, "03-member-added");

  await role.selectOption("DEVELOPER");
  await expect(page.getByText(`${memberEmail} is now developer`)).toBeVisible();
  await page.reload();
  await expect(
    page.getByTestId("member-row").filter({ hasText: memberEmail }).getByLabel(`Role of ${memberEmail}`),
  ).toHaveValue("DEVELOPER");
  await shot(page, testInfo, "04-member-is-developer");

  const members = await page.request.get("/api/v1/members");
  expect(members.status()).toBe(200);
  const items = ((await members.json()) as { items: Array<{ email: string; role: string }> }).items;
  expect(items.find((m) => m.email === memberEmail)?.role).toBe("DEVELOPER");
});
