// Samples every serving compute cluster into compute_metric_samples from its master's /json/
// (workers alive, cores and memory used of total, running applications). Run by a PeriodicTask,
// so one controller at a time.
import type { Db } from "@weir/db";
import { isServing, RESOURCE_STATUSES } from "@weir/domain";
import { fetchMasterState } from "@weir/runtime";

const COMPUTE_SERVING = RESOURCE_STATUSES.filter((s) => isServing("ComputeCluster", s));

export async function sampleComputeClusters(db: Db, retentionHours: number): Promise<number> {
  const clusters = await db.computeCluster.findMany({
    where: { status: { in: COMPUTE_SERVING } },
    include: { nodes: { where: { role: "master" } } },
  });
  const now = new Date();
  const rows = [];
  for (const c of clusters) {
    const master = c.nodes[0];
    const state = master ? await fetchMasterState(master.host, master.uiPort) : null;
    if (!state) continue;
    const alive = state.workers.filter((w) => w.state === "ALIVE");
    const sum = (f: (w: (typeof alive)[number]) => number) => alive.reduce((n, w) => n + f(w), 0);
    rows.push({
      computeClusterId: c.id,
      sampledAt: now,
      workersAlive: alive.length,
      coresUsed: sum((w) => w.coresUsed),
      coresTotal: sum((w) => w.cores),
      memoryUsedMb: sum((w) => w.memoryUsedMb),
      memoryTotalMb: sum((w) => w.memoryMb),
      runningApps: state.activeApps.length,
    });
  }
  if (rows.length > 0) await db.computeMetricSample.createMany({ data: rows });
  await db.computeMetricSample.deleteMany({
    where: { sampledAt: { lt: new Date(now.getTime() - retentionHours * 3600_000) } },
  });
  return rows.length;
}
