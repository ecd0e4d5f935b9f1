// The Spark master's own view of its cluster, from GET /json/ on its web UI (note the trailing
// slash: /json answers 301). Health and status come from here, never from logs.

export interface MasterWorker {
  id: string;
  host: string;
  port: number;
  /** ALIVE, DEAD, DECOMMISSIONED, UNKNOWN */
  state: string;
  cores: number;
  coresUsed: number;
  memoryMb: number;
  memoryUsedMb: number;
}

export interface MasterState {
  /** ALIVE once the master accepts workers and applications. */
  status: string;
  url: string;
  workers: MasterWorker[];
  activeApps: { id: string; name: string; cores: number }[];
}

interface RawWorker {
  id?: string;
  host?: string;
  port?: number;
  state?: string;
  cores?: number;
  coresused?: number;
  memory?: number;
  memoryused?: number;
}

/** Parses the master's /json/ body; throws on anything that is not one. */
export function parseMasterJson(body: unknown): MasterState {
  if (!body || typeof body !== "object" || typeof (body as { status?: unknown }).status !== "string") {
    throw new Error("not a Spark master /json/ answer");
  }
  const b = body as {
    status: string;
    url?: string;
    workers?: RawWorker[];
    activeapps?: { id?: string; name?: string; cores?: number }[];
  };
  return {
    status: b.status,
    url: b.url ?? "",
    workers: (b.workers ?? []).map((w) => ({
      id: w.id ?? "",
      host: w.host ?? "",
      port: w.port ?? 0,
      state: w.state ?? "UNKNOWN",
      cores: w.cores ?? 0,
      coresUsed: w.coresused ?? 0,
      memoryMb: w.memory ?? 0,
      memoryUsedMb: w.memoryused ?? 0,
    })),
    activeApps: (b.activeapps ?? []).map((a) => ({ id: a.id ?? "", name: a.name ?? "", cores: a.cores ?? 0 })),
  };
}

/** The master's state, or null if its UI does not answer (not started, or down). */
export async function fetchMasterState(host: string, uiPort: number, timeoutMs = 2000): Promise<MasterState | null> {
  try {
    const res = await fetch(`http://${host}:${uiPort}/json/`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return null;
    return parseMasterJson(await res.json());
  } catch {
    return null;
  }
}

/** The master's entry for a worker we started (matched by its RPC address), preferring a live one. */
export function findWorker(state: MasterState | null, host: string, port: number): MasterWorker | undefined {
  const matches = (state?.workers ?? []).filter((w) => w.host === host && w.port === port);
  return matches.find((w) => w.state === "ALIVE") ?? matches.at(-1);
}
