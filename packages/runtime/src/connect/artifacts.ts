// The pinned Kafka Connect runtime: infra/runtimes/connect/worker (the distributed worker, at the
// brokers' Kafka release) and one folder per plugin (infra/runtimes/connect/<plugin id>), each a
// pom plus checksums.sha256 like the Kafka jars (pinned-jars.ts does the fetching and checking).
// In the cache:
//   <cacheDir>/connect/worker-<digest>/*.jar           the worker's classpath
//   <cacheDir>/connect/plugins-<digest>/<id>/*.jar     the plugin.path entry: Connect gives each
//                                                      folder in it a class loader of its own
// where <digest> names the pins, so a re-pinned runtime lands in a new folder. (A plugin.path
// entry that holds jars directly makes each jar a plugin of its own, cut off from its
// dependencies: hence one folder per plugin inside one entry.)
import { createHash } from "node:crypto";
import path from "node:path";
import { env } from "@weir/env";
import { ensurePinnedJars, findJava, infraDir, lockPinnedJars, pinDigest, type PinnedJars } from "../pinned-jars.ts";
import { CONNECT_KAFKA_VERSION, CONNECT_PLUGINS, type ConnectPluginId } from "./config.ts";

export interface ConnectArtifacts {
  version: string;
  java: string;
  /** Jars of the worker's classpath. */
  classpath: string[];
  /** The worker's plugin.path: one entry, holding a folder per plugin. */
  pluginPath: string[];
  /** Each plugin's folder. */
  pluginDirs: Record<ConnectPluginId, string>;
}

const workerJars: PinnedJars = { label: "Kafka Connect worker", dir: infraDir(path.join("connect", "worker")) };

const pluginJars = (id: ConnectPluginId): PinnedJars => ({
  label: `Kafka Connect plugin ${id}`,
  dir: infraDir(path.join("connect", id)),
});

/** Every pinned set of the Connect runtime (for fetching and re-pinning). */
export function connectPins(): PinnedJars[] {
  return [workerJars, ...CONNECT_PLUGINS.map((p) => pluginJars(p.id))];
}

/**
 * Ensures the pinned Connect worker and plugins are in the cache (fetching them once with Maven,
 * every jar checked against its pin) and returns the worker's classpath and the plugin.path.
 */
export async function ensureConnectRuntime(opts?: { cacheDir?: string }): Promise<ConnectArtifacts> {
  return ensureConnectRuntimeSync(opts?.cacheDir ?? env().WEIR_CACHE_DIR);
}

export function ensureConnectRuntimeSync(cacheDir: string): ConnectArtifacts {
  const java = findJava("Kafka Connect workers");
  const root = path.join(cacheDir, "connect");
  const workerDir = path.join(root, `worker-${pinDigest(workerJars)}`);
  const classpath = ensurePinnedJars(workerJars, workerDir).map((j) => path.join(workerDir, j));
  const digest = createHash("sha256")
    .update(CONNECT_PLUGINS.map((p) => `${p.id}:${pinDigest(pluginJars(p.id))}`).join("\n"))
    .digest("hex")
    .slice(0, 12);
  const pluginsRoot = path.join(root, `plugins-${digest}`);
  const pluginDirs = {} as Record<ConnectPluginId, string>;
  for (const p of CONNECT_PLUGINS) {
    pluginDirs[p.id] = path.join(pluginsRoot, p.id);
    ensurePinnedJars(pluginJars(p.id), pluginDirs[p.id]);
  }
  return { version: CONNECT_KAFKA_VERSION, java, classpath, pluginPath: [pluginsRoot], pluginDirs };
}

/** Re-pins the worker and every plugin (a developer step, then commit). */
export function lockConnect(): string[] {
  return connectPins().map((p) => lockPinnedJars(p));
}
