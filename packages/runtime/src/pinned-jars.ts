// What every pinned runtime shares: a folder under infra/runtimes/ holds a pom.xml naming jars
// and a checksums.sha256 with the SHA-256 of each. Maven copies them (it reads Maven Central
// through the machine's own settings, so no host is named here), every jar is checked against
// its pin, and `pnpm runtimes:lock` rewrites the pins. Also the JDK check. Kafka
// (artifacts.ts), Spark (spark-artifacts.ts) and Kafka Connect (connect/artifacts.ts: the worker
// and one folder per plugin) are the users; problems are one sentence with the fix
// (RuntimeSetupError).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env, repoRoot } from "@weir/env";

import { RuntimeSetupError } from "./versions.ts";

/** One pinned set of jars: `infra/runtimes/<name>/{pom.xml,checksums.sha256}`. */
export interface PinnedJars {
  /** e.g. "Kafka", "Spark connector": used in messages. */
  label: string;
  /** Absolute path of the infra/runtimes/<name> folder. */
  dir: string;
}

export function infraDir(name: string): string {
  return path.join(repoRoot, "infra", "runtimes", name);
}

/** Repo-relative path, for messages. */
export function rel(file: string): string {
  return path.relative(repoRoot, file) || file;
}

export function sha256File(file: string): string {
  const hash = createHash("sha256");
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest("hex");
}

/** A property of the pom, e.g. pomProperty(kafka, "kafka.version"). */
export function pomProperty(jars: PinnedJars, name: string): string {
  const pom = fs.readFileSync(path.join(jars.dir, "pom.xml"), "utf8");
  const m = new RegExp(`<${name.replace(/\./g, "\\.")}>([^<]+)</${name.replace(/\./g, "\\.")}>`).exec(pom);
  if (!m) throw new RuntimeSetupError(`${rel(path.join(jars.dir, "pom.xml"))} has no <${name}>.`);
  return m[1]!.trim();
}

export function readPinnedChecksums(jars: PinnedJars): Map<string, string> {
  const file = path.join(jars.dir, "checksums.sha256");
  if (!fs.existsSync(file)) {
    throw new RuntimeSetupError(`${rel(file)} is missing; run \`pnpm runtimes:lock\` to pin the ${jars.label} jars.`);
  }
  const map = new Map<string, string>();
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^([0-9a-f]{64})\s+(\S+)$/.exec(line.trim());
    if (m) map.set(m[2]!, m[1]!);
  }
  return map;
}

/** JDKs found good in this process: `java -version` costs a JVM start, and every fetcher asks. */
const goodJava = new Set<string>();

/** The JDK that runs brokers and engines: $JAVA_HOME/bin/java or `java` on the PATH, at least 17. */
export function findJava(needs = "Kafka brokers"): string {
  const javaHome = env().JAVA_HOME;
  const java = javaHome ? path.join(javaHome, "bin", "java") : "java";
  if (goodJava.has(java)) return java;
  const res = spawnSync(java, ["-version"], { encoding: "utf8" });
  if (res.error || res.status !== 0) {
    throw new RuntimeSetupError(
      `No Java runtime was found (${needs} need Java 17 or newer): install one, e.g. \`apt-get install openjdk-17-jre-headless\`, or set JAVA_HOME.`,
    );
  }
  const m = /version "(\d+)/.exec(res.stderr);
  const major = m ? Number(m[1]) : 0;
  if (major < 17) {
    throw new RuntimeSetupError(
      `Java ${major || "(unknown version)"} was found but ${needs} need Java 17 or newer: install openjdk-17-jre-headless or point JAVA_HOME at a newer JDK.`,
    );
  }
  goodJava.add(java);
  return java;
}

function runMaven(jars: PinnedJars, args: string[]): void {
  const res = spawnSync("mvn", ["-B", "-q", ...args], { encoding: "utf8", cwd: jars.dir, maxBuffer: 64 << 20 });
  if (res.error) {
    throw new RuntimeSetupError(
      `Maven is needed once to fetch the pinned ${jars.label} jars and was not found: install it, e.g. \`apt-get install maven\`.`,
    );
  }
  if (res.status !== 0) {
    const tail = `${res.stdout}\n${res.stderr}`.trim().split("\n").slice(-3).join(" ");
    throw new RuntimeSetupError(
      `Fetching the pinned ${jars.label} jars from Maven Central failed (check the network or Maven's settings, then retry): ${tail}`,
    );
  }
}

/**
 * Copies the pom's jars into `dir` (which should be new and empty) and checks each against
 * checksums.sha256: an unpinned, missing or altered jar is an error. Returns the jar names.
 */
export function fetchPinnedJars(jars: PinnedJars, dir: string): string[] {
  const pinned = readPinnedChecksums(jars);
  const checksums = rel(path.join(jars.dir, "checksums.sha256"));
  runMaven(jars, [
    "dependency:copy-dependencies",
    `-DoutputDirectory=${dir}`,
    "-DincludeScope=runtime",
    "-DoverWriteReleases=true",
  ]);
  const got = fs.readdirSync(dir).filter((f) => f.endsWith(".jar"));
  for (const jar of got) {
    const want = pinned.get(jar);
    if (!want)
      throw new RuntimeSetupError(
        `Maven resolved ${jar}, which ${checksums} does not pin; run \`pnpm runtimes:lock\` after reviewing the change.`,
      );
    if (sha256File(path.join(dir, jar)) !== want) {
      throw new RuntimeSetupError(
        `${jar} does not match its pinned SHA-256 in ${checksums}; delete ~/.m2/repository's copy and retry, or re-pin with \`pnpm runtimes:lock\`.`,
      );
    }
  }
  for (const jar of pinned.keys()) {
    if (!got.includes(jar))
      throw new RuntimeSetupError(
        `The pinned jar ${jar} was not fetched; check ${rel(path.join(jars.dir, "pom.xml"))}.`,
      );
  }
  return got.sort();
}

/**
 * Makes sure `libDir` holds the pom's verified jars: fetched and checked once into a temporary
 * folder beside it, which then takes its place (a `.verified` stamp marks a complete copy, so an
 * interrupted fetch is redone). Afterwards reused offline. Returns the jar names.
 */
export function ensurePinnedJars(jars: PinnedJars, libDir: string): string[] {
  const stamp = path.join(libDir, ".verified");
  if (!fs.existsSync(stamp)) {
    const tmp = `${libDir}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    try {
      fetchPinnedJars(jars, tmp);
      fs.writeFileSync(path.join(tmp, ".verified"), `${new Date().toISOString()}\n`);
      fs.rmSync(libDir, { recursive: true, force: true });
      fs.renameSync(tmp, libDir);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return fs
    .readdirSync(libDir)
    .filter((f) => f.endsWith(".jar"))
    .sort();
}

/** A short digest of the pins (checksums.sha256): names a cache folder that changes with them. */
export function pinDigest(jars: PinnedJars): string {
  const file = path.join(jars.dir, "checksums.sha256");
  if (!fs.existsSync(file)) {
    throw new RuntimeSetupError(`${rel(file)} is missing; run \`pnpm runtimes:lock\` to pin the ${jars.label} jars.`);
  }
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex").slice(0, 12);
}

/** Re-pins: resolves the pom afresh and writes checksums.sha256 (a developer step, then commit). */
export function lockPinnedJars(jars: PinnedJars): string {
  const dir = fs.mkdtempSync(path.join(repoRoot, ".weir-lock-"));
  try {
    runMaven(jars, ["dependency:copy-dependencies", `-DoutputDirectory=${dir}`, "-DincludeScope=runtime"]);
    const lines = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".jar"))
      .sort()
      .map((f) => `${sha256File(path.join(dir, f))}  ${f}`);
    const file = path.join(jars.dir, "checksums.sha256");
    fs.writeFileSync(file, `${lines.join("\n")}\n`);
    return file;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
