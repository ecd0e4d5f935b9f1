// End-to-end journeys against the real stack: `pnpm start` (embedded PostgreSQL, migrations,
// the console built for production, the controller) on its own port and data directory,
// driven by Debian's Chromium.
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
// Overridable so two people (or helpers) can run journeys side by side on one machine.
const port = Number(process.env.WEIR_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "tests",
  outputDir: "test-results",
  timeout: 120_000,
  expect: { timeout: 20_000 },
  // One browser at a time: the whole stack shares two cores with it.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  // `pnpm test` reads the JSON report to count the journeys.
  reporter: [["list"], ["json", { outputFile: path.join(repoRoot, "test-results/playwright.json") }]],
  use: {
    baseURL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    permissions: ["clipboard-read", "clipboard-write"],
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: "pnpm start",
    cwd: repoRoot,
    url: `${baseURL}/sign-in`,
    timeout: 300_000,
    reuseExistingServer: false,
    // Stopped as Ctrl-C stops it (SIGINT to its process group), waiting for the brokers and the
    // database to stop, so nothing of a run outlives it.
    gracefulShutdown: { signal: "SIGINT", timeout: 90_000 },
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      EMBEDDED_PG_PORT: process.env.WEIR_E2E_PG_PORT ?? "55433",
      // A fresh database for every run, so journeys never see a previous run's data.
      WEIR_DATA_DIR: path.join(os.tmpdir(), `weir-e2e-${process.pid}`),
      // Meter every few seconds so the billing journey sees usage without waiting an hour.
      WEIR_METERING_INTERVAL_SECONDS: "5",
      // Journeys come "through a proxy" as different clients (tests/client.ts).
      WEIR_TRUSTED_PROXIES: "127.0.0.1",
    },
  },
});
