import { describe, expect, test } from "vitest";
import { jobOfLine, jobResourceName, linesUnderComputeClusters } from "../src/billing/job-metering-rules.ts";

const line = (resourceKind: string, resourceId: string, resourceName: string, sku = "x") => ({
  resourceKind,
  resourceId,
  resourceName,
  sku,
});

describe("a job's line on the bill", () => {
  test("is named <compute cluster>/<job> and read back", () => {
    expect(jobResourceName("analytics", "revenue")).toBe("analytics/revenue");
    expect(jobOfLine({ resourceKind: "Job", resourceName: "analytics/revenue" })).toEqual({
      computeCluster: "analytics",
      job: "revenue",
    });
    expect(jobOfLine({ resourceKind: "Job", resourceName: "orphan" })).toEqual({ computeCluster: "", job: "orphan" });
    expect(jobOfLine({ resourceKind: "ComputeCluster", resourceName: "analytics" })).toBeNull();
  });

  test("follows the lines of its compute cluster; a job whose cluster has no line stays put", () => {
    const lines = [
      line("KafkaCluster", "k", "analytics", "kafka.m5.large"),
      line("ComputeCluster", "c", "analytics", "t2.small"),
      line("ComputeCluster", "c", "analytics", "t2.large"),
      line("KafkaCluster", "k2", "analytics-2"),
      line("Job", "j2", "analytics/zeta"),
      line("Job", "j1", "analytics/alpha"),
      line("Job", "j3", "gone/old"),
      line("ComputeCluster", "d", "batch"),
      line("Job", "j4", "batch/nightly"),
    ];
    expect(linesUnderComputeClusters(lines).map((l) => `${l.resourceName}:${l.sku}`)).toEqual([
      "analytics:kafka.m5.large",
      "analytics:t2.small",
      "analytics:t2.large",
      "analytics/alpha:x",
      "analytics/zeta:x",
      "analytics-2:x",
      "gone/old:x",
      "batch:x",
      "batch/nightly:x",
    ]);
  });
});
