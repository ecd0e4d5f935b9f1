// Metering against a real Postgres: run intervals and byte counters written the way the cluster
// reconciler writes them, metered by the controller's job with a clock the test moves.
import { createDb, type Db } from "@weir/db";
import { createTestDatabase } from "@weir/db/testing";
import { createDomain, ensureDefaultProject, meterUsage, seedPriceBook } from "@weir/domain";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { inject } from "vitest";
import { PeriodicTask } from "../src/framework/periodic.ts";
import { MeteringJob } from "../src/metering/job.ts";

let db: Db;
const meta = { ip: "127.0.0.1", userAgent: "test" };
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  db = createDb(await createTestDatabase(inject("templateDatabaseUrl")), 5);
  await seedPriceBook(db);
});
afterAll(() => db.$disconnect());

let n = 0;
async function newCluster(brokers = 3, storageGb = 100) {
  const { organization } = await createDomain(db).accounts.signUp(
    { email: `metering${++n}@example.com`, password: "a long password", name: "M" },
    meta,
  );
  await ensureDefaultProject(db, organization.id);
  const project = await db.project.findFirstOrThrow({ where: { orgId: organization.id } });
  const cluster = await db.kafkaCluster.create({
    data: {
      orgId: organization.id,
      projectId: project.id,
      name: `events-${n}`,
      kafkaVersion: "4.1.0",
      brokerCount: brokers,
      brokerInstanceType: "kafka.m5.large",
      storageGbPerBroker: storageGb,
    },
  });
  const brokerIds: string[] = [];
  for (let i = 0; i < brokers; i++) {
    const b = await db.broker.create({ data: { clusterId: cluster.id, nodeId: i + 1 } });
    brokerIds.push(b.id);
  }
  return { orgId: organization.id, cluster, brokerIds };
}

/** The rows the cluster reconciler writes for one broker that runs from `startedAt` to `endedAt`. */
async function brokerRan(
  c: Awaited<ReturnType<typeof newCluster>>,
  brokerId: string,
  startedAt: Date,
  endedAt: Date | null,
  storageGb = c.cluster.storageGbPerBroker,
) {
  const base = {
    orgId: c.orgId,
    resourceKind: "KafkaCluster",
    resourceId: c.cluster.id,
    resourceName: c.cluster.name,
    instanceId: brokerId,
    startedAt,
    endedAt,
  };
  await db.runInterval.createMany({
    data: [
      { ...base, dimension: "BROKER_HOURS", sku: c.cluster.brokerInstanceType, quantity: 1 },
      { ...base, dimension: "STORAGE_GB_HOURS", sku: "kafka.storage", quantity: storageGb },
    ],
  });
}

async function records(
  resourceId: string,
  dimension: "BROKER_HOURS" | "STORAGE_GB_HOURS" | "DATA_IN_GB" | "DATA_OUT_GB",
) {
  const rows = await db.usageRecord.findMany({ where: { resourceId, dimension }, orderBy: { hourStart: "asc" } });
  return rows.map((r) => [r.hourStart.toISOString().slice(5, 16), Number(r.quantity)] as const);
}

const job = (now: Date) => new MeteringJob({ db, now: () => now });

describe("metering run intervals", () => {
  test("a started hour counts; a double run and a restarted controller never count twice", async () => {
    const c = await newCluster(3, 100);
    // Brokers ran 10:20 to 15:30: hours 10 to 15 each count (6 hours per broker).
    for (const b of c.brokerIds) await brokerRan(c, b, at("2026-10-05T10:20:00Z"), at("2026-10-05T15:30:00Z"));
    const now = at("2026-11-10T12:00:00Z");
    const first = await job(now).runOnce();
    expect(first.from.toISOString()).toBe("2026-10-01T00:00:00.000Z");
    const expected = ["10", "11", "12", "13", "14", "15"].map((h) => [`10-05T${h}:00`, 3] as const);
    expect(await records(c.cluster.id, "BROKER_HOURS")).toEqual(expected);
    expect(await records(c.cluster.id, "STORAGE_GB_HOURS")).toEqual(expected.map(([h]) => [h, 300]));

    const j = job(now);
    await j.runOnce();
    await j.runOnce();
    await Promise.all([j.runOnce(), j.runOnce(), job(now).runOnce()]);
    expect(await records(c.cluster.id, "BROKER_HOURS")).toEqual(expected);
    expect(await db.usageRecord.count({ where: { resourceId: c.cluster.id } })).toBe(12);
  });

  test("two controllers metering at once: one holds the lease and meters, the other only tries; hours count once", async () => {
    const c = await newCluster(2, 10);
    for (const b of c.brokerIds) await brokerRan(c, b, at("2026-10-07T08:10:00Z"), at("2026-10-07T09:05:00Z"));
    const now = at("2026-11-10T12:00:00Z");
    const tasks = ["controller-a", "controller-b"].map(
      (holder) =>
        new PeriodicTask({
          db,
          name: "metering-two-controllers",
          intervalMs: 3_600_000,
          holder,
          run: () => job(now).runOnce(),
        }),
    );
    for (let round = 0; round < 3; round++) {
      const ran = await Promise.all(tasks.map((t) => t.tick()));
      expect(ran.filter(Boolean)).toHaveLength(1);
    }
    expect(tasks.map((t) => t.attempts)).toEqual([3, 3]);
    expect(tasks.map((t) => t.runs).sort()).toEqual([0, 3]);
    expect(await records(c.cluster.id, "BROKER_HOURS")).toEqual([
      ["10-07T08:00", 2],
      ["10-07T09:00", 2],
    ]);
    // The holder stops and gives the lease up: the other takes over at its next tick.
    const [holder, other] = tasks[0]!.runs ? [tasks[0]!, tasks[1]!] : [tasks[1]!, tasks[0]!];
    await holder.stop();
    expect(await other.tick()).toBe(true);
    await other.stop();
  });

  test("a broker restarted within an hour is one broker-hour; a resize counts at the larger size", async () => {
    const c = await newCluster(1, 100);
    const [b] = c.brokerIds;
    await brokerRan(c, b!, at("2026-10-06T09:00:00Z"), at("2026-10-06T10:20:00Z"), 100);
    await brokerRan(c, b!, at("2026-10-06T10:40:00Z"), at("2026-10-06T12:00:00Z"), 200);
    await job(at("2026-11-01T00:30:00Z")).runOnce();
    expect(await records(c.cluster.id, "BROKER_HOURS")).toEqual([
      ["10-06T09:00", 1],
      ["10-06T10:00", 1],
      ["10-06T11:00", 1],
    ]);
    expect(await records(c.cluster.id, "STORAGE_GB_HOURS")).toEqual([
      ["10-06T09:00", 100],
      ["10-06T10:00", 200],
      ["10-06T11:00", 200],
    ]);
  });

  test("hours missed while the controller was down are filled from the intervals", async () => {
    const c = await newCluster(1, 50);
    await brokerRan(c, c.brokerIds[0]!, at("2026-11-01T00:00:00Z"), null);
    // Runs at 03:30, then the controller is down for two days.
    await job(at("2026-11-01T03:30:00Z")).runOnce();
    expect((await records(c.cluster.id, "BROKER_HOURS")).length).toBe(4);
    const restarted = job(at("2026-11-03T00:30:00Z"));
    await restarted.runOnce();
    const rows = await records(c.cluster.id, "BROKER_HOURS");
    expect(rows.length).toBe(49);
    expect(rows.every(([, q]) => q === 1)).toBe(true);
    expect(rows.at(-1)).toEqual(["11-03T00:00", 1]);
    // The broker stops at 00:45; the next run (from the hour before the last one) closes it out.
    await db.runInterval.updateMany({
      where: { instanceId: c.brokerIds[0]!, endedAt: null },
      data: { endedAt: at("2026-11-03T00:45:00Z") },
    });
    const later = await restarted.runOnce();
    expect(later.from.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect((await records(c.cluster.id, "BROKER_HOURS")).length).toBe(49);
    const inv = await db.invoice.findFirstOrThrow({ where: { orgId: c.orgId } });
    // 49 broker-hours × 0.21 = 10.29; 49 × 50 GB-hours / 720 h × 0.10 = 0.340277… → 0.34.
    expect(inv.total.toFixed(2)).toBe("10.63");
    expect(inv.status).toBe("OPEN");
  });
});

test("an interval recorded late in the month is still counted by the next run", async () => {
  const c = await newCluster(1, 10);
  const j = job(at("2026-11-20T12:10:00Z"));
  await j.runOnce();
  expect(await records(c.cluster.id, "BROKER_HOURS")).toEqual([]);
  await brokerRan(c, c.brokerIds[0]!, at("2026-11-18T00:00:00Z"), at("2026-11-18T10:00:00Z"));
  await j.runOnce();
  expect((await records(c.cluster.id, "BROKER_HOURS")).length).toBe(10);
});

describe("metering bytes in and out", () => {
  test("deltas of the cluster running totals per hour, across a reset, a later window and pruning", async () => {
    const c = await newCluster(2, 10);
    const sample = (nodeId: number | null, sampledAt: string, inGb: number, outGb: number) => ({
      clusterId: c.cluster.id,
      nodeId,
      sampledAt: at(sampledAt),
      bytesInPerSec: 0,
      bytesOutPerSec: 0,
      messagesInPerSec: 0,
      partitions: 1,
      underReplicated: 0,
      diskUsedBytes: 0n,
      bytesInTotal: BigInt(inGb * 1e9),
      bytesOutTotal: BigInt(outGb * 1e9),
    });
    // The cluster's running totals (node null) are metered; per-broker counters are not.
    await db.clusterMetricSample.createMany({
      data: [
        sample(null, "2026-11-02T10:05:00Z", 1, 2), // the first sample is the baseline
        sample(null, "2026-11-02T10:35:00Z", 3, 6),
        sample(null, "2026-11-02T11:05:00Z", 0.5, 1), // a total that began again
        sample(null, "2026-11-02T11:35:00Z", 1.5, 4),
        sample(1, "2026-11-02T10:30:00Z", 10, 10),
        sample(1, "2026-11-02T11:30:00Z", 12, 11),
      ],
    });
    const now = at("2026-11-02T12:10:00Z");
    await job(now).runOnce();
    const expectIn = [
      ["11-02T10:00", 2],
      ["11-02T11:00", 1.5],
    ];
    const expectOut = [
      ["11-02T10:00", 4],
      ["11-02T11:00", 4],
    ];
    expect(await records(c.cluster.id, "DATA_IN_GB")).toEqual(expectIn);
    expect(await records(c.cluster.id, "DATA_OUT_GB")).toEqual(expectOut);

    // A window that starts at 11:00 uses the last sample before it as the baseline.
    await meterUsage(db, { from: at("2026-11-02T11:00:00Z"), to: now });
    expect(await records(c.cluster.id, "DATA_IN_GB")).toEqual(expectIn);
    expect(await records(c.cluster.id, "DATA_OUT_GB")).toEqual(expectOut);

    // Samples pruned by retention leave the oldest remaining one as a baseline: nothing shrinks.
    await db.clusterMetricSample.deleteMany({
      where: { clusterId: c.cluster.id, sampledAt: { lt: at("2026-11-02T11:00:00Z") } },
    });
    await job(now).runOnce();
    expect(await records(c.cluster.id, "DATA_IN_GB")).toEqual(expectIn);
    expect(await records(c.cluster.id, "DATA_OUT_GB")).toEqual(expectOut);
  });
});

describe("invoices and budgets from the job", () => {
  test("an ended month is finalised; a budget notice is raised once with an audit event", async () => {
    const c = await newCluster(3, 100);
    for (const b of c.brokerIds) await brokerRan(c, b, at("2026-10-10T00:00:00Z"), at("2026-10-20T00:00:00Z"));
    for (const b of c.brokerIds) await brokerRan(c, b, at("2026-11-01T00:00:00Z"), null);
    await db.budget.create({ data: { orgId: c.orgId, monthlyAmount: "10.00", thresholdPercent: 50 } });
    const now = at("2026-11-02T00:10:00Z");
    await job(now).runOnce();
    await job(now).runOnce();
    const invoices = await db.invoice.findMany({ where: { orgId: c.orgId }, orderBy: { periodStart: "asc" } });
    expect(invoices.map((i) => [i.periodStart.toISOString().slice(0, 7), i.status])).toEqual([
      ["2026-10", "FINAL"],
      ["2026-11", "OPEN"],
    ]);
    // October: 3 brokers × 240 h × 0.21 = 151.20; 72,000 GB-hours / 744 h × 0.10 = 9.677… → 9.68.
    expect(invoices[0]!.total.toFixed(2)).toBe("160.88");
    // November so far: 25 started hours × 3 brokers × 0.21 = 15.75; 7,500 GB-h / 720 × 0.10 = 1.04.
    expect(invoices[1]!.total.toFixed(2)).toBe("16.79");
    const notices = await db.auditEvent.findMany({ where: { orgId: c.orgId, action: "budget.threshold_crossed" } });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ actorType: "SYSTEM", actorLabel: "billing" });
    expect(notices[0]!.details).toMatchObject({ month: "2026-11", monthToDate: "16.79", thresholdPercent: 50 });
  });
});
