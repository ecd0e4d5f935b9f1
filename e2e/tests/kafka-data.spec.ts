// Journeys over a running cluster's data: topics, Kafka users with ACL presets, consumer groups
// with a previewed offset reset, and the message browser. The cluster is a real one-broker
// Kafka started by the controller; kcat plays the outside consumer.
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { asOwnClient } from "./client.ts";
import { api, kcatAs, type KafkaCredential } from "./kafka.ts";

test.use(asOwnClient());

const PASSWORD = "correct horse battery staple";

let clusterId = "";
let credential: KafkaCredential | null = null;

async function shot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

const kcat = (args: string[], input?: string) => kcatAs(credential!, args, input);

test.describe.configure({ mode: "serial" });

test.beforeEach(async ({ page }) => {
  if (clusterId) {
    // Each test has its own browser context: sign in again as the same person.
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: /sign in/i }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
  }
});

const email = `data-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;

// Brokers are detached processes that outlive the server: delete the cluster so none is left.
test.afterAll(async ({ playwright }, testInfo) => {
  if (!clusterId) return;
  const request = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  try {
    await api(request, "POST", "/auth/sign-in", { email, password: PASSWORD });
    await api(request, "DELETE", `/clusters/${clusterId}?confirmName=data`);
    await expect
      .poll(async () => (await request.get(`/api/v1/clusters/${clusterId}`)).status(), { timeout: 120_000 })
      .toBe(404);
  } finally {
    await request.dispose();
  }
});

test("topics: create with configs, a refused name, detail with partitions, grow, search", async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  await api(page.request, "POST", "/auth/sign-up", { email, password: PASSWORD, name: "Data Person" });
  // The controller sets the new organisation up; clusters are refused (409) until it is READY.
  await expect
    .poll(async () => (await api(page.request, "GET", "/organizations/current")).status, { timeout: 60_000 })
    .toBe("READY");
  const cluster = await api(page.request, "POST", "/clusters", {
    name: "data",
    brokerCount: 1,
    brokerInstanceType: "kafka.m5.large",
    storageGbPerBroker: 10,
  });
  clusterId = cluster.id;
  await expect
    .poll(async () => (await api(page.request, "GET", `/clusters/${clusterId}`)).status, { timeout: 240_000 })
    .toBe("RUNNING");
  credential = await api(page.request, "POST", `/clusters/${clusterId}/admin-credential`, {});

  await page.goto(`/clusters/${clusterId}/topics`);
  await page.getByTestId("create-topic").click();
  const dialog = page.getByTestId("create-topic-dialog");
  await dialog.getByLabel("Name").fill("bad name!");
  await dialog.getByRole("button", { name: "Create topic" }).click();
  await expect(dialog.getByTestId("field-error").first()).toContainText("letters, digits");
  await shot(page, testInfo, "01-topic-bad-name");

  await dialog.getByLabel("Name").fill("orders");
  await dialog.getByLabel("Partitions").fill("3");
  await dialog.getByLabel("Retention (ms)").fill("3600000");
  await dialog.getByLabel("Cleanup policy").fill("delete");
  await dialog.getByRole("button", { name: "Create topic" }).click();
  await page.waitForURL(/\/topics\/orders$/);
  await expect(page.getByTestId("topic-status")).toHaveAttribute("data-status", "READY", { timeout: 60_000 });
  await expect(page.getByTestId("partition-row")).toHaveCount(3);
  await expect(page.getByTestId("topic-configs")).toContainText("3600000");
  await shot(page, testInfo, "02-topic-detail");

  await page.getByTestId("edit-topic").click();
  const edit = page.getByTestId("edit-topic-dialog");
  await edit.getByLabel("Partitions").fill("2");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit.getByTestId("field-error").first()).toContainText("can only grow");
  await edit.getByLabel("Partitions").fill("4");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("partition-row")).toHaveCount(4, { timeout: 60_000 });
  await shot(page, testInfo, "03-topic-grown");

  for (const name of ["payments", "audit.log"]) {
    await api(page.request, "POST", `/clusters/${clusterId}/topics`, { name, partitions: 1 });
  }
  await page.goto(`/clusters/${clusterId}/topics`);
  await expect(page.getByTestId("topic-row")).toHaveCount(3);
  await page.getByTestId("topic-search").fill("pay");
  await expect(page.getByTestId("topic-row")).toHaveCount(1);
  await expect(page.getByTestId("topic-row")).toHaveAttribute("data-name", "payments");
  await shot(page, testInfo, "04-topics-search");
});

test("users and ACL presets: a generated password shown once, produce preset previewed and granted", async ({
  page,
}, testInfo) => {
  await page.goto(`/clusters/${clusterId}/users`);
  const form = page.getByTestId("create-kafka-user-form");
  await form.getByLabel("User name").fill("orders-writer");
  await form.getByRole("button", { name: "Create user" }).click();
  const pw = page.getByTestId("kafka-password-dialog");
  await expect(pw.getByTestId("kafka-password")).toHaveText(/^[A-Za-z0-9_-]{32}$/);
  const password = (await pw.getByTestId("kafka-password").textContent())!;
  await shot(page, testInfo, "05-user-password-once");
  await pw.getByRole("button", { name: "I have copied it" }).click();
  await expect(page.getByTestId("kafka-user-row").filter({ hasText: "orders-writer" })).toContainText("Ready", {
    timeout: 60_000,
  });
  await expect(page.locator("body")).not.toContainText(password);

  await page.goto(`/clusters/${clusterId}/acls`);
  const preset = page.getByTestId("acl-preset-form");
  await preset.getByLabel("Preset").selectOption("produce");
  await preset.getByLabel("Principal").selectOption("User:orders-writer");
  await preset.getByLabel("Topic", { exact: true }).fill("orders");
  await page.getByTestId("acl-preview").click();
  await expect(page.getByTestId("acl-preview-list").locator("li")).toHaveText([
    "ALLOW User:orders-writer WRITE TOPIC:orders",
    "ALLOW User:orders-writer DESCRIBE TOPIC:orders",
  ]);
  await page.getByTestId("acl-apply").click();
  const rows = page.getByTestId("acl-row").filter({ hasText: "User:orders-writer" });
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText("Ready", { timeout: 60_000 });
  await expect(rows.last()).toContainText("Ready", { timeout: 60_000 });
  await shot(page, testInfo, "06-acls-granted");

  await page.goto(`/clusters/${clusterId}/topics/orders`);
  await expect(page.getByTestId("topic-acls")).toContainText("User:orders-writer");
  await shot(page, testInfo, "07-topic-who-may");
});

test("consumer groups: lag shown, reset previewed old → new, then applied", async ({ page }, testInfo) => {
  await kcat(["-P", "-t", "payments"], "p1\np2\np3\n");
  await kcat(["-G", "ledger", "-e", "-q", "-X", "auto.offset.reset=earliest", "payments"]);
  await kcat(["-P", "-t", "payments"], "p4\np5\n");

  await page.goto(`/clusters/${clusterId}/consumer-groups`);
  const row = page.getByTestId("group-row").filter({ hasText: "ledger" });
  await expect(row.getByTestId("group-lag")).toHaveText("2", { timeout: 30_000 });
  await expect(row.getByTestId("group-state")).toHaveText("empty");
  await row.getByRole("button", { name: "ledger" }).click();
  await expect(page.getByTestId("group-partitions")).toContainText("payments");
  await shot(page, testInfo, "08-groups-lag");

  await row.getByTestId("reset-offsets").click();
  const dialog = page.getByTestId("reset-dialog");
  await dialog.getByTestId("reset-to").selectOption("earliest");
  await dialog.getByTestId("reset-preview").click();
  const change = dialog.getByTestId("reset-change");
  await expect(change).toHaveCount(1);
  await expect(change).toContainText("payments");
  await expect(change.locator("td").nth(2)).toHaveText("3");
  await expect(change.locator("td").nth(3)).toHaveText("0");
  await shot(page, testInfo, "09-reset-preview");
  await dialog.getByTestId("reset-apply").click();
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId("group-lag")).toHaveText("5", { timeout: 30_000 });
  const reread = await kcat(["-G", "ledger", "-e", "-q", "payments"]);
  expect(reread.trim().split("\n")).toEqual(["p1", "p2", "p3", "p4", "p5"]);
  await shot(page, testInfo, "10-reset-applied");
});

test("message browser: produce from the console, find by JSON path, export CSV", async ({ page }, testInfo) => {
  await kcat(
    ["-P", "-t", "orders", "-K", ":"],
    'o-1:{"order":{"id":1},"total":10}\no-2:{"order":{"id":2},"total":99}\n',
  );
  await page.goto(`/clusters/${clusterId}/messages?topic=orders`);
  const produce = page.getByTestId("produce-form");
  await produce.getByTestId("produce-key").fill("o-3");
  await produce.getByTestId("produce-value").fill('{"order":{"id":3},"total":42}');
  await produce.getByTestId("produce-headers").fill("source=console");
  await produce.getByTestId("produce-submit").click();
  await expect(page.getByText(/Produced to partition \d+ at offset \d+/)).toBeVisible();
  const seen = await kcat(["-C", "-t", "orders", "-o", "beginning", "-e", "-q", "-f", "%k %s\\n"]);
  expect(seen).toContain('o-3 {"order":{"id":3},"total":42}');

  await page.getByTestId("filter-jsonpath").fill("$.order.id");
  await page.getByTestId("filter-jsonvalue").fill("2");
  await page.getByTestId("browse-submit").click();
  await expect(page.getByTestId("message-row")).toHaveCount(1);
  await expect(page.getByTestId("message-row")).toContainText("o-2");
  await expect(page.getByTestId("browse-summary")).toContainText("Scanned 3 records");
  await page.getByTestId("message-row").click();
  await expect(page.getByTestId("message-detail")).toContainText('"total": 99');
  await shot(page, testInfo, "11-browser-filter");

  await page.getByTestId("filter-jsonpath").fill("");
  await page.getByTestId("filter-jsonvalue").fill("");
  await page.getByTestId("filter-key").fill("o-3");
  await page.getByTestId("browse-submit").click();
  await expect(page.getByTestId("message-row")).toHaveCount(1);
  await page.getByTestId("message-row").click();
  await expect(page.getByTestId("message-detail")).toContainText("source");
  const download = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^orders-.*\.csv$/);
  await shot(page, testInfo, "12-browser-export");
});
