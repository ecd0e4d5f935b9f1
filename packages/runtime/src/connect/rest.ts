// Kafka Connect's REST API on 127.0.0.1, as a small client. A refusal is a ConnectError with
// Connect's own sentence and HTTP status, for the API to translate (404 unknown connector or
// plugin, 400/422 a bad config, 409 a rebalance or a name in use, 500 a worker's fault).
// Requests that meet a rebalance in progress (409) are retried for a little while, as Connect's
// own message asks.

export class ConnectError extends Error {
  override name = "ConnectError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ConnectorStatus {
  state: string;
  /** The connector's own failure trace (FAILED), if any. */
  trace?: string;
  workerId?: string;
  tasks: { id: number; state: string; workerId: string; trace?: string }[];
}

export interface ConnectValidation {
  errorCount: number;
  errors: { field: string; messages: string[] }[];
}

interface RawStatus {
  connector: { state: string; worker_id: string; trace?: string };
  tasks: { id: number; state: string; worker_id: string; trace?: string }[];
}

interface RawValidation {
  error_count: number;
  configs: { value: { name: string; errors: string[] } }[];
}

const REBALANCE_RETRY_MS = 20_000;

export class ConnectRestClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly opts: { timeoutMs?: number } = {},
  ) {
    this.base = baseUrl.replace(/\/+$/, "");
  }

  private async request(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const deadline = Date.now() + REBALANCE_RETRY_MS;
    for (;;) {
      let res: Response;
      try {
        res = await fetch(`${this.base}${path}`, {
          method,
          headers:
            body === undefined
              ? { accept: "application/json" }
              : { "content-type": "application/json", accept: "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 95_000),
        });
      } catch (e) {
        const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
        throw new ConnectError(503, `The Connect worker at ${this.base} did not answer (${cause}).`);
      }
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      if (res.ok) return { status: res.status, json };
      const message =
        (json && typeof json === "object" && typeof (json as { message?: unknown }).message === "string"
          ? (json as { message: string }).message
          : typeof json === "string" && json
            ? json
            : res.statusText) || `HTTP ${res.status}`;
      // "Cannot complete request because of a conflicting operation (e.g. worker rebalance)" and
      // "…momentarily due to stale configuration…": Connect says try again.
      if (res.status === 409 && /rebalanc|momentarily|stale/i.test(message) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      throw new ConnectError(res.status, message);
    }
  }

  private async orNull<T>(p: Promise<T>): Promise<T | null> {
    try {
      return await p;
    } catch (e) {
      if (e instanceof ConnectError && e.status === 404) return null;
      throw e;
    }
  }

  private static enc(name: string): string {
    return encodeURIComponent(name);
  }

  /** The worker serves requests: started and a member of its group (Connect's /health, 3.9+). */
  async ready(): Promise<boolean> {
    try {
      const res = await fetch(`${this.base}/health`, { signal: AbortSignal.timeout(5_000) });
      await res.text();
      return res.ok;
    } catch {
      return false;
    }
  }

  /** Connector plugins the worker found on its plugin.path (and its own classpath). */
  async plugins(): Promise<{ class: string; type: string; version: string }[]> {
    const { json } = await this.request("GET", "/connector-plugins?connectorsOnly=true");
    return json as { class: string; type: string; version: string }[];
  }

  /**
   * Connect's own validation of a connector config, errors by field. Connect requires a `name`:
   * pass the connector's (a placeholder is used when the config has none).
   */
  async validate(pluginClass: string, config: Record<string, string>): Promise<ConnectValidation> {
    const { json } = await this.request(
      "PUT",
      `/connector-plugins/${ConnectRestClient.enc(pluginClass)}/config/validate`,
      { name: "weir-validation", ...config, "connector.class": pluginClass },
    );
    const v = json as RawValidation;
    return {
      errorCount: v.error_count,
      errors: v.configs
        .filter((c) => c.value.errors.length > 0)
        .map((c) => ({ field: c.value.name, messages: c.value.errors })),
    };
  }

  /** Creates the connector or replaces its config. */
  async put(name: string, config: Record<string, string>): Promise<void> {
    await this.request("PUT", `/connectors/${ConnectRestClient.enc(name)}/config`, config);
  }

  /** The connector's config as stored: secret references (${dir:…}) stay unresolved. */
  get(name: string): Promise<Record<string, string> | null> {
    return this.orNull(
      this.request("GET", `/connectors/${ConnectRestClient.enc(name)}/config`).then(
        (r) => r.json as Record<string, string>,
      ),
    );
  }

  async status(name: string): Promise<ConnectorStatus | null> {
    const raw = await this.orNull(
      this.request("GET", `/connectors/${ConnectRestClient.enc(name)}/status`).then((r) => r.json as RawStatus),
    );
    if (!raw) return null;
    return {
      state: raw.connector.state,
      workerId: raw.connector.worker_id,
      ...(raw.connector.trace ? { trace: raw.connector.trace } : {}),
      tasks: raw.tasks
        .map((t) => ({ id: t.id, state: t.state, workerId: t.worker_id, ...(t.trace ? { trace: t.trace } : {}) }))
        .sort((a, b) => a.id - b.id),
    };
  }

  async list(): Promise<string[]> {
    const { json } = await this.request("GET", "/connectors");
    return (json as string[]).sort();
  }

  async pause(name: string): Promise<void> {
    await this.request("PUT", `/connectors/${ConnectRestClient.enc(name)}/pause`);
  }

  async resume(name: string): Promise<void> {
    await this.request("PUT", `/connectors/${ConnectRestClient.enc(name)}/resume`);
  }

  /** Restarts the connector; with includeTasks its tasks too (onlyFailed: the failed ones). */
  async restart(name: string, opts: { includeTasks?: boolean; onlyFailed?: boolean } = {}): Promise<void> {
    const q = `includeTasks=${opts.includeTasks ?? false}&onlyFailed=${opts.onlyFailed ?? false}`;
    await this.request("POST", `/connectors/${ConnectRestClient.enc(name)}/restart?${q}`);
  }

  /** Deletes the connector; one that does not exist is not an error. */
  async delete(name: string): Promise<void> {
    await this.orNull(this.request("DELETE", `/connectors/${ConnectRestClient.enc(name)}`));
  }
}
