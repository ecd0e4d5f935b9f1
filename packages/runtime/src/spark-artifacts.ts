// The pinned Apache Spark runtime. Spark itself comes from PyPI: the pyspark package is a full
// Spark (bin/spark-class, bin/spark-submit, jars/ with Spark Connect and the Hadoop client), pinned
// with its hash in infra/runtimes/spark/requirements.txt. The Kafka connector and JDBC jars it
// lacks come from Maven Central through infra/runtimes/spark/pom.xml and checksums.sha256, fetched
// and checked by the same code as the Kafka jars (pinned-jars.ts). `ensureSpark()` installs both
// once under $WEIR_CACHE_DIR/spark-<version>/:
//   venv/        `python3 -m venv`, then pip in hash-checking mode (about 90 s and 500 MB, once)
//   jars/        the connector jars, for spark.jars
//   .installed   written last, only after everything succeeded (so an interrupted install is redone);
//                it records a fingerprint of the pins, so changing them reinstalls
// and reuses that offline afterwards. Two processes that ask at once (the test setup and
// `pnpm start`) do not both install: one waits for the other under a lock file.
// A missing Python 3.10+, venv module, JDK 17+ or Maven is one sentence with the fix.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { env } from "@weir/env";

import {
  fetchPinnedJars,
  findJava,
  infraDir,
  lockPinnedJars,
  pomProperty,
  readPinnedChecksums,
  rel,
  sha256File,
  type PinnedJars,
} from "./pinned-jars.ts";
import { RuntimeSetupError, SPARK_VERSION } from "./versions.ts";

export { SPARK_VERSION, RuntimeSetupError } from "./versions.ts";

const sparkInfra = infraDir("spark");
const connectorJars: PinnedJars = { label: "Spark connector", dir: sparkInfra };
/** pyspark and py4j, hash-pinned. */
const REQUIREMENTS = path.join(sparkInfra, "requirements.txt");
/** setuptools, hash-pinned: building pyspark's source tarball needs it. */
const BUILD_REQUIREMENTS = path.join(sparkInfra, "build-requirements.txt");
const SCALA_BINARY = "2.13";
const MARKER = ".installed";
/** How long a second process waits for another one's install before giving up. */
const LOCK_WAIT_MS = 20 * 60_000;

export interface SparkArtifacts {
  version: string;
  /** The installed pyspark package dir: bin/spark-class, bin/spark-submit, jars/. Use as SPARK_HOME. */
  sparkHome: string;
  /** The venv's Python, for PYSPARK_PYTHON and PYSPARK_DRIVER_PYTHON. */
  python: string;
  /** The connector and JDBC jars (absolute paths), for spark.jars. */
  extraJars: string[];
  /** spark-connect_2.13-<version>.jar inside sparkHome/jars (it also carries Spark Connect's .proto files). */
  connectJar: string;
  /** The JDK's java (17+). */
  java: string;
  /** JAVA_HOME when Weir's environment sets one; spark-class otherwise runs `java` from the PATH. */
  javaHome?: string;
}

export interface EnsureSparkOptions {
  /** Progress lines for a long first install (the CLI prints them). */
  log?: (line: string) => void;
}

interface Marker {
  fingerprint: string;
  sparkHome: string;
  python: string;
  installedAt: string;
}

/** The lines of a pin file that matter (no comments, no blank lines). */
function pinLines(file: string): string {
  if (!fs.existsSync(file)) throw new RuntimeSetupError(`${rel(file)} is missing; restore it from git.`);
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter(Boolean)
    .join("\n");
}

/** Checks that pom.xml and requirements.txt name the Spark version this code expects. */
function checkPinnedVersions(): void {
  const pomVersion = pomProperty(connectorJars, "spark.version");
  const pyspark = /^pyspark==(\S+)/m.exec(pinLines(REQUIREMENTS))?.[1];
  if (pomVersion !== SPARK_VERSION || pyspark !== SPARK_VERSION) {
    throw new RuntimeSetupError(
      `infra/runtimes/spark pins Spark ${pomVersion} (pom.xml) and pyspark ${pyspark ?? "(none)"} (requirements.txt) but SPARK_VERSION is ${SPARK_VERSION}: make all three agree, then run \`pnpm runtimes:lock\`.`,
    );
  }
}

/** A digest of every pin: Python requirements, build requirements, jar checksums. */
function pinsFingerprint(): string {
  checkPinnedVersions();
  readPinnedChecksums(connectorJars); // present, or the error says to run the lock
  return createHash("sha256")
    .update([REQUIREMENTS, BUILD_REQUIREMENTS, path.join(sparkInfra, "checksums.sha256")].map(pinLines).join("\n--\n"))
    .digest("hex");
}

/** `python3` (or python3.1x) at version 3.10 or newer, with a working venv module. */
export function findPython(): string {
  let tooOld: string | undefined;
  for (const cmd of ["python3", "python3.13", "python3.12", "python3.11", "python3.10"]) {
    const res = spawnSync(cmd, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
    if (res.error || res.status !== 0) continue;
    const version = res.stdout.trim();
    const [major, minor] = version.split(".").map(Number);
    if (major! < 3 || (major === 3 && minor! < 10)) {
      tooOld ??= version;
      continue;
    }
    const venv = spawnSync(cmd, ["-c", "import venv, ensurepip"], { encoding: "utf8" });
    if (venv.error || venv.status !== 0) {
      throw new RuntimeSetupError(
        `Python ${version} was found but its venv module cannot create environments (ensurepip is missing), which installing PySpark ${SPARK_VERSION} needs once: run \`apt-get install python3-venv\`, then retry.`,
      );
    }
    return cmd;
  }
  throw new RuntimeSetupError(
    tooOld
      ? `Python ${tooOld} was found but PySpark ${SPARK_VERSION} needs Python 3.10 or newer: install python3 (3.10 or newer), e.g. \`apt-get install python3 python3-venv\` on Debian 12.`
      : `No Python was found (Spark compute clusters run PySpark ${SPARK_VERSION}, which needs Python 3.10 or newer): install python3 (3.10 or newer), e.g. \`apt-get install python3 python3-venv\`.`,
  );
}

function tail(res: { stdout: string; stderr: string }, lines = 3): string {
  return `${res.stdout}\n${res.stderr}`.trim().split("\n").slice(-lines).join(" ").replace(/\s+/g, " ");
}

function runPython(
  python: string,
  args: string[],
  what: string,
  fix = "check the network or pip's settings, then retry",
): string {
  const res = spawnSync(python, args, { encoding: "utf8", cwd: sparkInfra, maxBuffer: 64 << 20 });
  if (res.error)
    throw new RuntimeSetupError(
      `${what} failed to start (${res.error.message}); check the Python install, then retry.`,
    );
  if (res.signal) throw new RuntimeSetupError(`${what} was interrupted (${res.signal}); run it again to start over.`);
  if (res.status !== 0) {
    const out = `${res.stdout}\n${res.stderr}`;
    if (/DO NOT MATCH THE HASHES/i.test(out)) {
      const pkg = /^\s+(\S+==\S+) from /m.exec(out)?.[1] ?? "a package";
      throw new RuntimeSetupError(
        `The download of ${pkg} from PyPI does not match its pinned SHA-256 in infra/runtimes/spark: retry (a proxy or mirror may have altered it), or re-pin with \`pnpm runtimes:lock\` after reviewing the change.`,
      );
    }
    throw new RuntimeSetupError(`${what} failed (${fix}): ${tail(res)}`);
  }
  return res.stdout;
}

function pipInstall(venvPython: string, file: string, extra: string[] = []): void {
  runPython(
    venvPython,
    [
      "-m",
      "pip",
      "install",
      "--quiet",
      "--disable-pip-version-check",
      "--no-input",
      // The sdist is 450 MB: keep a single copy, the installed one, not another in ~/.cache/pip.
      "--no-cache-dir",
      "--require-hashes",
      "--no-deps",
      ...extra,
      "-r",
      file,
    ],
    `Installing ${rel(file)} from PyPI with pip`,
  );
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Runs `install` unless `done()`, while holding `lockFile`; waits while another live process holds it. */
function underLock(lockFile: string, done: () => boolean, install: () => void, log?: (l: string) => void): void {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let said = false;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: "wx" });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = Number.parseInt(fs.readFileSync(lockFile, "utf8"), 10);
    if (!Number.isFinite(holder) || holder === process.pid || !alive(holder)) {
      fs.rmSync(lockFile, { force: true }); // left by a process that died mid-install
      continue;
    }
    if (done()) return;
    if (Date.now() > deadline) {
      throw new RuntimeSetupError(
        `Process ${holder} has been installing Spark for ${LOCK_WAIT_MS / 60_000} minutes (${lockFile}); stop it or delete that file, then retry.`,
      );
    }
    if (!said) log?.(`waiting for process ${holder}, which is installing Spark ${SPARK_VERSION} into the same cache`);
    said = true;
    sleepSync(1000);
  }
  try {
    if (!done()) install();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

function readMarker(root: string): Marker | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, MARKER), "utf8")) as Marker;
  } catch {
    return undefined;
  }
}

/** The artifacts of a finished install, or undefined when the install is missing, stale or damaged. */
function installed(root: string, fingerprint: string, java: string): SparkArtifacts | undefined {
  const marker = readMarker(root);
  if (!marker || marker.fingerprint !== fingerprint) return undefined;
  const jarsDir = path.join(root, "jars");
  const extraJars = [...readPinnedChecksums(connectorJars).keys()].sort().map((j) => path.join(jarsDir, j));
  const connectJar = path.join(marker.sparkHome, "jars", `spark-connect_${SCALA_BINARY}-${SPARK_VERSION}.jar`);
  const needed = [
    marker.python,
    path.join(marker.sparkHome, "bin", "spark-class"),
    path.join(marker.sparkHome, "bin", "spark-submit"),
    connectJar,
    ...extraJars,
  ];
  // existsSync follows the venv's python symlink: a removed system Python counts as damaged.
  if (!needed.every((p) => fs.existsSync(p))) return undefined;
  const javaHome = env().JAVA_HOME;
  return {
    version: SPARK_VERSION,
    sparkHome: marker.sparkHome,
    python: marker.python,
    extraJars,
    connectJar,
    java,
    ...(javaHome ? { javaHome } : {}),
  };
}

function install(root: string, fingerprint: string, log: (l: string) => void): void {
  const python = findPython();
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });

  // The jars first: seconds, and a missing Maven or a bad checksum shows before the long pip step.
  log(`Spark ${SPARK_VERSION}: fetching the connector jars with Maven into ${path.join(root, "jars")}`);
  const jarsDir = path.join(root, "jars");
  fs.mkdirSync(jarsDir);
  fetchPinnedJars(connectorJars, jarsDir);

  const venv = path.join(root, "venv");
  log(
    `Spark ${SPARK_VERSION}: creating ${venv} and installing pyspark from PyPI (a 450 MB download; about 90 s, once)`,
  );
  runPython(
    python,
    ["-m", "venv", venv],
    `Creating a Python virtual environment with \`${python} -m venv\``,
    "check that `apt-get install python3-venv` is done and the cache folder is writable, then retry",
  );
  const venvPython = path.join(venv, "bin", "python");
  pipInstall(venvPython, BUILD_REQUIREMENTS);
  // The build tools are pinned above; without isolation pip builds pyspark's sdist with them
  // instead of fetching an unpinned setuptools.
  pipInstall(venvPython, REQUIREMENTS, ["--no-build-isolation", "--use-pep517"]);

  const [sparkHome, version] = runPython(
    venvPython,
    ["-c", "import os, pyspark; print(os.path.dirname(os.path.abspath(pyspark.__file__))); print(pyspark.__version__)"],
    "Importing the installed pyspark",
  )
    .trim()
    .split("\n");
  if (version !== SPARK_VERSION) {
    throw new RuntimeSetupError(
      `pip installed pyspark ${version}, not the pinned ${SPARK_VERSION}; check ${rel(REQUIREMENTS)}, then retry.`,
    );
  }
  const marker: Marker = {
    fingerprint,
    sparkHome: sparkHome!,
    python: venvPython,
    installedAt: new Date().toISOString(),
  };
  const tmp = path.join(root, `${MARKER}.tmp`);
  fs.writeFileSync(tmp, `${JSON.stringify(marker, null, 2)}\n`);
  fs.renameSync(tmp, path.join(root, MARKER));
}

/**
 * Ensures the pinned Spark (pyspark in a venv, plus the connector jars) is in the cache,
 * installing it once, and returns where it is. Throws RuntimeSetupError with the fix.
 */
export function ensureSpark(cacheDir: string, opts: EnsureSparkOptions = {}): SparkArtifacts {
  const java = findJava(`Spark ${SPARK_VERSION} masters and workers`);
  const fingerprint = pinsFingerprint();
  const root = path.join(cacheDir, `spark-${SPARK_VERSION}`);
  let found = installed(root, fingerprint, java);
  if (found) return found;
  fs.mkdirSync(cacheDir, { recursive: true });
  const log = opts.log ?? (() => {});
  underLock(
    `${root}.lock`,
    () => installed(root, fingerprint, java) !== undefined,
    () => install(root, fingerprint, log),
    log,
  );
  found = installed(root, fingerprint, java);
  if (!found) throw new RuntimeSetupError(`The Spark install in ${root} is incomplete; delete that folder and retry.`);
  return found;
}

/** Re-pins a hash-pinned requirements file to what pip downloads now for each `name==version`. */
function repinRequirements(venvPython: string, file: string, scratch: string): void {
  const text = fs.readFileSync(file, "utf8");
  const block = /^([A-Za-z0-9_.-]+==[^\s\\]+)((?:[ \t]*\\\r?\n[ \t]*--hash=sha256:[0-9a-f]{64})+)/gm;
  const hashes = new Map<string, string>();
  for (const m of text.matchAll(block)) {
    const spec = m[1]!;
    const dir = fs.mkdtempSync(path.join(scratch, "dl-"));
    runPython(
      venvPython,
      [
        "-m",
        "pip",
        "download",
        "--quiet",
        "--disable-pip-version-check",
        "--no-cache-dir",
        "--no-deps",
        "-d",
        dir,
        spec,
      ],
      `Downloading ${spec} from PyPI`,
    );
    const [got] = fs.readdirSync(dir);
    if (!got) throw new RuntimeSetupError(`pip downloaded nothing for ${spec}; check ${rel(file)}.`);
    hashes.set(spec, sha256File(path.join(dir, got)));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.writeFileSync(
    file,
    text.replace(block, (_all, spec: string) => `${spec} \\\n    --hash=sha256:${hashes.get(spec)}`),
  );
}

/**
 * Re-pins Spark (a developer step, then commit): the connector jars' checksums.sha256 and the
 * hashes in requirements.txt and build-requirements.txt, each the file pip picks on this machine
 * (downloads the 450 MB pyspark sdist again). Returns the files written.
 */
export function lockSpark(): string[] {
  checkPinnedVersions();
  const written = [lockPinnedJars(connectorJars)];
  const python = findPython();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "weir-spark-lock-"));
  try {
    const venv = path.join(scratch, "venv");
    runPython(python, ["-m", "venv", venv], `Creating a Python virtual environment with \`${python} -m venv\``);
    for (const file of [BUILD_REQUIREMENTS, REQUIREMENTS]) {
      repinRequirements(path.join(venv, "bin", "python"), file, scratch);
      written.push(file);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return written;
}
