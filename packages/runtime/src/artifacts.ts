// Pinned runtime artifacts. infra/runtimes/kafka/pom.xml names the Kafka server and what it needs
// at run time; checksums.sha256 next to it holds the SHA-256 of every jar. `ensureKafka()` copies
// them once into the cache directory with Maven (which reads Maven Central through the machine's
// own settings, so no host is named here), verifies every checksum, and reuses the cache offline
// afterwards. Problems come back as one sentence with the fix.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env, repoRoot } from "@weir/env";

import { RuntimeSetupError } from "./versions.ts";

export { KAFKA_VERSIONS, DEFAULT_KAFKA_VERSION, RuntimeSetupError, type KafkaVersion } from "./versions.ts";

const kafkaInfra = path.join(repoRoot, "infra", "runtimes", "kafka");

export interface KafkaArtifacts {
  version: string;
  libDir: string;
  /** Jars for the broker's classpath (the JMX agent is left out). */
  classpath: string;
  jmxAgentJar: string;
  java: string;
}

function readPinnedChecksums(): Map<string, string> {
  const file = path.join(kafkaInfra, "checksums.sha256");
  if (!fs.existsSync(file)) {
    throw new RuntimeSetupError(`${file} is missing; run \`pnpm runtimes:lock\` to pin the Kafka jars.`);
  }
  const map = new Map<string, string>();
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^([0-9a-f]{64})\s+(\S+)$/.exec(line.trim());
    if (m) map.set(m[2]!, m[1]!);
  }
  return map;
}

function pinnedVersion(): string {
  const pom = fs.readFileSync(path.join(kafkaInfra, "pom.xml"), "utf8");
  const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!m) throw new RuntimeSetupError("infra/runtimes/kafka/pom.xml has no <kafka.version>.");
  return m[1]!;
}

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** The JDK that runs brokers: $JAVA_HOME/bin/java or `java` on the PATH, at least version 17. */
export function findJava(): string {
  const javaHome = env().JAVA_HOME;
  const java = javaHome ? path.join(javaHome, "bin", "java") : "java";
  const res = spawnSync(java, ["-version"], { encoding: "utf8" });
  if (res.error || res.status !== 0) {
    throw new RuntimeSetupError(
      "No Java runtime was found (Kafka brokers need Java 17 or newer): install one, e.g. `apt-get install openjdk-17-jre-headless`, or set JAVA_HOME.",
    );
  }
  const m = /version "(\d+)/.exec(res.stderr);
  const major = m ? Number(m[1]) : 0;
  if (major < 17) {
    throw new RuntimeSetupError(
      `Java ${major || "(unknown version)"} was found but Kafka ${pinnedVersion()} needs Java 17 or newer: install openjdk-17-jre-headless or point JAVA_HOME at a newer JDK.`,
    );
  }
  return java;
}

function runMaven(args: string[]): void {
  const res = spawnSync("mvn", ["-B", "-q", ...args], { encoding: "utf8", cwd: kafkaInfra });
  if (res.error) {
    throw new RuntimeSetupError(
      "Maven is needed once to fetch the pinned Kafka jars and was not found: install it, e.g. `apt-get install maven`.",
    );
  }
  if (res.status !== 0) {
    const tail = `${res.stdout}\n${res.stderr}`.trim().split("\n").slice(-3).join(" ");
    throw new RuntimeSetupError(
      `Fetching the pinned Kafka jars from Maven Central failed (check the network or Maven's settings, then retry): ${tail}`,
    );
  }
}

/** Copies the pinned jars into a fresh directory and checks each against checksums.sha256. */
function fetchInto(dir: string, pinned: Map<string, string>): void {
  runMaven([
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
        `Maven resolved ${jar}, which infra/runtimes/kafka/checksums.sha256 does not pin; run \`pnpm runtimes:lock\` after reviewing the change.`,
      );
    if (sha256(path.join(dir, jar)) !== want) {
      throw new RuntimeSetupError(
        `${jar} does not match its pinned SHA-256; delete ~/.m2/repository's copy and retry, or re-pin with \`pnpm runtimes:lock\`.`,
      );
    }
  }
  for (const jar of pinned.keys()) {
    if (!got.includes(jar))
      throw new RuntimeSetupError(`The pinned jar ${jar} was not fetched; check infra/runtimes/kafka/pom.xml.`);
  }
}

/** Ensures the pinned Kafka jars are in the cache (fetching them once) and returns where they are. */
export function ensureKafka(cacheDir: string): KafkaArtifacts {
  const java = findJava();
  const version = pinnedVersion();
  const libDir = path.join(cacheDir, `kafka-${version}`, "libs");
  const stamp = path.join(libDir, ".verified");
  if (!fs.existsSync(stamp)) {
    const pinned = readPinnedChecksums();
    const tmp = `${libDir}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    try {
      fetchInto(tmp, pinned);
      fs.writeFileSync(path.join(tmp, ".verified"), `${new Date().toISOString()}\n`);
      fs.rmSync(libDir, { recursive: true, force: true });
      fs.renameSync(tmp, libDir);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  const jars = fs.readdirSync(libDir).filter((f) => f.endsWith(".jar"));
  const agent = jars.find((j) => j.startsWith("jmx_prometheus_javaagent"));
  if (!agent)
    throw new RuntimeSetupError(`The JMX exporter agent is missing from ${libDir}; delete that folder and retry.`);
  return {
    version,
    libDir,
    java,
    jmxAgentJar: path.join(libDir, agent),
    classpath: jars
      .filter((j) => j !== agent)
      .map((j) => path.join(libDir, j))
      .join(path.delimiter),
  };
}

/** Re-pins: resolves the pom afresh and writes checksums.sha256 (a developer step, then commit). */
export function lockKafka(): string {
  const dir = fs.mkdtempSync(path.join(repoRoot, ".weir-lock-"));
  try {
    runMaven(["dependency:copy-dependencies", `-DoutputDirectory=${dir}`, "-DincludeScope=runtime"]);
    const lines = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".jar"))
      .sort()
      .map((f) => `${sha256(path.join(dir, f))}  ${f}`);
    const file = path.join(kafkaInfra, "checksums.sha256");
    fs.writeFileSync(file, `${lines.join("\n")}\n`);
    return file;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
