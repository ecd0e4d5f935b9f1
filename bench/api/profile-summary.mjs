// Reads a V8 CPU profile (`node --cpu-prof`, as `pnpm bench:api --profile DIR` writes for the
// console) and prints where the time went: the share of samples spent in each package or part of
// Node (self time), the functions with the most self time, and the functions with the most
// inclusive time (a sample counts once for every distinct function on its stack).
//
//   node bench/api/profile-summary.mjs FILE.cpuprofile [--top 40] [--match REGEX]
//
// --match keeps only the samples whose stack holds a function or file matching REGEX (for
// example `handleRest` for the API's requests), so idle time and start-up do not dilute shares.
/* global process, console */
import fs from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--"));
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
if (!file) {
  console.error("usage: node bench/api/profile-summary.mjs FILE.cpuprofile [--top 40] [--match REGEX]");
  process.exit(2);
}
const TOP = Number(opt("top", "40"));
const MATCH = opt("match", null) ? new RegExp(opt("match", "")) : null;

const profile = JSON.parse(fs.readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** "pkg" for node_modules/pkg (or @scope/pkg), else a short label for the source. */
function area(url, name) {
  if (!url) return name.startsWith("(") ? name : "(native)";
  const m = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/g);
  if (m) return m[m.length - 1].replace(/^.*node_modules\//, "");
  if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0];
  if (url.includes("/.next/")) return "next bundle (.next)";
  return url.replace(/^file:\/\//, "").replace(/^.*\/(packages|apps)\//, "$1/");
}

// The console's bundles (.next/server/chunks) are minified; their source maps give each frame's
// file and line in the sources, so the report names Weir's and the libraries' own code.
const maps = new Map();
function sourceMapOf(url) {
  if (!url.startsWith("file://") || !url.includes("/.next/")) return null;
  if (!maps.has(url)) {
    let map = null;
    try {
      map = new SourceMap(JSON.parse(fs.readFileSync(`${fileURLToPath(url)}.map`, "utf8")));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  return maps.get(url);
}

function original(f) {
  const map = sourceMapOf(f.url);
  const entry = map?.findEntry(f.lineNumber, f.columnNumber);
  if (!entry?.originalSource) return null;
  const source = entry.originalSource
    .replace(/^.*\[project\]\//, "")
    .replace(/^.*node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, "")
    .replace(/ \[.*$/, "");
  return { source, line: entry.originalLine + 1, name: entry.name };
}

/** The area a frame's code belongs to, through the bundle's source map when there is one. */
const areaOf = (f) => {
  const o = f.url ? original(f) : null;
  if (o) return /^(packages|apps)\//.test(o.source) ? o.source : o.source.replace(/^((?:@[^/]+\/)?[^/]+).*$/, "$1");
  return area(f.url, f.functionName);
};

const label = (n) => {
  const f = n.callFrame;
  const o = f.url ? original(f) : null;
  if (o) return `${o.name || f.functionName || "(anonymous)"} ${o.source}:${o.line}`;
  const where = f.url ? `${area(f.url, f.functionName)}:${f.lineNumber + 1}` : "";
  return `${f.functionName || "(anonymous)"} ${where}`.trim();
};

const stackOf = (id) => {
  const out = [];
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) out.push(byId.get(cur));
  return out;
};

const self = new Map();
const inclusive = new Map();
const areas = new Map();
let total = 0;
let idle = 0;
const stackCache = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  const dt = profile.timeDeltas[i] ?? 0;
  const node = byId.get(id);
  const name = node.callFrame.functionName;
  if (name === "(idle)") {
    idle += dt;
    continue;
  }
  let stack = stackCache.get(id);
  if (!stack) {
    stack = stackOf(id);
    stackCache.set(id, stack);
  }
  if (MATCH && !stack.some((n) => MATCH.test(n.callFrame.functionName) || MATCH.test(n.callFrame.url))) continue;
  total += dt;
  const l = label(node);
  self.set(l, (self.get(l) ?? 0) + dt);
  const a = areaOf(node.callFrame);
  areas.set(a, (areas.get(a) ?? 0) + dt);
  for (const l2 of new Set(stack.map(label))) inclusive.set(l2, (inclusive.get(l2) ?? 0) + dt);
}

const ms = (us) => `${(us / 1000).toFixed(0)} ms`;
const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const print = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`  ${pct(v)}  ${k}`);
};
console.log(`${file}: ${ms(total)} busy${MATCH ? ` in stacks matching ${MATCH}` : ""}, ${ms(idle)} idle`);
print("self time by area", areas, 25);
print("self time by function", self, TOP);
print("inclusive time by function", inclusive, TOP);
