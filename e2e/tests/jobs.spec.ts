// The jobs journey in the console: from JSON orders in a topic (produced with kcat) to a query in
// the SQL workspace, saved as a streaming SQL job that writes revenue per product to another
// topic, watched until it runs with its progress chart moving, its driver log searched, then
// stopped and deleted. The Kafka broker, the Spark master, worker, Spark Connect server and the
// job's driver are all real processes started by the controller.
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { asOwnClient } from "./client.ts";
import { api, kcatAs, type KafkaCredential } from "./kafka.ts";

test.use(asOwnClient());

const PASSWORD = "correct horse battery staple";
const email = `jobs-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;

let kafkaId = "";
let computeId = "";
let credential: KafkaCredential | null = null;

async function shot(page: Page, testInfo: TestInfo, name: string) {
  // From the top: a full-page screenshot of a scrolled page repeats the sticky sidebar midway.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: testInfo.outputPath(`jobs-${name}.png`), fullPage: true });
}

const kcat = (args: string[], input?: string) => kcatAs(credential!, args, input);

const PRODUCTS = ["apple", "banana", "cherry"];
/** `n` JSON orders, one a line, amounts 1..n cycling over the products. */
function orders(n: number, from = 0): string {
  const at = Date.now();
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      order_id: from + i + 1,
      product: PRODUCTS[(from + i) % PRODUCTS.length],
      amount: from + i + 1,
      ts: new Date(at + i).toISOString(),
    }),
  )
    .map((l) => `${l}\n`)
    .join("");
}

async function samplesOf(page: Page, testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).getByRole("img").getAttribute("data-samples"));
}

// Brokers and Spark JVMs are detached processes that outlive the server: delete both clusters.
test.afterAll(async ({ playwright }, testInfo) => {
  if (!kafkaId && !computeId) return;
  const request = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  try {
    await api(request, "POST", "/auth/sign-in", { email, password: PASSWORD });
    if (computeId) {
      await api(request, "DELETE", `/compute-clusters/${computeId}?confirmName=spark`);
      await expect
        .poll(async () => (await request.get(`/api/v1/compute-clusters/${computeId}`)).status(), { timeout: 180_000 })
        .toBe(404);
    }
    if (kafkaId) {
      await api(request, "DELETE", `/clusters/${kafkaId}?confirmName=events`);
      await expect
        .poll(async () => (await request.get(`/api/v1/clusters/${kafkaId}`)).status(), { timeout: 120_000 })
        .toBe(404);
    }
  } finally {
    await request.dispose();
  }
});

test("query a topic in the SQL workspace, save it as a streaming job, watch it run, read its logs", async ({
  page,
}, testInfo) => {
  test.setTimeout(900_000);
  await page.goto("/sign-in");
  await api(page.request, "POST", "/auth/sign-up", { email, password: PASSWORD, name: "Stream Builder" });
  // The controller sets the new organisation up; clusters are refused (409) until it is READY.
  await expect
    .poll(async () => (await api(page.request, "GET", "/organizations/current")).status, { timeout: 60_000 })
    .toBe("READY");

  // The clusters through the API, to save the time of their forms (the compute journey covers those).
  const kafka = await api(page.request, "POST", "/clusters", {
    name: "events",
    brokerCount: 1,
    brokerInstanceType: "kafka.m5.large",
    storageGbPerBroker: 10,
  });
  kafkaId = kafka.id;
  await expect
    .poll(async () => (await api(page.request, "GET", `/clusters/${kafkaId}`)).status, { timeout: 240_000 })
    .toBe("RUNNING");
  const compute = await api(page.request, "POST", "/compute-clusters", {
    name: "spark",
    workerCount: 1,
    workerInstanceType: "t2.small",
    kafkaClusterId: kafkaId,
  });
  computeId = compute.id;
  credential = await api(page.request, "POST", `/clusters/${kafkaId}/admin-credential`, {});
  for (const name of ["orders", "revenue"]) {
    await api(page.request, "POST", `/clusters/${kafkaId}/topics`, { name, partitions: 1 });
  }
  await expect
    .poll(
      async () => {
        const topics = await api(page.request, "GET", `/clusters/${kafkaId}/topics?filter=managed`);
        return topics.items.filter((t: { status: string }) => t.status === "READY").length;
      },
      { timeout: 60_000 },
    )
    .toBe(2);
  await kcat(["-P", "-t", "orders"], orders(30));

  // The workspace answers from the cluster's Spark Connect server, which starts after the master.
  await expect
    .poll(
      async () => {
        const c = await api(page.request, "GET", `/compute-clusters/${computeId}`);
        return `${c.status}/${c.connect?.status ?? "none"}`;
      },
      { timeout: 300_000 },
    )
    .toBe("RUNNING/RUNNING");

  // The compute cluster's page: no jobs yet, and the way to the workspace.
  await page.goto(`/compute/${computeId}`);
  const jobsCard = page.getByTestId("jobs-card");
  await expect(jobsCard.getByTestId("jobs-empty")).toContainText("No jobs on this cluster yet");
  await shot(page, testInfo, "01-no-jobs");
  await jobsCard.getByTestId("open-sql-workspace").click();
  await expect(page).toHaveURL(new RegExp(`/compute/${computeId}/sql$`));

  // Pick the topic: it becomes a view named after it; its schema is inferred from the messages.
  const topics = page.getByTestId("workspace-topics");
  await topics.getByTestId("workspace-topics-search").fill("ord");
  await topics.locator('[data-testid="topic-choice"][data-name="orders"]').click();
  const view = page.locator('[data-testid="workspace-view"][data-topic="orders"]');
  await expect(view.getByTestId("workspace-view-name")).toHaveValue("orders");
  await view.getByTestId("infer-schema").click();
  await expect(view.getByTestId("infer-schema-result")).toContainText("Inferred from 30 messages");
  await expect(view.getByTestId("schema-field")).toHaveValue(/product STRING/);
  await expect(view.getByTestId("schema-field")).toHaveValue(/amount BIGINT/);

  // A mistake first: Spark's own message lands under the editor.
  const sql = page.getByTestId("workspace-sql");
  await sql.fill("SELECT prodct FROM orders");
  await sql.press("Control+Enter");
  const sqlError = page.getByTestId("workspace-form").getByTestId("field-error");
  await expect(sqlError).toContainText("prodct", { timeout: 60_000 });
  await shot(page, testInfo, "02-workspace-spark-error");

  await sql.fill(
    "SELECT product, SUM(amount) AS revenue, COUNT(*) AS orders FROM orders GROUP BY product ORDER BY product",
  );
  await page.getByTestId("workspace-run").click();
  const result = page.getByTestId("workspace-result");
  await expect(result.getByTestId("result-row")).toHaveCount(3, { timeout: 60_000 });
  await expect(sqlError).toHaveCount(0);
  // 1..30 over three products: apple gets 1, 4, …, 28 (145), banana 2, …, 29 (155), cherry 3, …, 30 (165).
  await expect(result.getByTestId("result-row").first()).toContainText("apple");
  await expect(result.getByTestId("result-row").first()).toContainText("145");
  await expect(result.getByTestId("result-column")).toHaveCount(3);
  await expect(result.getByTestId("workspace-result-summary")).toContainText(/3 rows in \d+ ms/);
  await shot(page, testInfo, "03-workspace-rows");

  // A streaming query cannot sort; the job keeps a running total per product.
  await sql.fill("SELECT product, SUM(amount) AS revenue, COUNT(*) AS orders FROM orders GROUP BY product");
  await page.getByTestId("save-as-job").click();
  await expect(page).toHaveURL(new RegExp(`/compute/${computeId}/jobs/new\\?draft=`));
  const form = page.getByTestId("new-job-form");
  await expect(form.getByRole("radio", { name: "Streaming SQL" })).toBeChecked();
  await expect(form.getByTestId("job-sources").getByTestId("picked-topic")).toHaveText(["orders ×"]);
  await expect(form.getByTestId("schema-field")).toHaveValue(/product STRING/);
  await expect(form.getByTestId("job-sql")).toHaveValue(/GROUP BY product/);
  await expect(form.getByLabel("View name")).toHaveValue("orders");

  // Without a name or a sink the API's field errors land under those fields, and nothing typed is lost.
  await form.getByTestId("submit-job").click();
  await expect(form.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByTestId("job-sink-topic").getByTestId("field-error")).toBeVisible();
  await expect(form.getByTestId("job-sql")).toHaveValue(/GROUP BY product/);
  await shot(page, testInfo, "04-new-job-field-errors");

  await form.getByLabel("Name", { exact: true }).fill("revenue-by-product");
  const sink = form.getByTestId("job-sink-topic");
  await sink.getByTestId("job-sink-topic-search").fill("rev");
  await sink.locator('[data-testid="topic-choice"][data-name="revenue"]').click();
  await form.getByLabel("Key column (optional)").fill("product");
  await expect(form.getByTestId("sink-guarantee-sentence")).toContainText("at-least-once");
  await shot(page, testInfo, "05-new-job-filled");
  await form.getByTestId("submit-job").click();

  await page.waitForURL(new RegExp(`/compute/${computeId}/jobs/[0-9a-f-]{36}$`));
  await expect(page.getByTestId("job-name")).toHaveText("revenue-by-product");
  await expect(page.getByTestId("job-spec")).toContainText("at-least-once");
  await shot(page, testInfo, "06-job-submitted");
  const status = page.getByTestId("job-status");
  await expect(status).toHaveAttribute("data-status", "RUNNING", { timeout: 240_000 });
  await expect(page.getByTestId("job-status-meaning")).toContainText("processes micro-batches");
  await expect(page.getByTestId("job-spark-ui")).toBeVisible({ timeout: 60_000 });

  // The first batch reads the 30 orders; more orders make more batches, and the chart gets points.
  await expect.poll(() => samplesOf(page, "chart-job-rows"), { timeout: 120_000 }).toBeGreaterThanOrEqual(1);
  await kcat(["-P", "-t", "orders"], orders(15, 30));
  await expect.poll(() => samplesOf(page, "chart-job-rows"), { timeout: 120_000 }).toBeGreaterThanOrEqual(2);
  await shot(page, testInfo, "07-job-running-progress");

  // The results are in the sink topic, keyed by product (a replayed batch may repeat one: at-least-once).
  const written = await kcat(["-C", "-t", "revenue", "-o", "beginning", "-e", "-q", "-f", "%k %s\\n"]);
  expect(written).toMatch(/^apple \{.*"product":"apple".*\}$/m);

  // The driver log, searched.
  const logs = page.getByTestId("job-logs");
  await expect(logs.getByTestId("log-lines")).toBeVisible({ timeout: 60_000 });
  await logs.getByTestId("log-search").fill("spark");
  await expect
    .poll(async () => {
      const lines = await logs.getByTestId("log-lines").locator("div").allTextContents();
      return lines.length > 0 && lines.every((l) => l.toLowerCase().includes("spark"));
    })
    .toBe(true);
  await expect(logs.getByTestId("log-lines").locator("mark").first()).toBeVisible();
  await shot(page, testInfo, "08-job-logs-search");

  // Back on the cluster: the job in the list with its status, flow and rate.
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "spark", exact: true }).click();
  const row = page.locator('[data-testid="job-row"][data-name="revenue-by-product"]');
  await expect(row).toHaveAttribute("data-status", "RUNNING");
  await expect(row.getByTestId("job-flow")).toContainText("orders");
  await expect(row.getByTestId("job-flow")).toContainText("revenue");
  await expect(row.getByTestId("sink-guarantee")).toHaveAttribute("data-guarantee", "at-least-once");
  await shot(page, testInfo, "09-cluster-jobs-list");

  // Stop it, then delete it with its name typed.
  await row.getByRole("link", { name: "revenue-by-product" }).click();
  await page.getByTestId("stop-job").click();
  await expect(status).toHaveAttribute("data-status", "STOPPED", { timeout: 120_000 });
  await expect(page.getByTestId("start-job")).toBeVisible();
  await shot(page, testInfo, "10-job-stopped");
  await page.getByTestId("delete-job").click();
  const del = page.getByTestId("delete-dialog");
  await del.getByTestId("confirm-name").fill("revenue-by-product");
  await del.getByTestId("confirm-delete").click();
  await expect(page).toHaveURL(new RegExp(`/compute/${computeId}$`));
  await expect(page.getByTestId("jobs-empty")).toBeVisible({ timeout: 120_000 });
  await shot(page, testInfo, "11-job-deleted");
});
