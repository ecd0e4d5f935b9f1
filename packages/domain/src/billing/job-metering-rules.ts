// How a job's runtime is metered and where it shows on the bill: the controller writes the run
// intervals with these values, the billing page reads them back. Pure, so the console can import
// it through `@weir/domain/rules`.
//
// A job is metered in JOB_HOURS at the zero-priced SKU `spark-job-driver`: its driver and executors
// run on its compute cluster's nodes, which are billed as Spark node hours, so the job's line shows
// the runtime without billing the same cores twice.

/** The meter of a running job's driver, one per attempt's instance. */
export const JOB_METER = { dimension: "JOB_HOURS", sku: "spark-job-driver", quantity: 1 } as const;

/** The resource kind of a job's run intervals and invoice lines. */
export const JOB_RESOURCE_KIND = "Job";

/**
 * A job's resourceName on run intervals and invoice lines: "<compute cluster>/<job>", so its line
 * sorts and shows under the compute cluster it ran on. Resource names never contain "/".
 */
export function jobResourceName(computeClusterName: string, jobName: string): string {
  return `${computeClusterName}/${jobName}`;
}

/** The compute cluster and job of a job line's resourceName; null for any other line. */
export function jobOfLine(line: {
  resourceKind: string;
  resourceName: string;
}): { computeCluster: string; job: string } | null {
  if (line.resourceKind !== JOB_RESOURCE_KIND) return null;
  const slash = line.resourceName.indexOf("/");
  if (slash < 0) return { computeCluster: "", job: line.resourceName };
  return { computeCluster: line.resourceName.slice(0, slash), job: line.resourceName.slice(slash + 1) };
}

/**
 * Invoice lines in the order the billing page shows them: as they come, except that each job's
 * lines follow the lines of the compute cluster it ran on (by name), the jobs of a cluster in name
 * order. A job whose cluster has no line (deleted before the month, say) stays where it was.
 */
export function linesUnderComputeClusters<L extends { resourceKind: string; resourceName: string; resourceId: string }>(
  lines: readonly L[],
): L[] {
  const clusters = new Set(lines.filter((l) => l.resourceKind === "ComputeCluster").map((l) => l.resourceName));
  const jobsOf = new Map<string, L[]>();
  const rest: L[] = [];
  for (const l of lines) {
    const job = jobOfLine(l);
    if (job && clusters.has(job.computeCluster)) {
      const list = jobsOf.get(job.computeCluster) ?? [];
      list.push(l);
      jobsOf.set(job.computeCluster, list);
    } else rest.push(l);
  }
  const out: L[] = [];
  for (const [i, l] of rest.entries()) {
    out.push(l);
    const next = rest[i + 1];
    const lastOfCluster =
      l.resourceKind === "ComputeCluster" &&
      !(next && next.resourceKind === "ComputeCluster" && next.resourceId === l.resourceId);
    if (lastOfCluster) {
      const jobs = jobsOf.get(l.resourceName) ?? [];
      jobsOf.delete(l.resourceName);
      out.push(...jobs.sort((a, b) => a.resourceName.localeCompare(b.resourceName)));
    }
  }
  return out;
}
