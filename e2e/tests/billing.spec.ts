// The billing journeys: the public cost estimator (shareable, pre-filling the cluster form) and
// the billing page over usage metered by the real controller from run intervals, written here
// the way the cluster reconciler writes them.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { asOwnClient } from "./client.ts";

test.use(asOwnClient());

const PASSWORD = "correct horse battery staple";
// The e2e server's own embedded Postgres (see playwright.config.ts); pg comes from @weir/db.
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
}
const pg = createRequire(fileURLToPath(new URL("../../packages/db/package.json", import.meta.url)))("pg") as {
  Client: new (opts: { connectionString: string }) => PgClient;
};
const databaseUrl = `postgresql://weir:weir@127.0.0.1:${process.env.WEIR_E2E_PG_PORT ?? "55433"}/postgres`;

function uniqueEmail(who: string): string {
  return `${who}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

async function shot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

test("public estimator: size a workload, share the link, refuse absurd input, create this cluster", async ({
  page,
}, testInfo) => {
  await page.goto("/estimator?write=1&fanout=1&retention=24&rf=3&partitions=100&type=kafka.m5.large&brokers=3");
  await expect(page.getByRole("heading", { name: "Cost estimator" })).toBeVisible();
  // The golden estimate: 3 × m5.large (453.60) + 360 GB-month (36.00) + 2,592 GB out (259.20).
  await expect(page.getByTestId("estimate-cluster")).toHaveText("3 × kafka.m5.large");
  await expect(page.getByTestId("estimate-total")).toHaveText("$748.80");
  await expect(page.getByTestId("estimate-line").filter({ hasText: "kafka.m5.large" })).toContainText("$453.60");
  await expect(page.getByTestId("estimate-reasoning")).toContainText("each broker carries 2 MB/s");
  await expect(page.getByTestId("estimate-option")).toHaveCount(3);
  await expect(page.getByTestId("estimate-chart").getByTestId("chart-bar")).toHaveCount(3);
  await shot(page, testInfo, "01-estimator-golden");

  // Let it size the cluster for 3 MB/s (50 MB/s kept a day would need 17 brokers, over the
  // project quota of 9) with Spark workers; the inputs go into the URL.
  const form = page.getByTestId("estimator-form");
  await form.getByLabel("Write MB/s").fill("3");
  await form.getByLabel("Brokers").fill("");
  await form.getByLabel("Broker instance type").selectOption("auto");
  // Exact labels: the Kafka Connect fieldset has "Connect workers" and "Connect worker type".
  await form.getByLabel("Workers", { exact: true }).fill("2");
  await form.getByLabel("Worker type", { exact: true }).selectOption("t2.large");
  await form.getByLabel("Connect workers").fill("1");
  await expect(page).toHaveURL(/write=3&/);
  await expect(page).toHaveURL(/type=auto/);
  await expect(page).toHaveURL(/[?&]workers=2/);
  await expect(page).toHaveURL(/connectWorkers=1/);
  await expect(page.getByTestId("estimate-line").filter({ hasText: "t2.large" })).toBeVisible();
  // One Connect worker all month: 720 h × $0.11.
  await expect(page.getByTestId("estimate-line").filter({ hasText: "connect.1mcu" })).toContainText("$79.20");
  const cluster = (await page.getByTestId("estimate-cluster").textContent())!;
  const total = (await page.getByTestId("estimate-total").textContent())!;
  await shot(page, testInfo, "02-estimator-sized");

  // Shared: the copied link shows the same estimate to someone else.
  await page.getByTestId("copy-estimate-link").click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(page.url());
  const other = await page.context().browser()!.newPage();
  await other.goto(link);
  await expect(other.getByTestId("estimate-cluster")).toHaveText(cluster);
  await expect(other.getByTestId("estimate-total")).toHaveText(total);
  await other.close();

  // "Create this cluster" opens the cluster form pre-filled, after sign-in.
  const [brokers, instanceType] = cluster.split(" × ");
  const href = await page.getByTestId("create-this-cluster").getAttribute("href");
  const next = new URL(href!, page.url()).searchParams.get("next")!;
  const target = new URL(next, page.url());
  expect(target.pathname).toBe("/clusters/new");
  expect(target.searchParams.get("brokers")).toBe(brokers);
  expect(target.searchParams.get("instanceType")).toBe(instanceType);
  expect(Number(target.searchParams.get("storageGb"))).toBeGreaterThan(0);

  // Absurd input: the field says what is wrong.
  await form.getByLabel("Retention (hours)").fill("-1");
  await expect(form.getByTestId("field-error")).toHaveText("Must not be negative");
  await form.getByLabel("Retention (hours)").fill("24");
  await form.getByLabel("Write MB/s").fill("10000000000");
  await expect(form.getByTestId("field-error")).toContainText("at most 1,000,000 MB/s");
  await shot(page, testInfo, "03-estimator-absurd");
  await form.getByLabel("Write MB/s").fill("200000");
  await expect(page.getByTestId("estimate-reasoning")).toContainText("No offered size fits this workload");
  await expect(page.getByTestId("create-this-cluster")).toHaveCount(0);
  await shot(page, testInfo, "04-estimator-no-size-fits");

  await page.goto(href!);
  await expect(page).toHaveURL(/\/sign-in\?next=/);
});

test("billing: metered usage, invoice lines, daily spend, CSV export, a budget notice", async ({ page }, testInfo) => {
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Ada Lovelace");
  await page.getByLabel("Work email").fill(uniqueEmail("billing"));
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel("Organisation name (optional)").fill("Ledger Co");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/clusters$/);
  await expect(page.getByTestId("org-status")).toHaveAttribute("data-status", "READY", { timeout: 60_000 });

  await page.getByRole("link", { name: "Billing" }).click();
  await expect(page).toHaveURL(/\/billing$/);
  await expect(page.getByTestId("billing-empty")).toBeVisible();
  await expect(page.getByTestId("billing-mtd-value")).toHaveText("$0.00");
  await shot(page, testInfo, "05-billing-empty");

  // Brokers that ran, as the cluster reconciler records them: three m5.large for the last 30
  // hours and still running, one t3.small that ran for five hours (within this month, which is
  // what the month-to-date invoice covers).
  const org = await (await page.request.get("/api/v1/organizations/current")).json();
  const H = 3_600_000;
  const now = Date.now();
  const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
  const start = Math.max(now - 30 * H, monthStart);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rows: unknown[][] = [];
    for (let i = 0; i < 3; i++) {
      for (const [dimension, sku, q] of [
        ["BROKER_HOURS", "kafka.m5.large", 1],
        ["STORAGE_GB_HOURS", "kafka.storage", 500],
      ])
        rows.push(["orders-id", "orders", `orders-${i}`, dimension, sku, q, new Date(start), null]);
    }
    rows.push([
      "clicks-id",
      "clicks",
      "clicks-0",
      "BROKER_HOURS",
      "kafka.t3.small",
      1,
      new Date(now - 29 * 3_600_000),
      new Date(now - 24 * 3_600_000),
    ]);
    for (const r of rows) {
      await client.query(
        `INSERT INTO run_intervals (id, org_id, resource_kind, resource_id, resource_name, instance_id, dimension, sku, quantity, started_at, ended_at)
         VALUES (gen_random_uuid(), $1, 'KafkaCluster', $2, $3, $4, $5::"UsageDimension", $6, $7, $8, $9)`,
        [org.id, ...r],
      );
    }
  } finally {
    await client.end();
  }

  // The controller meters every few seconds in this stack (WEIR_METERING_INTERVAL_SECONDS).
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("invoice-row")).toHaveCount(1, { timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await expect(page.getByTestId("billing-mtd-value")).not.toHaveText("$0.00");
  await expect(page.getByTestId("daily-spend-chart").getByTestId("chart-bar").first()).toBeVisible();
  const mtd = (await page.getByTestId("billing-mtd-value").textContent())!;
  const forecast = Number((await page.getByTestId("billing-forecast-value").textContent())!.replace(/[$,]/g, ""));
  expect(forecast).toBeGreaterThanOrEqual(Number(mtd.replace(/[$,]/g, "")));
  await shot(page, testInfo, "06-billing-month-to-date");

  await page.getByTestId("invoice-row").getByRole("button", { name: "View" }).click();
  const detail = page.getByTestId("invoice-detail");
  const large = detail.getByTestId("invoice-line").filter({ hasText: "kafka.m5.large" });
  await expect(large).toContainText("orders");
  // Three brokers, whole started hours, at $0.21 each.
  const hours = Number((await large.locator("td").nth(2).textContent())!.replace(/[^\d.]/g, ""));
  expect(hours % 3).toBe(0);
  // Every clock hour from the one the brokers started in to the current one counts.
  expect(hours).toBeGreaterThanOrEqual(3 * (Math.floor(now / H) - Math.floor(start / H) + 1));
  await expect(large).toContainText(`$${((hours * 21) / 100).toFixed(2)}`);
  // Five hours that do not start on the hour touch six clock hours: a started hour counts.
  const clickHours = Math.ceil((start + 5 * H) / H) - Math.floor(start / H);
  await expect(detail.getByTestId("invoice-line").filter({ hasText: "kafka.t3.small" })).toContainText(
    `${clickHours} hour`,
  );
  await expect(detail.getByTestId("invoice-detail-total")).toHaveText(mtd);
  await shot(page, testInfo, "07-invoice-detail");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    detail.getByTestId("export-invoice-csv").click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^weir-invoice-\d{4}-\d{2}\.csv$/);
  const csv = await (await import("node:fs/promises")).readFile((await download.path())!, "utf8");
  expect(csv.split("\r\n")[0]).toContain("resource_name,dimension,sku,quantity,unit,unit_price,amount");
  expect(csv).toContain(",orders,BROKER_HOURS,kafka.m5.large,");

  // A budget below what is spent raises the notice and an audit event.
  const budget = page.getByTestId("budget-form");
  await budget.getByLabel(/Monthly budget/).fill("10");
  await budget.getByLabel("Notice at (% of budget)").fill("50");
  await budget.getByRole("button", { name: "Save budget" }).click();
  await expect(page.getByTestId("budget-notice")).toContainText("Budget threshold reached");
  await shot(page, testInfo, "08-budget-notice");
  const audit = await (await page.request.get("/api/v1/audit-events?action=budget.")).json();
  expect(audit.items.map((e: { action: string }) => e.action)).toEqual(["budget.threshold_crossed", "budget.update"]);

  // The console's estimator links straight to the cluster form.
  await page.getByRole("link", { name: "Cost estimator" }).click();
  await expect(page.getByTestId("create-this-cluster")).toHaveAttribute(
    "href",
    /^\/clusters\/new\?brokers=\d+&instanceType=kafka\.[a-z0-9.]+&storageGb=\d+$/,
  );
});
