// `pnpm start`: compiles what is stale (scripts/build.mjs), then runs the launcher (dist/start.mjs,
// built from scripts/start.ts) and passes it the stop signals it receives.
//
// The launcher runs in a process group of its own. A terminal's Ctrl-C (and `kill -INT -<pgid>`)
// signals every process of the foreground group at once; in that group, PostgreSQL (a child of
// the launcher) would shut down at the same moment as the controller, before the controller and
// the brokers had stopped. Here only this small process is in the terminal's group: it hands the
// first SIGINT, SIGTERM or SIGHUP to the launcher, which stops everything in order, and ignores
// the repeats (pnpm forwards Ctrl-C too, so it arrives twice). If this process dies, the launcher
// notices its channel closing and stops everything as well. Plain JavaScript: nothing here needs a
// TypeScript loader.
/* global process */
import { spawn, spawnSync } from "node:child_process";
import { constants } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const build = spawnSync(process.execPath, [path.join(repoRoot, "scripts/build.mjs")], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

const launcher = spawn(process.execPath, ["--enable-source-maps", path.join(repoRoot, "dist/start.mjs")], {
  cwd: repoRoot,
  detached: true,
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
let forwarded = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (forwarded) return;
    forwarded = true;
    launcher.kill(signal);
  });
}
launcher.on("exit", (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
