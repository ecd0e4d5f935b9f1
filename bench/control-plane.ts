// pnpm bench:control-plane — the control plane's idle memory: starts a real `pnpm start` on a
// spare port and data directory, waits until it is ready, lets it idle, then prints the resident
// memory of every process it started (VmRSS from /proc; PSS too, which counts the pages the node
// processes share, such as the node binary, once), and the sums for the control plane (launcher +
// console + controller; Postgres and managed instances excluded, pnpm shown apart as it is only the
// command the user typed). Stops it with SIGINT to its process group, as Ctrl-C does.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "@weir/env";
import { freePort, processTree, pssKb, readProc, roleInTree, waitFor } from "../scripts/lib/processes.ts";

const IDLE_SECONDS = Number(process.argv[2] ?? 20);

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-bench-cp-"));
  const port = await freePort();
  const pgPort = await freePort();
  const child = spawn("pnpm", ["start"], {
    cwd: repoRoot,
    detached: true, // its own process group, like a shell's foreground job
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      EMBEDDED_PG_PORT: String(pgPort),
      WEIR_DATA_DIR: dataDir,
      WEIR_CACHE_DIR: process.env.WEIR_CACHE_DIR ?? path.join(repoRoot, ".weir/cache"),
    },
  });
  let output = "";
  child.stdout.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr.on("data", (b: Buffer) => (output += b.toString()));
  const pgid = child.pid!;
  const pids = new Set<number>([pgid]);
  try {
    const t0 = Date.now();
    await waitFor(
      "`pnpm start` to say it is ready",
      () => /\[weir\] ready/.test(output) || child.exitCode !== null,
      600_000,
    );
    if (child.exitCode !== null) throw new Error(`pnpm start exited (${child.exitCode}):\n${output}`);
    console.log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; idling ${IDLE_SECONDS} s`);
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));

    const tree = processTree(pgid);
    tree.forEach((p) => pids.add(p.pid));
    const rows = tree.map((p) => ({ ...p, role: roleInTree(p, tree), pssKb: pssKb(p.pid) }));
    const mb = (kb: number) => (kb / 1024).toFixed(0).padStart(5);
    console.log(`\n  pid     RSS MB  PSS MB  role        command`);
    for (const r of rows)
      console.log(
        `  ${String(r.pid).padEnd(7)} ${mb(r.rssKb)}   ${mb(r.pssKb)}   ${r.role.padEnd(11)} ${r.cmdline.join(" ").slice(0, 80)}`,
      );
    const sum = (roles: string[], key: "rssKb" | "pssKb" = "rssKb") =>
      rows.filter((r) => roles.includes(r.role)).reduce((s, r) => s + r[key], 0);
    const line = (label: string, roles: string[]) =>
      console.log(`  ${label.padEnd(50)} ${mb(sum(roles))} MB RSS ${mb(sum(roles, "pssKb"))} MB PSS`);
    console.log("");
    line("launcher", ["launcher"]);
    line("console", ["console"]);
    line("controller", ["controller"]);
    line("control plane (launcher + console + controller)", ["launcher", "console", "controller"]);
    console.log(
      `  goal: under 500 MB RSS. Not counted: pnpm ${mb(sum(["pnpm"])).trim()} MB, Postgres ${mb(sum(["postgres"])).trim()} MB`,
    );
  } finally {
    // Ctrl-C as a terminal sends it: SIGINT to the whole foreground process group.
    const t1 = Date.now();
    try {
      process.kill(-pgid, "SIGINT");
    } catch {
      // already gone
    }
    const left = () => [...pids].filter((pid) => readProc(pid) !== null);
    await waitFor(
      "every process of the run to exit",
      () => left().length === 0 && child.exitCode !== null,
      120_000,
    ).then(
      () => console.log(`\nstopped with SIGINT in ${((Date.now() - t1) / 1000).toFixed(1)} s`),
      (e: unknown) => {
        console.log(`\n${String(e)}; killing what is left`);
        for (const pid of left()) process.kill(pid, "SIGKILL");
      },
    );
    console.log(
      output
        .split("\n")
        .filter((l) => l.startsWith("[weir]"))
        .slice(-3)
        .join("\n"),
    );
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
