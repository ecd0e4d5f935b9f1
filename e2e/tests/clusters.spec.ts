// The Kafka cluster journey in the console: from the empty list to a running one-broker cluster
// (real Apache Kafka started by the controller), its detail page, a copied kcat snippet that
// really produces and consumes once the admin credential is revealed, scaling out to two
// brokers, and deleting it with a typed name.
import { exec } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";
import { asOwnClient } from "./client.ts";

test.use(asOwnClient());

const PASSWORD = "correct horse battery staple";
const NAME = "orders";

async function shot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`clusters-${name}.png`), fullPage: true });
}

async function api(request: APIRequestContext, method: string, path: string, data?: unknown) {
  const res = await request.fetch(`/api/v1${path}`, { method, ...(data === undefined ? {} : { data }) });
  const body = await res.json().catch(() => null);
  if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${JSON.stringify(body)}`);
  return body;
}

/** Runs a snippet exactly as a user would paste it into a shell (in `cwd`: where the CA was saved). */
function sh(script: string, input: string, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = exec(script, { timeout: 60_000, shell: "/bin/sh", cwd }, (error, out, err) =>
      error ? reject(new Error(`${script}\n${err}`)) : resolve(String(out)),
    );
    p.stdin!.end(input);
  });
}

test("create a cluster, watch it run, connect with a copied snippet, scale it, delete it", async ({
  page,
}, testInfo) => {
  test.setTimeout(600_000);
  const email = `clusters-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;

  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Cluster Keeper");
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/clusters$/);
  await expect(page.getByTestId("org-status")).toHaveAttribute("data-status", "READY", { timeout: 60_000 });
  const empty = page.getByTestId("clusters-empty");
  await expect(empty).toContainText("No Kafka clusters yet");
  await shot(page, testInfo, "01-empty");

  // The cost estimator's link pre-fills the form, and the estimate follows the inputs.
  await page.goto("/clusters/new?brokers=3&instanceType=kafka.m5.large&storageGb=500");
  const form = page.getByTestId("create-cluster-form");
  await expect(form.getByLabel("Brokers")).toHaveValue("3");
  await expect(form.getByLabel("Broker instance type")).toHaveValue("kafka.m5.large");
  await expect(form.getByLabel("Storage per broker (GB)")).toHaveValue("500");
  // 3 × $0.21 × 720 h + 3 × 500 GB × $0.10
  await expect(form.getByTestId("monthly-estimate-total")).toHaveText("$603.60");
  await shot(page, testInfo, "02-form-prefilled");

  await page.goto("/clusters");
  await empty.getByRole("link", { name: "Create cluster" }).click();
  await expect(page).toHaveURL(/\/clusters\/new$/);
  await form.getByLabel("Name").fill("Orders Cluster");
  await form.getByLabel("Brokers").fill("1");
  await form.getByLabel("Broker instance type").selectOption("kafka.t3.small");
  await form.getByLabel("Storage per broker (GB)").fill("5");
  await form.getByRole("button", { name: "Create cluster" }).click();
  // The server's field errors land under the fields.
  await expect(form.getByTestId("field-error")).toHaveCount(2);
  await expect(form.getByTestId("field-error").first()).toContainText("lowercase letters");
  await expect(form.getByTestId("field-error").nth(1)).toContainText("at least 10 GB");
  await shot(page, testInfo, "03-form-field-errors");

  await form.getByLabel("Name").fill(NAME);
  await form.getByLabel("Storage per broker (GB)").fill("20");
  await expect(form.getByTestId("monthly-estimate")).toContainText("1 × 20 GB");
  await form.getByRole("button", { name: "Create cluster" }).click();
  await page.waitForURL(/\/clusters\/[0-9a-f-]{36}$/);
  const clusterId = page.url().split("/").pop()!;
  await expect(page.getByTestId("cluster-name")).toHaveText(NAME);
  await shot(page, testInfo, "04-detail-provisioning");

  // The list polls: the new cluster shows its progress, then RUNNING, without a reload.
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Clusters" }).click();
  const row = page.getByTestId("cluster-row").filter({ hasText: NAME });
  await expect(row).toContainText("1 × kafka.t3.small");
  await expect(row).toContainText("20 GB");
  await shot(page, testInfo, "05-list-provisioning");
  await expect(row).toHaveAttribute("data-status", "RUNNING", { timeout: 120_000 });
  await expect(row.getByTestId("cluster-bootstrap")).toContainText("127.0.0.1:");
  await shot(page, testInfo, "06-list-running");

  await row.getByRole("link", { name: NAME }).click();
  await expect(page).toHaveURL(new RegExp(`/clusters/${clusterId}$`));
  const status = page.getByTestId("cluster-status");
  await expect(status).toHaveAttribute("data-status", "RUNNING");
  await expect(page.getByTestId("broker-row")).toHaveCount(1);
  await expect(page.getByTestId("broker-row").first()).toHaveAttribute("data-status", "RUNNING");
  const bootstrap = (await page.getByTestId("bootstrap-servers").textContent())!.trim();
  expect(bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
  // The Kafka version card: the release, its metadata.version as Kafka reports it, the upgrade on offer.
  const versionCard = page.getByTestId("kafka-version-card");
  await expect(versionCard.getByTestId("kafka-version")).toHaveText("3.9.2");
  await expect(versionCard).toContainText("metadata.version 3.9-IV0");
  await expect(versionCard.getByTestId("upgrade-to-4.4.0")).toBeVisible();
  await expect(page.getByTestId("broker-kafka-version")).toHaveText(["Kafka 3.9.2"]);
  await shot(page, testInfo, "07-detail-running");

  // Placeholders until the credential is revealed; the copy is exactly the snippet shown.
  await page.getByTestId("snippet-tab-kcat-produce").click();
  const code = page.getByTestId("snippet-code");
  await expect(code).toContainText("sasl.password='<password>'");
  await page.getByTestId("copy-snippet").click();
  await expect(page.getByTestId("copy-snippet")).toContainText("Copied");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain(`kcat -b ${bootstrap}`);
  expect(copied).toContain("<username>");
  await shot(page, testInfo, "08-snippet-copied");

  await page.getByTestId("reveal-admin-credential").click();
  await page.getByTestId("confirm-dialog").getByRole("button", { name: "Reveal" }).click();
  const password = (await page.getByTestId("admin-password").textContent())!.trim();
  expect(password.length).toBeGreaterThan(10);
  await expect(code).not.toContainText("<password>");
  await expect(code).toContainText(
    `sasl.username='${(await page.getByTestId("admin-username").textContent())!.trim()}'`,
  );
  await shot(page, testInfo, "09-credential-revealed");

  // The cluster is TLS-only: its CA certificate is downloaded from the card, into the folder the
  // snippets are pasted in (they read it by the name the download gets).
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), "weir-e2e-ca-"));
  const download = page.waitForEvent("download");
  await page.getByTestId("download-ca").click();
  const saved = await download;
  expect(saved.suggestedFilename()).toMatch(/-ca\.pem$/);
  await saved.saveAs(path.join(downloads, saved.suggestedFilename()));
  expect(fs.readFileSync(path.join(downloads, saved.suggestedFilename()), "utf8")).toContain("BEGIN CERTIFICATE");
  await expect(code).toContainText(`ssl.ca.location='${saved.suggestedFilename()}'`);

  // The snippets work as pasted: produce with one and read it back with the other.
  await api(page.request, "POST", `/clusters/${clusterId}/topics`, { name: "my-topic", partitions: 1 });
  await expect
    .poll(async () => (await api(page.request, "GET", `/clusters/${clusterId}/topics/my-topic`)).status, {
      timeout: 60_000,
    })
    .toBe("READY");
  await page.getByTestId("copy-snippet").click();
  const producer = await page.evaluate(() => navigator.clipboard.readText());
  await sh(producer, "hello from a copied snippet\n", downloads);
  await page.getByTestId("snippet-tab-kcat-consume").click();
  await page.getByTestId("copy-snippet").click();
  const consumer = await page.evaluate(() => navigator.clipboard.readText());
  expect(await sh(`${consumer} -e -c 1`, "", downloads)).toContain("hello from a copied snippet");

  const reveals = await api(page.request, "GET", "/audit-events?action=kafka_cluster.reveal_admin_credential");
  expect(reveals.items).toHaveLength(1);

  // Metrics: the controller samples every 15 s; the traffic above shows up in the charts.
  await expect(page.getByTestId("chart-throughput")).toBeVisible({ timeout: 60_000 });
  await expect
    .poll(
      async () => Number(await page.getByTestId("chart-throughput").getByRole("img").getAttribute("data-samples")),
      {
        timeout: 60_000,
      },
    )
    .toBeGreaterThanOrEqual(3);
  await page.getByTestId("cluster-metrics").scrollIntoViewIfNeeded();
  await shot(page, testInfo, "10-metrics");

  // Below the minimum the server's sentence shows under the field; then scale out for real.
  await page.getByTestId("change-broker-count").click();
  const scale = page.getByTestId("scale-dialog");
  await scale.getByLabel("Brokers").fill("0");
  await scale.getByRole("button", { name: /Scale in to 0/ }).click();
  await expect(scale.getByTestId("field-error")).toContainText("at least 1");
  await shot(page, testInfo, "11-scale-field-error");
  await scale.getByLabel("Brokers").fill("2");
  await scale.getByRole("button", { name: "Scale out to 2" }).click();
  await expect(scale).toBeHidden();
  await expect(status).toHaveAttribute("data-status", "UPDATING");
  await shot(page, testInfo, "12-scaling");
  await expect(status).toHaveAttribute("data-status", "RUNNING", { timeout: 180_000 });
  await expect(page.getByTestId("broker-row")).toHaveCount(2);
  await expect(page.getByTestId("bootstrap-servers")).toContainText(",");
  await shot(page, testInfo, "13-scaled-to-two");

  await page.getByTestId("delete-cluster").click();
  const del = page.getByTestId("delete-dialog");
  await del.getByTestId("confirm-name").fill("order");
  await expect(del.getByTestId("confirm-delete")).toBeDisabled();
  await del.getByTestId("confirm-name").fill(NAME);
  await shot(page, testInfo, "14-delete-confirm");
  await del.getByTestId("confirm-delete").click();
  await expect(page).toHaveURL(/\/clusters$/);
  await expect(page.getByTestId("clusters-empty")).toBeVisible({ timeout: 120_000 });
  await shot(page, testInfo, "15-deleted");
});
