import { describe, expect, test } from "vitest";
import {
  defaultPriceBook,
  estimate,
  hoursInMonthOf,
  MissingPriceError,
  price,
  recommend,
  toCents,
  usageOf,
  type Plan,
  type PriceBook,
  type Usage,
} from "../src/index.ts";

const book: PriceBook = { version: 1, currency: "USD", prices: defaultPriceBook.prices };

const totalOf = (plan: Plan) => estimate(plan, book).total;

describe("the worked example", () => {
  test("3 × kafka.m5.large for 720 h + 1,024 GB-month + 100 GB out = 566.00", () => {
    const priced = estimate(
      {
        hoursInMonth: 720,
        kafka: { brokers: 3, instanceType: "kafka.m5.large", storageGbPerBroker: 1024 / 3, dataOutGb: 100 },
      },
      book,
    );
    expect(priced.lines.map((l) => [l.sku, l.quantity, l.unit, l.unitPrice, l.amount])).toEqual([
      ["kafka.m5.large", "2160", "hour", "0.21", "453.60"],
      ["kafka.storage", "1024", "GB-month", "0.1", "102.40"],
      ["kafka.data-out", "100", "GB", "0.1", "10.00"],
    ]);
    expect(priced.subtotal).toBe("566.00");
    expect(priced.total).toBe("566.00");
    expect(priced.priceBookVersion).toBe(1);
  });
});

describe("golden estimates", () => {
  test.each<[string, Plan, string]>([
    [
      "one t3.small for a 30-day month",
      { kafka: { brokers: 1, instanceType: "kafka.t3.small", storageGbPerBroker: 10 } },
      "33.83",
    ],
    // 0.0456 × 720 = 32.832 → 32.83; 10 GB-month storage = 1.00
    [
      "3 × m5.xlarge, 31-day month",
      { hoursInMonth: 744, kafka: { brokers: 3, instanceType: "kafka.m5.xlarge", storageGbPerBroker: 500 } },
      "1087.44",
    ],
    // 3 × 744 × 0.42 = 937.44; 1500 GB-month = 150.00
    [
      "9 × m5.24xlarge",
      { kafka: { brokers: 9, instanceType: "kafka.m5.24xlarge", storageGbPerBroker: 16384 } },
      "80064.00",
    ],
    // 9 × 720 × 10.08 = 65318.40; 147456 GB-month × 0.10 = 14745.60
    ["Spark only: 4 × t2.small for 100 h", { compute: { workers: 4, instanceType: "t2.small", hours: 100 } }, "29.20"],
    ["Spark t2.2xlarge 8 h/day × 30", { compute: { workers: 2, instanceType: "t2.2xlarge", hours: 240 } }, "202.08"],
    ["nothing planned", {}, "0.00"],
  ])("%s", (_name, plan, total) => {
    expect(totalOf(plan)).toBe(total);
  });
});

describe("rounding and units", () => {
  test.each([
    ["0.005", "0.01"],
    ["0.0049999", "0.00"],
    ["2.675", "2.68"], // 2.675 is 2.67499… as a float; decimal rounds it half-up correctly
    ["1.015", "1.02"],
    ["-0", "0.00"],
  ])("toCents(%s) = %s", (v, cents) => expect(toCents(v)).toBe(cents));

  test("each line is rounded once, the total is the sum of rounded lines", () => {
    const usage: Usage = {
      hoursInMonth: 720,
      items: [
        {
          resourceKind: "KafkaCluster",
          resourceId: "a",
          resourceName: "a",
          dimension: "BROKER_HOURS",
          sku: "kafka.t3.small",
          quantity: 1,
        },
        {
          resourceKind: "KafkaCluster",
          resourceId: "b",
          resourceName: "b",
          dimension: "BROKER_HOURS",
          sku: "kafka.t3.small",
          quantity: 1,
        },
        {
          resourceKind: "KafkaCluster",
          resourceId: "c",
          resourceName: "c",
          dimension: "BROKER_HOURS",
          sku: "kafka.t3.small",
          quantity: 1,
        },
      ],
    };
    // 0.0456 rounds to 0.05 per line; 3 lines = 0.15 (not 0.1368 → 0.14).
    const p = price(usage, book);
    expect(p.lines.map((l) => l.amount)).toEqual(["0.05", "0.05", "0.05"]);
    expect(p.total).toBe("0.15");
  });

  test("items of the same resource, dimension and SKU are summed before rounding", () => {
    const one = {
      resourceKind: "KafkaCluster",
      resourceId: "a",
      resourceName: "a",
      dimension: "BROKER_HOURS",
      sku: "kafka.t3.small",
      quantity: 1,
    } as const;
    const p = price({ hoursInMonth: 720, items: [one, one, one] }, book);
    expect(p.lines).toHaveLength(1);
    expect(p.lines[0]).toMatchObject({ quantity: "3", amount: "0.14" });
  });

  test("storage GB-hours are divided by the hours of the month the usage falls in", () => {
    const item = {
      resourceKind: "KafkaCluster",
      resourceId: "a",
      resourceName: "a",
      dimension: "STORAGE_GB_HOURS",
      sku: "kafka.storage",
    } as const;
    // 100 GB for a whole 31-day month is 100 GB-month, as it is for a 28-day month.
    expect(price({ hoursInMonth: 744, items: [{ ...item, quantity: 100 * 744 }] }, book).total).toBe("10.00");
    expect(price({ hoursInMonth: 672, items: [{ ...item, quantity: 100 * 672 }] }, book).total).toBe("10.00");
    // One GB for one hour of a 31-day month: the quantity shows 6 decimals, the amount uses the exact value.
    const p = price({ hoursInMonth: 744, items: [{ ...item, quantity: 7440 }] }, book);
    expect(p.lines[0]).toMatchObject({ quantity: "10", amount: "1.00" });
    const q = price({ hoursInMonth: 744, items: [{ ...item, quantity: 1 }] }, book);
    expect(q.lines[0]!.quantity).toBe("0.001344");
  });

  test.each([
    [new Date("2026-02-10T00:00:00Z"), 672],
    [new Date("2028-02-29T23:59:59Z"), 696],
    [new Date("2026-04-30T12:00:00Z"), 720],
    [new Date("2026-12-31T23:00:00Z"), 744],
  ])("hours in the month of %s = %i", (at, hours) => expect(hoursInMonthOf(at)).toBe(hours));

  test("a SKU the book does not price is refused, naming it", () => {
    expect(() =>
      estimate({ kafka: { brokers: 1, instanceType: "kafka.z9.huge", storageGbPerBroker: 1 } }, book),
    ).toThrow(MissingPriceError);
    expect(() =>
      estimate({ kafka: { brokers: 1, instanceType: "kafka.z9.huge", storageGbPerBroker: 1 } }, book),
    ).toThrow(/kafka\.z9\.huge/);
  });

  test("estimate is price(usageOf(plan))", () => {
    const plan: Plan = {
      hoursInMonth: 744,
      kafka: {
        brokers: 5,
        instanceType: "kafka.m5.2xlarge",
        storageGbPerBroker: 333,
        hours: 17,
        dataInGb: "12.5",
        dataOutGb: "0.123456",
      },
      compute: { workers: 3, instanceType: "t2.large", hours: 17 },
    };
    expect(estimate(plan, book)).toEqual(price(usageOf(plan), book));
  });
});

describe("job runtime", () => {
  test("JOB_HOURS shows the hours a job ran at no cost: its cores are the compute nodes' hours", () => {
    const node = {
      resourceKind: "ComputeCluster",
      resourceId: "c",
      resourceName: "analytics",
      dimension: "COMPUTE_NODE_HOURS",
      sku: "t2.small",
      quantity: 10,
    } as const;
    const job = {
      resourceKind: "Job",
      resourceId: "j",
      resourceName: "analytics/revenue",
      dimension: "JOB_HOURS",
      sku: "spark-job-driver",
      quantity: 10,
    } as const;
    const withJob = price({ hoursInMonth: 720, items: [node, job] }, book);
    expect(withJob.total).toBe(price({ hoursInMonth: 720, items: [node] }, book).total);
    expect(withJob.total).toBe("0.73");
    expect(withJob.lines.map((l) => [l.resourceName, l.dimension, l.quantity, l.unit, l.amount])).toEqual([
      ["analytics", "COMPUTE_NODE_HOURS", "10", "hour", "0.73"],
      ["analytics/revenue", "JOB_HOURS", "10", "hour", "0.00"],
    ]);
  });
});

describe("Connect workers", () => {
  test("CONNECT_WORKER_HOURS: 2 × connect.1mcu for a 720-hour month is $158.40, estimated as metered", () => {
    const plan: Plan = { connect: { name: "cdc", workers: 2, instanceType: "connect.1mcu", hours: 720 } };
    const e = estimate(plan, book);
    expect(e.lines.map((l) => [l.resourceName, l.dimension, l.sku, l.quantity, l.unitPrice, l.amount])).toEqual([
      ["cdc", "CONNECT_WORKER_HOURS", "connect.1mcu", "1440", "0.11", "158.40"],
    ]);
    const metered = price(
      {
        hoursInMonth: 720,
        items: [
          {
            resourceKind: "ConnectCluster",
            resourceId: "x",
            resourceName: "cdc",
            dimension: "CONNECT_WORKER_HOURS",
            sku: "connect.1mcu",
            quantity: 1440,
          },
        ],
      },
      book,
    );
    expect(metered.total).toBe(e.total);
  });
});

describe("sizing", () => {
  const base = {
    writeMBps: 10,
    readFanout: 2,
    retentionHours: 168,
    replicationFactor: 3,
    partitions: 300,
    brokerInstanceType: "auto",
  };

  test("sizes a moderate workload with the cheapest type that fits and says why", () => {
    const r = recommend(base, book);
    expect(r.fits).toBe(true);
    // traffic = 10 × (2·3 − 1 + 2) = 70 MB/s; t3.small carries 10 MB/s → 7 brokers at 7 × $0.0456/h,
    // cheaper than 3 × m5.large (60 MB/s each) at 3 × $0.21/h.
    expect(r.traffic.brokerTrafficMBps).toBe(70);
    expect(r.recommended).toMatchObject({ brokers: 7, instanceType: "kafka.t3.small" });
    // retained 10 MB/s × 168 h × 3600 × 3 / 1000 = 18,144 GB; per broker 2,592 × 1.3 = 3,369.6 → 3,370 GB
    expect(r.recommended!.storageGbPerBroker).toBe(3370);
    expect(r.summary).toMatch(/7 × kafka\.t3\.small: each broker carries 10 MB\/s of 70 MB\/s/);
    expect(r.options.map((o) => `${o.brokers} × ${o.instanceType}`)).toContain("3 × kafka.m5.large");
    expect(r.summary).toMatch(/holds 129 partition replicas \(guidance 300\)/);
    expect(r.options.length).toBeGreaterThanOrEqual(2);
    expect(r.options.length).toBeLessThanOrEqual(3);
    expect(r.options[0]).toBe(r.recommended);
    // The priced month uses the same engine: data out = 10 × 2 MB/s × 720 h.
    expect(r.dataOutGb).toBe("51840");
  });

  test("a fixed type too small for the throughput needs more brokers", () => {
    const r = recommend({ ...base, brokerInstanceType: "kafka.t3.small" }, book);
    expect(r.recommended).toMatchObject({ brokers: 7, instanceType: "kafka.t3.small" });
  });

  test("partitions drive the broker count when they dominate", () => {
    const r = recommend({ ...base, writeMBps: 1, partitions: 4000, brokerInstanceType: "kafka.m5.large" }, book);
    expect(r.recommended!.brokers).toBe(12);
  });

  test("a fixed broker count that cannot carry the load does not fit and says why", () => {
    const r = recommend({ ...base, brokerInstanceType: "kafka.m5.large", brokers: 3, writeMBps: 100 }, book);
    expect(r.fits).toBe(false);
    expect(r.recommended).toBeNull();
    expect(r.summary).toMatch(/does not fit: .*MB\/s per broker exceeds its 60 MB\/s/);
  });

  test("a workload no offered size can carry says so", () => {
    const r = recommend({ ...base, writeMBps: 100_000 }, book);
    expect(r.fits).toBe(false);
    expect(r.summary).toMatch(/^No offered size fits this workload/);
    expect(r.summary).toMatch(/more than the 30 a cluster may have/);
  });

  test("compute workers × type × hours per day are priced for the month", () => {
    const r = recommend({ ...base, compute: { workers: 2, instanceType: "t2.2xlarge", hoursPerDay: 8 } }, book);
    const line = r.recommended!.estimate.lines.find((l) => l.dimension === "COMPUTE_NODE_HOURS");
    expect(line).toMatchObject({ quantity: "480", amount: "202.08" });
  });
});
