// The compute cluster journey in the console: from the empty Compute page to a running Spark
// cluster (a real master and worker started by the controller), its Spark UI through the
// console's authenticated proxy (and not for anyone else), scaling out to two workers, and
// deleting it with a typed name.
import { expect, test, type Browser, type Page, type TestInfo } from "@playwright/test";
import { asOwnClient } from "./client.ts";

test.use(asOwnClient());

const PASSWORD = "correct horse battery staple";
const NAME = "etl";

async function shot(page: Page, testInfo: TestInfo, name: string) {
  // From the top: a full-page screenshot of a scrolled page repeats the sticky sidebar midway.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: testInfo.outputPath(`compute-${name}.png`), fullPage: true });
}

async function signUp(page: Page, who: string) {
  const email = `${who}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Spark Keeper");
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/clusters$/);
  await expect(page.getByTestId("org-status")).toHaveAttribute("data-status", "READY", { timeout: 60_000 });
}

/** What someone else, signed in to their own organisation, gets at this cluster's Spark UI. */
async function strangerStatus(browser: Browser, baseURL: string, path: string): Promise<number> {
  const context = await browser.newContext({ baseURL });
  try {
    const page = await context.newPage();
    await signUp(page, "stranger");
    return (await context.request.get(path, { maxRedirects: 0 })).status();
  } finally {
    await context.close();
  }
}

test("create a compute cluster, watch it run, open its Spark UI, scale it, delete it", async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(600_000);
  const baseURL = testInfo.project.use.baseURL!;
  await signUp(page, "compute");

  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Compute" }).click();
  const empty = page.getByTestId("compute-empty");
  await expect(empty).toContainText("No Spark compute clusters yet");
  await shot(page, testInfo, "01-empty");

  await empty.getByRole("link", { name: "Create compute cluster" }).click();
  await expect(page).toHaveURL(/\/compute\/new$/);
  const form = page.getByTestId("create-compute-form");
  await form.getByLabel("Worker instance type").selectOption("t2.small");
  await form.getByLabel("Workers").fill("3");
  // 3 × $0.073 × 720 h
  await expect(form.getByTestId("monthly-estimate-total")).toHaveText("$157.68");
  await form.getByLabel("Workers").fill("1");
  await expect(form.getByTestId("monthly-estimate-total")).toHaveText("$52.56");
  // The server's field error lands under the field it names.
  await form.getByLabel("Name").fill("Nightly ETL");
  await form.getByRole("button", { name: "Create compute cluster" }).click();
  await expect(form.getByTestId("field-error")).toHaveCount(1);
  await expect(form.getByTestId("field-error")).toContainText("lowercase letters");
  await shot(page, testInfo, "02-form-field-error");

  await form.getByLabel("Name").fill(NAME);
  await form.getByRole("button", { name: "Create compute cluster" }).click();
  await page.waitForURL(/\/compute\/[0-9a-f-]{36}$/);
  const clusterId = page.url().split("/").pop()!;
  await expect(page.getByTestId("cluster-name")).toHaveText(NAME);
  await shot(page, testInfo, "03-detail-provisioning");

  // The list polls: the new cluster shows its progress, then RUNNING, without a reload.
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Compute" }).click();
  const row = page.getByTestId("compute-row").filter({ hasText: NAME });
  await expect(row).toContainText("1 × t2.small");
  await shot(page, testInfo, "04-list-provisioning");
  await expect(row).toHaveAttribute("data-status", "RUNNING", { timeout: 180_000 });
  await expect(row.getByTestId("compute-workers-running")).toHaveText("1 of 1 running");
  await shot(page, testInfo, "05-list-running");

  await row.getByRole("link", { name: NAME }).click();
  await expect(page).toHaveURL(new RegExp(`/compute/${clusterId}$`));
  const status = page.getByTestId("cluster-status");
  await expect(status).toHaveAttribute("data-status", "RUNNING");
  const master = page.locator('[data-testid="spark-node-row"][data-role="master"]');
  const workers = page.locator('[data-testid="spark-node-row"][data-role="worker"]');
  await expect(master).toHaveAttribute("data-status", "RUNNING");
  await expect(workers).toHaveCount(1);
  await expect(workers.first()).toHaveAttribute("data-status", "RUNNING");
  await expect(page.getByTestId("master-url")).toContainText("spark://127.0.0.1:");
  await shot(page, testInfo, "06-detail-running");

  // The master's UI, through the console: under /spark-ui/<id>, never on a port of its own.
  const [ui] = await Promise.all([page.context().waitForEvent("page"), page.getByTestId("open-spark-ui").click()]);
  await ui.waitForLoadState();
  expect(ui.url().startsWith(`${baseURL}/spark-ui/${clusterId}`)).toBe(true);
  await expect(ui.locator("body")).toContainText(/Workers:\s*1 Alive/);
  await expect(ui.locator("body")).toContainText("Status: ALIVE");
  await shot(ui, testInfo, "07-spark-master-ui");

  // Spark links its environment page from the root and redirects to add a slash; both stay in the proxy.
  await ui.getByRole("link", { name: "Environment" }).click();
  await expect(ui).toHaveURL(new RegExp(`/spark-ui/${clusterId}/environment`));
  await expect(ui.locator("body")).toContainText("Spark Properties");
  await ui.goBack();

  // The worker's UI, which the master proxies, from the master's page.
  await ui
    .getByRole("link", { name: /^worker-/ })
    .first()
    .click();
  await expect(ui).toHaveURL(new RegExp(`/spark-ui/${clusterId}/proxy/worker-`));
  await expect(ui.locator("body")).toContainText("Running Executors");
  await shot(ui, testInfo, "08-spark-worker-ui");
  await ui.close();

  // Nobody else gets in: signed out is sent to sign-in, another organisation gets a 404.
  const anonymous = await browser.newContext({ baseURL });
  const signedOut = await anonymous.request.get(`/spark-ui/${clusterId}`, {
    headers: { accept: "text/html" },
    maxRedirects: 0,
  });
  expect(signedOut.status()).toBe(303);
  expect(signedOut.headers().location).toBe(`/sign-in?next=${encodeURIComponent(`/spark-ui/${clusterId}`)}`);
  expect((await anonymous.request.get(`/spark-ui/${clusterId}/json/`)).status()).toBe(401);
  await anonymous.close();
  expect(await strangerStatus(browser, baseURL, `/spark-ui/${clusterId}`)).toBe(404);

  // Metrics: the controller samples the master every 15 s.
  await expect
    .poll(async () => Number(await page.getByTestId("chart-workers").getByRole("img").getAttribute("data-samples")), {
      timeout: 60_000,
    })
    .toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId("compute-metrics")).toContainText(/Alive\s*1/);
  await shot(page, testInfo, "09-metrics");

  await page.getByTestId("change-worker-count").click();
  const scale = page.getByTestId("scale-dialog");
  await scale.getByLabel("Workers").fill("2");
  await scale.getByRole("button", { name: /Add workers: 2 in all/ }).click();
  await expect(scale).toBeHidden();
  await expect(status).toHaveAttribute("data-status", "UPDATING");
  await shot(page, testInfo, "10-scaling");
  await expect(status).toHaveAttribute("data-status", "RUNNING", { timeout: 180_000 });
  await expect(workers).toHaveCount(2);
  await expect(workers.nth(0)).toHaveAttribute("data-status", "RUNNING");
  await expect(workers.nth(1)).toHaveAttribute("data-status", "RUNNING");
  await expect(page.getByTestId("workers-running")).toHaveText("2 of 2 running");
  await expect(workers.nth(1).getByTestId("spark-ui-link")).toBeVisible({ timeout: 30_000 });
  await shot(page, testInfo, "11-scaled-to-two");

  await page.getByTestId("delete-compute-cluster").click();
  const del = page.getByTestId("delete-dialog");
  await del.getByTestId("confirm-name").fill("et");
  await expect(del.getByTestId("confirm-delete")).toBeDisabled();
  await del.getByTestId("confirm-name").fill(NAME);
  await shot(page, testInfo, "12-delete-confirm");
  await del.getByTestId("confirm-delete").click();
  await expect(page).toHaveURL(/\/compute$/);
  await expect(page.getByTestId("compute-empty")).toBeVisible({ timeout: 120_000 });
  await shot(page, testInfo, "13-deleted");
});
