// `pnpm test`: lint, format and type checks, then unit and integration tests (Vitest, against
// real Postgres), then end-to-end journeys (Playwright in Debian's Chromium). Ends with one
// line counting every test: "tests: N passed, N failed".
import { spawn } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { repoRoot } from "@weir/env";

const results = path.join(repoRoot, "test-results");
const bin = (name: string) => path.join(repoRoot, "node_modules/.bin", name);

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: "inherit" });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

async function readJson(file: string): Promise<any> {
  return JSON.parse(await readFile(file, "utf8").catch(() => "null"));
}

async function main() {
  await mkdir(results, { recursive: true });
  const only = process.argv[2]; // "unit" or "e2e" to run one stage
  let passed = 0;
  let failed = 0;
  let exit = 0;

  if (!only) {
    console.log("\n== checks: format, lint, types ==");
    if ((await run("pnpm", ["run", "check"])) !== 0) exit = 1;
  }

  if (!only || only === "unit") {
    console.log("\n== unit and integration tests (Vitest, real PostgreSQL) ==");
    const file = path.join(results, "vitest.json");
    const code = await run(bin("vitest"), [
      "run",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${file}`,
    ]);
    const r = await readJson(file);
    passed += r?.numPassedTests ?? 0;
    failed += r?.numFailedTests ?? (code === 0 ? 0 : 1);
    if (code !== 0) exit = 1;
  }

  if (!only || only === "e2e") {
    console.log("\n== end-to-end journeys (Playwright, Chromium) ==");
    const file = path.join(results, "playwright.json");
    const code = await run(bin("playwright"), ["test", "-c", "e2e/playwright.config.ts"]);
    const r = await readJson(file);
    passed += r?.stats?.expected ?? 0;
    failed += (r?.stats?.unexpected ?? 0) + (r?.stats?.flaky ?? 0) || (code === 0 ? 0 : 1);
    if (code !== 0) exit = 1;
  }

  console.log(`\ntests: ${passed} passed, ${failed} failed`);
  // A runner's own exit code is not trusted alone: any counted failure fails the run.
  process.exit(failed > 0 ? 1 : exit);
}

void main();
