// The estimator recommends only what the project quota lets a user create, or names the quota
// field that stands in the way (issue 12, item 5).
import { describe, expect, test } from "vitest";
import { defaultPriceBook, recommend, type PriceBook, type SizingQuota } from "../src/index.ts";

const book: PriceBook = { version: 1, currency: "USD", prices: defaultPriceBook.prices };
// What every new project gets (packages/domain/src/orgs/provision.ts); pricing stays pure, so the
// figures are repeated here rather than imported.
const quota: SizingQuota = { maxBrokersPerCluster: 9, maxStorageGbPerBroker: 1000 };
const base = {
  writeMBps: 10,
  readFanout: 2,
  retentionHours: 168,
  replicationFactor: 3,
  partitions: 300,
  brokerInstanceType: "auto",
};

describe("sizing within the project quota", () => {
  test("the default plan (7 × t3.small with 3,370 GB each without a quota) is not offered: the quota is named", () => {
    expect(recommend(base, book).recommended).toMatchObject({ brokers: 7, storageGbPerBroker: 3370 });
    const r = recommend(base, book, quota);
    expect(r.fits).toBe(false);
    expect(r.recommended).toBeNull();
    // 18,144 GB retained × 1.3 at 1,000 GB per broker = 24 brokers, more than 9.
    expect(r.summary).toMatch(/^No offered size fits this workload within the project quota/);
    expect(r.summary).toMatch(/24 brokers, more than the 9 the project quota allows \(maxBrokersPerCluster\)/);
    expect(r.options[0]!.quotaBlocks).toEqual(["maxBrokersPerCluster"]);
    expect(r.quota).toEqual(quota);
  });

  test("every recommendation is creatable: brokers and storage per broker within the quota", () => {
    for (const retentionHours of [1, 24, 48, 72, 168]) {
      for (const writeMBps of [0.5, 1, 5, 10, 30]) {
        const r = recommend({ ...base, writeMBps, retentionHours }, book, quota);
        for (const o of [r.recommended, ...r.options].filter((x) => x?.fits)) {
          expect(o!.brokers).toBeLessThanOrEqual(quota.maxBrokersPerCluster);
          expect(o!.storageGbPerBroker).toBeLessThanOrEqual(quota.maxStorageGbPerBroker);
          expect(o!.quotaBlocks).toEqual([]);
        }
      }
    }
  });

  test("storage that would exceed the quota per broker takes more brokers instead", () => {
    // 10 MB/s for 24 h × RF 3 = 2,592 GB; × 1.3 = 3,370 GB: 4 brokers at 1,000 GB, not 3 at 1,124.
    const r = recommend({ ...base, retentionHours: 24, brokerInstanceType: "kafka.m5.large" }, book, quota);
    expect(r.recommended).toMatchObject({ brokers: 4, storageGbPerBroker: 850 });
    expect(r.recommended!.limits.storageGb).toBe(1000);
  });

  test("a fixed broker count whose storage exceeds the quota names maxStorageGbPerBroker", () => {
    const r = recommend({ ...base, retentionHours: 24, brokerInstanceType: "kafka.m5.large", brokers: 3 }, book, quota);
    expect(r.recommended).toBeNull();
    expect(r.options[0]!.quotaBlocks).toEqual(["maxStorageGbPerBroker"]);
    expect(r.summary).toMatch(/1,130 GB per broker exceeds the project quota of 1,000 GB \(maxStorageGbPerBroker\)/);
  });

  test("a workload beyond any size is still reported as such, not as a quota", () => {
    const r = recommend({ ...base, writeMBps: 100_000 }, book, quota);
    expect(r.summary).toMatch(/^No offered size fits this workload: even/);
  });
});

describe("Kafka Connect in the estimate", () => {
  test("Connect workers are priced all month at their type's hourly price, next to the brokers", () => {
    const small = { ...base, writeMBps: 5, retentionHours: 72 };
    const without = recommend(small, book, quota).recommended!;
    const withConnect = recommend(
      { ...small, connect: { workers: 2, instanceType: "connect.2mcu" } },
      book,
      quota,
    ).recommended!;
    // The new-project default plan fits (the estimator page opens on it).
    expect(without).toMatchObject({ fits: true, brokers: 6 });
    const line = withConnect.estimate.lines.find((l) => l.dimension === "CONNECT_WORKER_HOURS")!;
    // 2 workers × 720 h × $0.22.
    expect(line).toMatchObject({ sku: "connect.2mcu" });
    expect(String(line.quantity)).toBe("1440");
    expect(String(line.amount)).toBe("316.80");
    expect(Number(withConnect.estimate.total) - Number(without.estimate.total)).toBeCloseTo(316.8, 2);
  });
});
