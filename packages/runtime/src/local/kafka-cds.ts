// Class-data sharing for brokers (AppCDS): the classes a broker loads while it starts, parsed and
// verified once into an archive that every broker JVM of that Kafka version maps instead of
// loading them again. Java 17 makes it with -XX:ArchiveClassesAtExit in a dump run (a throwaway
// one-node cluster started and stopped) and uses it with -XX:SharedArchiveFile. The archive is
// cached next to the version's jars, keyed by the JDK build (an archive only fits the JVM that
// wrote it); a JVM that refuses it (another JDK, a changed classpath) starts without it
// (-Xshare:auto, the default), so the archive can only make a start faster.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { KafkaArtifacts } from "../artifacts.ts";

const keys = new Map<string, string>();

/** The JDK's build, e.g. "17.0.15+6-Debian-1deb12u1", as a file name. */
export function jdkKey(java: string): string {
  let key = keys.get(java);
  if (!key) {
    const out = spawnSync(java, ["-version"], { encoding: "utf8" }).stderr ?? "";
    const build = /\(build ([^)]+)\)/.exec(out)?.[1] ?? /version "([^"]+)"/.exec(out)?.[1] ?? "unknown";
    key = `jdk-${build.replace(/[^A-Za-z0-9._+-]/g, "_")}`;
    keys.set(java, key);
  }
  return key;
}

/** Where the archive of this Kafka version for this JDK lives (it may not exist yet). */
export function classArchivePath(kafka: KafkaArtifacts): string {
  // "-tls": dumped from a TLS broker (archives dumped before TLS by default lack its classes).
  return path.join(path.dirname(kafka.libDir), "cds", `${jdkKey(kafka.java)}-tls.jsa`);
}

/** Brokers run the JMX exporter agent; Java 17 archives classes with an agent only when allowed. */
export const ARCHIVE_AGENT_FLAGS = ["-XX:+UnlockDiagnosticVMOptions", "-XX:+AllowArchivingWithJavaAgent"];

/** The JVM flags that use the archive, or none while there is no archive. */
export function classArchiveFlags(kafka: KafkaArtifacts): string[] {
  const archive = classArchivePath(kafka);
  // The archive is dumped with the JMX exporter agent allowed (AllowArchivingWithJavaAgent); a
  // JVM whose setting differs refuses the archive silently, so brokers that map it say the same.
  return fs.existsSync(archive) ? [...ARCHIVE_AGENT_FLAGS, `-XX:SharedArchiveFile=${archive}`] : [];
}

/**
 * Runs `dump(flag)` to write the archive once: `dump` starts a broker with `flag` and stops it
 * cleanly once it has started (the JVM writes the archive as it exits). One builder at a time
 * across processes (a lock dir next to the archive); a failed dump leaves no archive behind.
 */
export async function buildClassArchive(
  kafka: KafkaArtifacts,
  dump: (jvmFlag: string) => Promise<void>,
): Promise<string | null> {
  const archive = classArchivePath(kafka);
  if (fs.existsSync(archive)) return archive;
  fs.mkdirSync(path.dirname(archive), { recursive: true });
  const lock = `${archive}.lock`;
  try {
    fs.mkdirSync(lock);
  } catch {
    // Someone else builds it; a lock older than ten minutes is left from a builder that died.
    const age = Date.now() - fs.statSync(lock, { throwIfNoEntry: false })!.mtimeMs;
    if (!(age > 600_000)) return null;
    fs.rmSync(lock, { recursive: true, force: true });
    fs.mkdirSync(lock);
  }
  const tmp = path.join(lock, "archive.jsa");
  try {
    await dump(`-XX:ArchiveClassesAtExit=${tmp}`);
    if (!fs.existsSync(tmp) || fs.statSync(tmp).size === 0) return null;
    fs.renameSync(tmp, archive);
    return archive;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
