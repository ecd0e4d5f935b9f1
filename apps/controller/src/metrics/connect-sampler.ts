// Samples every serving Connect cluster's workers (run by a PeriodicTask, so one controller at a
// time): each worker's JMX exporter serves Connect's task metrics, and each connector keeps its
// records in and out per second, summed over its tasks on every worker (connectors.throughput).
// Connect's own *-rate figures are windowed averages, so no counter state is kept here.
import type { Db } from "@weir/db";
import { isServing, RESOURCE_STATUSES } from "@weir/domain";
import { connectorThroughput, parseConnectTaskMetrics, type TaskThroughput } from "@weir/runtime";

const CONNECT_SERVING = RESOURCE_STATUSES.filter((s) => isServing("ConnectCluster", s));

/** One worker's exposition, or null when it does not answer (not started yet, or without the agent). */
async function workerMetrics(host: string, port: number): Promise<TaskThroughput[] | null> {
  try {
    const r = await fetch(`http://${host}:${port}/metrics`, { signal: AbortSignal.timeout(3000) });
    return r.ok ? parseConnectTaskMetrics(await r.text()) : null;
  } catch {
    return null;
  }
}

/** Samples every serving Connect cluster; returns how many connectors got figures. */
export async function sampleConnectors(db: Db): Promise<number> {
  const clusters = await db.connectCluster.findMany({
    where: { status: { in: CONNECT_SERVING } },
    include: { workers: true, connectors: { select: { id: true, name: true } } },
  });
  const sampledAt = new Date().toISOString();
  let sampled = 0;
  for (const c of clusters) {
    const answers = await Promise.all(
      c.workers.filter((w) => w.metricsPort !== null).map((w) => workerMetrics(w.host, w.metricsPort!)),
    );
    const reporting = answers.filter((a): a is TaskThroughput[] => a !== null);
    if (reporting.length === 0) continue;
    const tasks = reporting.flat();
    for (const k of c.connectors) {
      const t = connectorThroughput(tasks, k.name);
      await db.connector.updateMany({
        where: { id: k.id },
        data: { throughput: t ? { ...t, sampledAt } : { ...ZERO, sampledAt } },
      });
      if (t) sampled++;
    }
  }
  return sampled;
}

/** A connector with no running task moves nothing. */
const ZERO = { recordsInPerSec: 0, recordsOutPerSec: 0, recordsInTotal: 0, recordsOutTotal: 0, tasks: 0 };
