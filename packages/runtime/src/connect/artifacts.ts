// The pinned Kafka Connect runtime: the worker's jars and one directory per plugin.

export interface ConnectArtifacts {
  version: string;
  java: string;
  /** Jars of the worker's classpath. */
  classpath: string[];
  /** One directory per plugin (CONNECT_PLUGINS order), for plugin.path. */
  pluginPath: string[];
}

/** Ensures the pinned Connect worker and plugins are in the cache (fetching them once). */
export async function ensureConnectRuntime(opts?: { cacheDir?: string }): Promise<ConnectArtifacts> {
  void opts;
  throw new Error("not built yet");
}
