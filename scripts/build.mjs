// `pnpm build` (and every `pnpm start`, through scripts/launch.mjs): compiles what Weir runs in
// production, only when its sources are newer than the output.
//   dist/start.mjs       the launcher (scripts/start.ts)
//   dist/setup.mjs       one-time start-up work: migrations, price book, Kafka jars (scripts/setup.ts)
//   dist/controller.mjs  the controller (apps/controller/src/main.ts)
//   apps/web/.next       the console (`next build`)
// Workspace packages export TypeScript source, so each entry is bundled with esbuild: @weir/*
// code goes into the bundle, every npm package stays external and is loaded by Node from
// node_modules, as it would be without a bundler. Plain JavaScript so that it runs without a
// TypeScript loader. `--force` rebuilds everything.
/* global process, console */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const distDir = path.join(repoRoot, "dist");
const webDir = path.join(repoRoot, "apps/web");
const metaFile = path.join(distDir, "meta.json");

export const entryPoints = {
  start: "scripts/start.ts",
  setup: "scripts/setup.ts",
  controller: "apps/controller/src/main.ts",
};

const say = (msg) => console.log(`[weir] ${msg}`);
const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
};

/** Files whose change makes the server bundles stale besides their own inputs: this script,
 * and the installed dependency tree (externals are imported by their path in node_modules). */
const buildInputs = () => [
  fileURLToPath(import.meta.url),
  path.join(repoRoot, "pnpm-lock.yaml"),
  path.join(repoRoot, "node_modules/.modules.yaml"),
];

function serverBundlesStale() {
  const outputs = Object.keys(entryPoints).map((name) => mtime(path.join(distDir, `${name}.mjs`)));
  const built = Math.min(mtime(metaFile), ...outputs);
  if (!built) return true;
  let inputs;
  try {
    inputs = Object.keys(JSON.parse(readFileSync(metaFile, "utf8")).inputs).map((f) => path.join(repoRoot, f));
  } catch {
    return true;
  }
  // A deleted input is a change too: its importer changed with it, but check anyway.
  return [...inputs, ...buildInputs()].some((f) => !existsSync(f) || mtime(f) > built);
}

/**
 * Bundles @weir/* code; leaves every other bare import to Node, rewritten to the file it resolves
 * to from the importing package (pnpm gives each package its own node_modules, so a bundle in
 * dist/ could not find them by name). `import.meta.url` in workspace code keeps meaning the
 * source file, as code that finds files next to itself (the repository root, a wasm engine)
 * expects.
 */
const workspacePlugin = {
  name: "weir-workspace",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith("@weir/") || args.pluginData?.weirResolving) return undefined;
      const bare = args.path.replace(/^node:/, "");
      if (args.path.startsWith("node:") || builtinModules.includes(bare.split("/")[0]))
        return { path: args.path, external: true };
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { weirResolving: true },
      });
      if (resolved.errors.length) return { errors: resolved.errors };
      return { path: toImportSpecifier(resolved.path), external: true };
    });
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = readFileSync(args.path, "utf8");
      const contents = source.includes("import.meta.url")
        ? source.replaceAll(
            "import.meta.url",
            `new URL(${JSON.stringify(toImportSpecifier(args.path))}, import.meta.url).href`,
          )
        : source;
      return { contents, loader: "ts" };
    });
  },
};

function toImportSpecifier(file) {
  const rel = path.relative(distDir, file).split(path.sep).join("/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

async function buildServer() {
  const esbuild = await import("esbuild");
  try {
    const result = await esbuild.build({
      absWorkingDir: repoRoot,
      entryPoints,
      outdir: distDir,
      outExtension: { ".js": ".mjs" },
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      // Node's own resolution picks "import"/"node"/"default"; esbuild would also try "module".
      conditions: ["node"],
      sourcemap: "linked",
      logLevel: "warning",
      metafile: true,
      plugins: [workspacePlugin],
    });
    writeFileSync(metaFile, JSON.stringify({ inputs: result.metafile.inputs }));
  } finally {
    await esbuild.stop();
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", ".next", "generated", "test-results"].includes(entry.name)) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : mtime(p));
  }
  return newest;
}

/** Why the console needs building, or null: a file of the console or of a package is newer than the last build. */
function consoleStale() {
  const built = mtime(path.join(webDir, ".next/BUILD_ID"));
  if (!built) return "building the console (first start only, about a minute)";
  const sources = Math.max(newestMtime(webDir), newestMtime(path.join(repoRoot, "packages")));
  return sources > built ? "console sources changed: rebuilding the console" : null;
}

function buildConsole() {
  const next = path.join(webDir, "node_modules/next/dist/bin/next");
  const r = spawnSync(process.execPath, [next, "build"], {
    cwd: webDir,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) throw new Error(`next build exited with ${r.status ?? r.signal}`);
}

export async function buildIfStale({ force = false } = {}) {
  if (force || serverBundlesStale()) {
    const t0 = Date.now();
    await buildServer();
    say(`compiled the launcher and the controller into dist/ in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const why = force ? "building the console" : consoleStale();
  if (why) {
    say(why);
    buildConsole();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildIfStale({ force: process.argv.includes("--force") }).catch((err) => {
    console.error(`[weir] build failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
