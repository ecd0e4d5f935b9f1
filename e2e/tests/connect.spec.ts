// The Kafka Connect journey: a Connect cluster created in the console on a running Kafka cluster,
// a Postgres CDC connector made with the guided form against a real PostgreSQL with
// wal_level=logical (the user's database, started here), its task RUNNING, and a row inserted and
// one updated arriving in the CDC topic: in the console's message browser and read with kcat; the
// connector's page (status, throughput from the worker's metrics, events); then a JDBC sink from
// its guided form writing keyed records of a topic into a table of the same database (a later
// record for a key replaces its row). The database password goes in through the forms only; no
// page, API answer or Connect REST answer shows it.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { startEmbeddedPostgres, type EmbeddedPg } from "../../packages/db/src/embedded.ts";
import { asOwnClient } from "./client.ts";
import { api, kcatAs, type KafkaCredential } from "./kafka.ts";

test.use(asOwnClient());

const PASSWORD = "correct horse battery staple";
const KAFKA = "cdc-kafka";
const CONNECT = "cdc";
const CONNECTOR = "orders-cdc";
const PREFIX = "shop";
const TOPIC = `${PREFIX}.public.orders`;
const SINK = "orders-to-pg";
const SINK_TOPIC = "orders_copy";
// The user's database credential: a role that may replicate and owns the captured table (the
// connector creates its publication), with a password no page may show.
const DB_USER = "shop_cdc";
const DB_PASSWORD = `cdc-${randomBytes(12).toString("hex")}`;

// pg comes from @weir/db (e2e has no dependencies of its own beyond Playwright).
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}
const pg = createRequire(fileURLToPath(new URL("../../packages/db/package.json", import.meta.url)))("pg") as {
  Client: new (opts: { connectionString: string }) => PgClient;
};

let userDb: EmbeddedPg | null = null;
let userDbDir = "";
let userDbPort = 0;
let email = "";
let kafkaId = "";
let connectId = "";

async function shot(page: Page, testInfo: TestInfo, name: string, fullPage = true) {
  // From the top: a full-page screenshot of a scrolled page repeats the sticky sidebar midway.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: testInfo.outputPath(`connect-${name}.png`), fullPage });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs statements on the user's database `shop` as its superuser. */
async function shop(...sql: string[]) {
  const c = new pg.Client({ connectionString: userDb!.url("shop") });
  await c.connect();
  try {
    for (const s of sql) await c.query(s);
  } finally {
    await c.end();
  }
}

test.beforeAll(async () => {
  // The user's database: a second, real PostgreSQL with logical decoding on, on a port of its own.
  userDbDir = await mkdtemp(path.join(os.tmpdir(), "weir-e2e-userdb-"));
  userDbPort = await freePort();
  userDb = await startEmbeddedPostgres({
    dataDir: path.join(userDbDir, "data"),
    port: userDbPort,
    settings: { wal_level: "logical", max_replication_slots: "4", max_wal_senders: "4" },
  });
  const admin = new pg.Client({ connectionString: userDb.url() });
  await admin.connect();
  try {
    await admin.query("CREATE DATABASE shop");
    await admin.query(`CREATE ROLE ${DB_USER} LOGIN REPLICATION PASSWORD '${DB_PASSWORD}'`);
    await admin.query(`GRANT CREATE ON DATABASE shop TO ${DB_USER}`);
  } finally {
    await admin.end();
  }
  await shop(
    "CREATE TABLE public.orders (id int PRIMARY KEY, customer text NOT NULL, total_cents int NOT NULL)",
    "INSERT INTO public.orders VALUES (1, 'Ada Lovelace', 1200), (2, 'Grace Hopper', 4500), (3, 'Alan Turing', 800)",
    `ALTER TABLE public.orders OWNER TO ${DB_USER}`,
    // The JDBC sink creates its table.
    `GRANT CREATE, USAGE ON SCHEMA public TO ${DB_USER}`,
  );
});

// Workers and brokers are detached processes that outlive the server: delete the Connect cluster,
// then the Kafka cluster, then stop the user's database, so nothing of the run is left.
test.afterAll(async ({ playwright }, testInfo) => {
  try {
    if (email && (connectId || kafkaId)) {
      const request = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
      try {
        await api(request, "POST", "/auth/sign-in", { email, password: PASSWORD });
        if (connectId) {
          await api(request, "DELETE", `/connect-clusters/${connectId}?confirmName=${CONNECT}`);
          await expect
            .poll(async () => (await request.get(`/api/v1/connect-clusters/${connectId}`)).status(), {
              timeout: 180_000,
            })
            .toBe(404);
        }
        if (kafkaId) {
          await api(request, "DELETE", `/clusters/${kafkaId}?confirmName=${KAFKA}`);
          await expect
            .poll(async () => (await request.get(`/api/v1/clusters/${kafkaId}`)).status(), { timeout: 180_000 })
            .toBe(404);
        }
      } finally {
        await request.dispose();
      }
    }
  } finally {
    await userDb?.stop();
    if (userDbDir) await rm(userDbDir, { recursive: true, force: true });
  }
});

test("a Connect cluster, a Postgres CDC connector from the guided form, changes in the message browser", async ({
  page,
}, testInfo) => {
  test.setTimeout(900_000);

  // Every answer the browser receives, kept to check that none carries the database password.
  const answers: Promise<{ url: string; text: string } | null>[] = [];
  page.on("response", (r) => {
    answers.push(
      r.text().then(
        (text) => ({ url: r.url(), text }),
        () => null,
      ),
    );
  });

  email = `connect-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Stream Keeper");
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/clusters$/);
  await expect(page.getByTestId("org-status")).toHaveAttribute("data-status", "READY", { timeout: 60_000 });

  // The Kafka cluster the workers attach to: one broker, through the API.
  const cluster = await api(page.request, "POST", "/clusters", {
    name: KAFKA,
    brokerCount: 1,
    brokerInstanceType: "kafka.m5.large",
    storageGbPerBroker: 10,
  });
  kafkaId = cluster.id;
  await expect
    .poll(async () => (await api(page.request, "GET", `/clusters/${kafkaId}`)).status, { timeout: 240_000 })
    .toBe("RUNNING");

  // The Connect cluster, in the console.
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Connect" }).click();
  const empty = page.getByTestId("connect-empty");
  await expect(empty).toContainText("No Connect clusters yet");
  await shot(page, testInfo, "01-empty");
  await page.getByTestId("create-connect-cluster").first().click();
  await expect(page).toHaveURL(/\/connect\/new$/);
  const form = page.getByTestId("create-connect-form");
  await form.getByLabel("Name").fill(CONNECT);
  await expect(form.getByLabel("Kafka cluster")).toHaveValue(kafkaId);
  await form.getByLabel("Workers").fill("1");
  await expect(form.getByTestId("monthly-estimate-total")).toHaveText(/^\$\d/);
  await shot(page, testInfo, "02-create-form");
  await form.getByTestId("create-connect-submit").click();
  await page.waitForURL(/\/connect\/[0-9a-f-]{36}$/);
  connectId = page.url().split("/").pop()!;
  await expect(page.getByTestId("cluster-name")).toHaveText(CONNECT);
  await shot(page, testInfo, "03-detail-provisioning");
  await expect(page.getByTestId("overview-status")).toHaveAttribute("data-status", "RUNNING", { timeout: 300_000 });
  const worker = page.getByTestId("connect-worker");
  await expect(worker).toHaveCount(1);
  await expect(worker).toHaveAttribute("data-status", "RUNNING");
  await expect(page.getByTestId("connectors-empty")).toBeVisible();
  await shot(page, testInfo, "04-detail-running");

  // The connector, with the guided Postgres CDC form.
  await page.getByTestId("new-connector").click();
  const dialog = page.getByTestId("new-connector-dialog");
  await expect(dialog.getByLabel("Kind")).toHaveValue("postgres-cdc");
  await dialog.getByLabel("Name").fill(CONNECTOR);
  await dialog.getByLabel("Database URL").fill(`postgresql://${DB_USER}@127.0.0.1:${userDbPort}/shop`);
  await dialog.getByLabel("Database password").fill(DB_PASSWORD);
  await dialog.getByLabel("Tables").fill("public.orders");
  await dialog.getByLabel("Snapshot mode").selectOption("initial");
  await dialog.getByLabel("Topic prefix").fill(PREFIX);
  await expect(dialog.getByTestId("cdc-topic-preview").locator("li")).toHaveText([TOPIC]);
  // The viewport only: a full page would show the page below the dialog's overlay unshaded.
  await shot(page, testInfo, "05-cdc-form", false);
  // Connect validates the config (and reaches the database) before anything is saved.
  await dialog.getByTestId("create-connector-submit").click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });

  const row = page.getByTestId("connector-row").filter({ hasText: CONNECTOR });
  await expect(row).toHaveAttribute("data-status", "RUNNING", { timeout: 180_000 });
  const task = row.getByTestId("connector-task");
  await expect(task).toHaveCount(1, { timeout: 60_000 });
  await expect(task).toHaveAttribute("data-state", "RUNNING", { timeout: 60_000 });
  await expect(row).toContainText("debezium-postgres");
  await shot(page, testInfo, "06-connector-running");

  // The user's application writes: a new order, and a change to an old one.
  await shop(
    "INSERT INTO public.orders VALUES (4, 'Hedy Lamarr', 9900)",
    "UPDATE public.orders SET total_cents = 4700 WHERE id = 2",
  );

  // The three snapshot rows, the insert and the update, in the console's message browser.
  await page.goto(`/clusters/${kafkaId}/messages?topic=${TOPIC}`);
  await expect(page.getByTestId("browse-topic")).toHaveValue(TOPIC);
  await expect(async () => {
    await page.getByTestId("browse-submit").click();
    await expect(page.getByTestId("message-row")).toHaveCount(5, { timeout: 5_000 });
  }).toPass({ timeout: 120_000 });
  await expect(page.getByTestId("message-row").filter({ hasText: "Hedy Lamarr" })).toHaveCount(1);
  await page.getByTestId("filter-value").fill('"total_cents":4700');
  await page.getByTestId("browse-submit").click();
  await expect(page.getByTestId("message-row")).toHaveCount(1);
  await page.getByTestId("message-row").click();
  await expect(page.getByTestId("message-detail")).toContainText("Grace Hopper");
  await expect(page.getByTestId("message-detail")).toContainText(/"op": ?"u"/);
  await shot(page, testInfo, "07-messages-update");
  await page.getByTestId("filter-value").fill("");
  await page.getByTestId("browse-submit").click();
  await expect(page.getByTestId("message-row")).toHaveCount(5);
  await shot(page, testInfo, "08-messages-all");

  // The same topic with kcat as an outside client: each change's operation and the row after it.
  const credential: KafkaCredential = await api(page.request, "POST", `/clusters/${kafkaId}/admin-credential`, {});
  const out = await kcatAs(credential, ["-C", "-t", TOPIC, "-o", "beginning", "-e", "-q", "-f", "%s\\n"]);
  const changes = out
    .trim()
    .split("\n")
    // Schemaless JSON (the guided form turns schemas off): each message is the change event itself.
    .map((line) => JSON.parse(line) as { op: string; after: Record<string, unknown> | null })
    .map((p) => `${p.op} ${p.after?.id}:${p.after?.customer}:${p.after?.total_cents}`);
  expect(changes).toEqual([
    "r 1:Ada Lovelace:1200",
    "r 2:Grace Hopper:4500",
    "r 3:Alan Turing:800",
    "c 4:Hedy Lamarr:9900",
    "u 2:Grace Hopper:4700",
  ]);

  // The password went in once. No API answer about the connector shows it, nor Connect's own
  // REST API on the worker (the config refers to a secret file instead), nor any page.
  const connectors = await api(page.request, "GET", `/connect-clusters/${connectId}/connectors`);
  expect(connectors.items.map((k: { name: string }) => k.name)).toEqual([CONNECTOR]);
  const connector = await api(page.request, "GET", `/connect-clusters/${connectId}/connectors/${CONNECTOR}`);
  expect(connector.secretKeys).toEqual(["database.password"]);
  expect(connector.config["database.user"]).toBe(DB_USER);
  const connect = await api(page.request, "GET", `/connect-clusters/${connectId}`);
  const looked: [string, unknown][] = [
    ["connectors", connectors],
    ["connector", connector],
    [
      "connector events",
      await api(page.request, "GET", `/connect-clusters/${connectId}/connectors/${CONNECTOR}/events`),
    ],
    ["connect cluster", connect],
    ["connect events", await api(page.request, "GET", `/connect-clusters/${connectId}/events`)],
    ["audit events", await api(page.request, "GET", "/audit-events")],
  ];
  for (const w of connect.workers as { address: string }[]) {
    const held = await page.request.get(`http://${w.address}/connectors/${CONNECTOR}/config`);
    expect(held.ok()).toBe(true);
    const config = await held.json();
    expect(config["database.password"]).toMatch(/^\$\{dir:.+\}$/);
    looked.push([`Connect REST on ${w.address}`, config]);
  }
  for (const [what, body] of looked) {
    expect(JSON.stringify(body), `${what} shows the database password`).not.toContain(DB_PASSWORD);
  }
  await page.goto(`/connect/${connectId}`);
  await expect(row).toHaveAttribute("data-status", "RUNNING");
  await expect(page.getByTestId("cluster-event").first()).toBeVisible();
  expect(await page.content()).not.toContain(DB_PASSWORD);
  await shot(page, testInfo, "09-detail-with-connector");

  // The connector's own page: status, the throughput its worker's task metrics report, its events.
  await row.getByTestId("connector-link").click();
  await expect(page).toHaveURL(new RegExp(`/connect/${connectId}/connectors/${CONNECTOR}$`));
  await expect(page.getByTestId("connector-status")).toHaveAttribute("data-status", "RUNNING");
  await expect(page.getByTestId("connector-task")).toHaveAttribute("data-state", "RUNNING");
  await expect(page.getByTestId("records-out-per-sec")).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId("cluster-event").filter({ hasText: "Created the connector" })).toHaveCount(1);
  await expect(page.getByTestId("connector-config-card").locator("textarea[name=config]")).toHaveValue(
    /table\.include\.list=public\.orders/,
  );
  await shot(page, testInfo, "10-connector-page");

  // A JDBC sink from its guided form: keyed records (JSON with their schema) into a table.
  await api(page.request, "POST", `/clusters/${kafkaId}/topics`, {
    name: SINK_TOPIC,
    partitions: 1,
    replicationFactor: 1,
  });
  const keySchema = { type: "struct", fields: [{ field: "id", type: "int32", optional: false }] };
  const valueSchema = {
    type: "struct",
    fields: [
      { field: "id", type: "int32", optional: false },
      { field: "customer", type: "string", optional: true },
    ],
  };
  const record = (id: number, customer: string) =>
    `${JSON.stringify({ schema: keySchema, payload: { id } })}|${JSON.stringify({ schema: valueSchema, payload: { id, customer } })}`;
  await kcatAs(
    credential,
    ["-P", "-t", SINK_TOPIC, "-K", "|"],
    [record(1, "Ada"), record(2, "Grace"), record(1, "Ada Byron")].join("\n") + "\n",
  );
  await page.goto(`/connect/${connectId}`);
  await page.getByTestId("new-connector").click();
  await dialog.getByLabel("Kind").selectOption("jdbc-sink");
  await dialog.getByLabel("Name", { exact: true }).fill(SINK);
  await dialog.getByLabel("Topics", { exact: true }).fill(SINK_TOPIC);
  await dialog.getByLabel("Database URL").fill(`postgresql://${DB_USER}@127.0.0.1:${userDbPort}/shop`);
  await dialog.getByLabel("Database password").fill(DB_PASSWORD);
  await expect(dialog.getByLabel("Table name format")).toHaveValue("${topic}");
  await expect(dialog.getByLabel("Upsert by key")).toBeChecked();
  await expect(dialog.getByLabel("Create the table")).toBeChecked();
  await expect(dialog.getByTestId("sink-preview").locator("li")).toHaveText([`${SINK_TOPIC} → ${SINK_TOPIC}`]);
  await expect(dialog.getByTestId("sink-preview")).toContainText(`connect-${SINK}`);
  await shot(page, testInfo, "11-sink-form", false);
  await dialog.getByTestId("create-connector-submit").click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
  const sinkRow = page.getByTestId("connector-row").filter({ hasText: SINK });
  await expect(sinkRow).toHaveAttribute("data-status", "RUNNING", { timeout: 180_000 });
  await expect
    .poll(
      async () => {
        const c = new pg.Client({ connectionString: userDb!.url("shop") });
        await c.connect();
        try {
          const q = await c.query(`SELECT id, customer FROM ${SINK_TOPIC} ORDER BY id`).catch(() => ({ rows: [] }));
          return q.rows.map((r) => `${r.id}:${r.customer}`);
        } finally {
          await c.end();
        }
      },
      { timeout: 120_000 },
    )
    .toEqual(["1:Ada Byron", "2:Grace"]);
  await shot(page, testInfo, "12-sink-running");
  const seen = (await Promise.all(answers)).filter((a) => a !== null);
  expect(seen.length).toBeGreaterThan(10);
  expect(
    seen.filter((a) => a.text.includes(DB_PASSWORD)).map((a) => a.url),
    "answers that show the database password",
  ).toEqual([]);
});
