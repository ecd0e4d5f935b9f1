// Pricing and billing over the real REST handlers and a real Postgres: the public price book and
// estimator, publishing versions, invoices from metered run intervals, budgets.
import { createDb } from "@weir/db";
import { createTestDatabase } from "@weir/db/testing";
import { resetEnv } from "@weir/env";
import {
  ensureDefaultProject,
  invoiceMeteredOrgs,
  meterUsage,
  priceBookForInvoice,
  refreshInvoice,
  seedPriceBook,
} from "@weir/domain";
import { JOB_METER, JOB_RESOURCE_KIND, jobResourceName } from "@weir/domain/rules";
import { estimate } from "@weir/pricing";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { startHarness } from "./harness.ts";

let h: Awaited<ReturnType<typeof startHarness>>;
const ADMIN = "platform-owner@example.com";

beforeAll(async () => {
  process.env.WEIR_PLATFORM_ADMINS = ` ${ADMIN.toUpperCase()} , someone@example.com`;
  resetEnv();
  h = await startHarness();
  await seedPriceBook(h.db);
});
afterAll(async () => {
  delete process.env.WEIR_PLATFORM_ADMINS;
  resetEnv();
  await h.close();
});

const at = (iso: string) => new Date(iso);

/** The platform owner (WEIR_PLATFORM_ADMINS), signed up on first use and signed in after. */
async function platformOwner() {
  const body = { email: ADMIN, password: "correct horse battery" };
  let r = await h.rest("POST", "/auth/sign-up", { body: { ...body, name: "Owner" } });
  if (r.status === 409) r = await h.rest("POST", "/auth/sign-in", { body });
  return {
    cookie: r.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; "),
  };
}

async function v1Prices() {
  const r = await h.rest("GET", "/pricing/price-book?at=2026-06-01T00:00:00Z");
  return r.body.prices as Array<{
    sku: string;
    dimension: string;
    unitPrice: string;
    description: string;
    vcpu?: number;
    memoryGib?: number;
  }>;
}

/** Writes run intervals the way the cluster reconciler does, for `brokers` brokers from `from` to `to`. */
async function runCluster(
  orgId: string,
  opts: { name: string; brokers: number; type: string; storageGb: number; from: Date; to: Date | null },
) {
  await ensureDefaultProject(h.db, orgId);
  const project = await h.db.project.findFirstOrThrow({ where: { orgId } });
  const cluster = await h.db.kafkaCluster.create({
    data: {
      orgId,
      projectId: project.id,
      name: opts.name,
      kafkaVersion: "4.1.0",
      brokerCount: opts.brokers,
      brokerInstanceType: opts.type,
      storageGbPerBroker: opts.storageGb,
    },
  });
  for (let i = 0; i < opts.brokers; i++) {
    const b = await h.db.broker.create({ data: { clusterId: cluster.id, nodeId: i + 1 } });
    const base = {
      orgId,
      resourceKind: "KafkaCluster",
      resourceId: cluster.id,
      resourceName: cluster.name,
      instanceId: b.id,
      startedAt: opts.from,
      endedAt: opts.to,
    };
    await h.db.runInterval.createMany({
      data: [
        { ...base, dimension: "BROKER_HOURS", sku: opts.type, quantity: 1 },
        { ...base, dimension: "STORAGE_GB_HOURS", sku: "kafka.storage", quantity: opts.storageGb },
      ],
    });
  }
  return cluster;
}

describe("the public price book", () => {
  test("needs no sign-in and lists every type with its price, vCPU and memory", async () => {
    const r = await h.rest("GET", "/pricing/price-book");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ version: 1, currency: "USD" });
    const bySku = Object.fromEntries(r.body.prices.map((p: { sku: string }) => [p.sku, p]));
    expect(bySku["kafka.t3.small"]).toMatchObject({ unitPrice: "0.0456", unit: "hour", vcpu: 2, memoryGib: 2 });
    expect(bySku["kafka.m5.large"]).toMatchObject({ unitPrice: "0.21", vcpu: 2, memoryGib: 8 });
    expect(bySku["kafka.m5.24xlarge"]).toMatchObject({ unitPrice: "10.08", vcpu: 96, memoryGib: 384 });
    expect(bySku["kafka.storage"]).toMatchObject({ unitPrice: "0.1", unit: "GB-month" });
    expect(bySku["t2.small"]).toMatchObject({ unitPrice: "0.073", vcpu: 1, memoryGib: 2 });
    expect(bySku["t2.2xlarge"]).toMatchObject({ unitPrice: "0.421" });
  });

  test("before the first version took effect there is none in force", async () => {
    const r = await h.rest("GET", "/pricing/price-book?at=2025-01-01T00:00:00Z");
    expect(r.status).toBe(404);
  });
});

describe("the public estimator", () => {
  const workload = { writeMBps: 1, readFanout: 1, retentionHours: 24, replicationFactor: 3, partitions: 100 };

  test("golden: 3 × kafka.m5.large sized for 1 MB/s, a day of retention, fan-out 1", async () => {
    const r = await h.rest("POST", "/pricing/estimate", {
      body: { ...workload, brokerInstanceType: "kafka.m5.large", brokers: 3 },
    });
    expect(r.status).toBe(200);
    expect(r.body.fits).toBe(true);
    // Retained 1 MB/s × 24 h × 3 copies = 259.2 GB; 86.4 GB per broker + 30% → 120 GB.
    expect(r.body.recommended).toMatchObject({ brokers: 3, instanceType: "kafka.m5.large", storageGbPerBroker: 120 });
    const lines = r.body.recommended.estimate.lines.map((l: any) => [l.sku, l.quantity, l.amount]);
    expect(lines).toEqual([
      ["kafka.m5.large", "2160", "453.60"],
      ["kafka.storage", "360", "36.00"],
      ["kafka.data-in", "2592", "0.00"],
      ["kafka.data-out", "2592", "259.20"],
    ]);
    expect(r.body.recommended.estimate.total).toBe("748.80");
    expect(r.body.summary).toMatch(/^3 × kafka\.m5\.large: each broker carries 2 MB\/s/);
    expect(r.body.options.length).toBeGreaterThanOrEqual(2);
  });

  test("size it for me picks the cheapest type that fits and offers neighbours side by side", async () => {
    const r = await h.rest("POST", "/pricing/estimate", {
      body: {
        ...workload,
        // 20 MB/s × a day × RF 3 × 1.3 = 6,739 GB: 7 brokers within the project quota of 1,000 GB each.
        writeMBps: 20,
        brokerInstanceType: "auto",
        compute: { workers: 2, instanceType: "t2.small", hoursPerDay: 24 },
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.recommended.fits).toBe(true);
    const totals = r.body.options.filter((o: any) => o.fits).map((o: any) => Number(o.estimate.total));
    expect(Math.min(...totals)).toBe(Number(r.body.recommended.estimate.total));
    expect(r.body.recommended.estimate.lines.find((l: any) => l.sku === "t2.small")).toMatchObject({
      quantity: "1440",
      amount: "105.12",
    });
  });

  test.each([
    [{ brokers: 0 }, "brokers"],
    [{ retentionHours: -1 }, "retentionHours"],
    [{ writeMBps: 10_000_000_000 }, "writeMBps"], // 10 PB/s
    [{ replicationFactor: 0 }, "replicationFactor"],
    [{ partitions: 1.5 }, "partitions"],
    [{ brokerInstanceType: "kafka.z9.huge" }, "brokerInstanceType"],
    [{ compute: { workers: 1, instanceType: "x1.huge", hoursPerDay: 2 } }, "compute.instanceType"],
    [{ compute: { workers: 1, instanceType: "t2.small", hoursPerDay: 25 } }, "compute.hoursPerDay"],
    [{ surprise: true }, "surprise"],
  ])("absurd input %j is 400 naming %s", async (patch, field) => {
    const r = await h.rest("POST", "/pricing/estimate", { body: { ...workload, ...patch } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("VALIDATION_FAILED");
    expect(Object.keys(r.body.error.fields)).toContain(field);
  });

  test("a workload beyond every offered size says no size fits", async () => {
    const r = await h.rest("POST", "/pricing/estimate", { body: { ...workload, writeMBps: 200_000 } });
    expect(r.status).toBe(200);
    expect(r.body.fits).toBe(false);
    expect(r.body.recommended).toBeNull();
    expect(r.body.summary).toMatch(/^No offered size fits this workload/);
  });
});

describe("estimate and invoice agree", () => {
  test("the invoice of running a plan for 100 hours equals its estimate, to the cent", async () => {
    const u = await h.signUp("plan");
    const from = at("2026-10-03T07:00:00Z");
    const to = at("2026-10-07T11:00:00Z"); // 100 hours
    const cluster = await runCluster(u.orgId, {
      name: "plan",
      brokers: 3,
      type: "kafka.m5.xlarge",
      storageGb: 333,
      from,
      to,
    });
    const compute = await h.db.computeCluster.create({
      data: {
        orgId: u.orgId,
        projectId: cluster.projectId,
        name: "spark",
        sparkVersion: "4.0.1",
        workerCount: 2,
        workerInstanceType: "t2.large",
      },
    });
    for (let i = 0; i < 2; i++) {
      await h.db.runInterval.create({
        data: {
          orgId: u.orgId,
          resourceKind: "ComputeCluster",
          resourceId: compute.id,
          resourceName: compute.name,
          instanceId: `worker-${i}`,
          dimension: "COMPUTE_NODE_HOURS",
          sku: "t2.large",
          startedAt: from,
          endedAt: to,
        },
      });
    }
    // A streaming job ran on that compute cluster the whole time, metered the way the job
    // reconciler meters its driver: it shows under the cluster at no cost (its cores are the
    // nodes' cores, already billed), so the total is the plan's.
    await h.db.runInterval.create({
      data: {
        orgId: u.orgId,
        resourceKind: JOB_RESOURCE_KIND,
        resourceId: crypto.randomUUID(),
        resourceName: jobResourceName(compute.name, "revenue"),
        instanceId: "revenue-driver-1",
        ...JOB_METER,
        startedAt: from,
        endedAt: to,
      },
    });
    // 123.456789 GB written and 37.5 GB read, as cumulative counters.
    await h.db.clusterMetricSample.createMany({
      data: [
        ["2026-10-03T07:30:00Z", 0n, 0n],
        ["2026-10-05T07:30:00Z", 100_000_000_000n, 30_000_000_000n],
        ["2026-10-07T10:30:00Z", 123_456_789_000n, 37_500_000_000n],
      ].map(([t, bi, bo]) => ({
        clusterId: cluster.id,
        nodeId: null,
        sampledAt: at(t as string),
        bytesInPerSec: 0,
        bytesOutPerSec: 0,
        messagesInPerSec: 0,
        partitions: 1,
        underReplicated: 0,
        diskUsedBytes: 0n,
        bytesInTotal: bi as bigint,
        bytesOutTotal: bo as bigint,
      })),
    });
    const now = at("2026-11-05T00:00:00Z");
    const m = await meterUsage(h.db, { from: at("2026-10-01T00:00:00Z"), to: now });
    await invoiceMeteredOrgs(h.db, m.orgIds, m.from, now);

    const list = await h.rest("GET", "/billing/invoices", { as: u });
    expect(list.status).toBe(200);
    const october = list.body.items.find((i: any) => i.month === "2026-10");
    expect(october).toMatchObject({ status: "FINAL", priceBookVersion: 1 });

    const { book } = await priceBookForInvoice(h.db, at("2026-10-01T00:00:00Z"));
    const planned = estimate(
      {
        hoursInMonth: 744,
        kafka: {
          name: "plan",
          brokers: 3,
          instanceType: "kafka.m5.xlarge",
          storageGbPerBroker: 333,
          hours: 100,
          dataInGb: "123.456789",
          dataOutGb: "37.5",
        },
        compute: { name: "spark", workers: 2, instanceType: "t2.large", hours: 100 },
      },
      book,
    );
    expect(october.total).toBe(planned.total);
    // 3 × 100 h × 0.42 = 126.00; 99,900 GB-h / 744 × 0.10 = 13.43; out 37.5 × 0.10 = 3.75; 2 × 100 × 0.1428 = 28.56
    expect(october.total).toBe("171.74");
    const detail = await h.rest("GET", `/billing/invoices/${october.id}`, { as: u });
    const amounts = (ls: Array<{ sku: string; amount: string }>) =>
      Object.fromEntries(ls.map((l) => [l.sku, l.amount]));
    const jobLine = detail.body.lines.find((l: any) => l.resourceKind === "Job");
    expect(jobLine).toMatchObject({
      resourceName: "spark/revenue",
      dimension: "JOB_HOURS",
      sku: "spark-job-driver",
      quantity: "100",
      unit: "hour",
      unitPrice: "0",
      amount: "0.00",
    });
    expect(amounts(detail.body.lines.filter((l: any) => l !== jobLine))).toEqual(amounts(planned.lines));
    expect(detail.body.lines.find((l: any) => l.sku === "kafka.storage")).toMatchObject({
      quantity: "134.274194",
      unit: "GB-month",
    });
  });
});

describe("seeding the price book", () => {
  test("a database seeded before a default SKU existed gets a new version with it, once", async () => {
    const db = createDb(await createTestDatabase(inject("templateDatabaseUrl")), 2);
    try {
      expect(await seedPriceBook(db)).toBe("SEEDED");
      // As an older Weir left it: version 1 without the job SKU.
      await db.price.deleteMany({ where: { sku: JOB_METER.sku } });
      const now = at("2026-11-20T10:00:00Z");
      expect(await seedPriceBook(db, now)).toBe("UPDATED");
      expect(await seedPriceBook(db, now)).toBe("NOOP");
      const [v1, v2] = await db.priceBookVersion.findMany({ orderBy: { version: "asc" }, include: { prices: true } });
      expect(v1!.prices.some((p) => p.sku === JOB_METER.sku)).toBe(false);
      expect(v2).toMatchObject({ version: 2, effectiveFrom: now });
      expect(v2!.notes).toMatch(/spark-job-driver/);
      const key = (p: { sku: string; unitPrice: { toString(): string } }) => `${p.sku}=${p.unitPrice.toString()}`;
      expect(v2!.prices.map(key).sort()).toEqual([...v1!.prices.map(key), "spark-job-driver=0"].sort());
      // A month that began under version 1 keeps it and prices the job from the newest version.
      const { book } = await priceBookForInvoice(db, at("2026-11-01T00:00:00Z"));
      expect(book.version).toBe(1);
      expect(book.prices.find((p) => p.sku === JOB_METER.sku)).toMatchObject({ dimension: "JOB_HOURS" });
    } finally {
      await db.$disconnect();
    }
  });
});

describe("publishing a price book version", () => {
  test("needs a platform owner: 401 without sign-in, 403 for anyone else", async () => {
    const body = { prices: await v1Prices() };
    expect((await h.rest("POST", "/pricing/price-book", { body })).status).toBe(401);
    const someone = await h.signUp("someone");
    const r = await h.rest("POST", "/pricing/price-book", { body, as: someone });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/WEIR_PLATFORM_ADMINS/);
  });

  test("a version missing a price for a type in use is refused, naming it", async () => {
    const owner = await platformOwner();
    const u = await h.signUp("custom");
    await runCluster(u.orgId, {
      name: "odd",
      brokers: 1,
      type: "kafka.m5.large",
      storageGb: 10,
      from: at("2026-11-01T00:00:00Z"),
      to: null,
    });
    await h.db.kafkaCluster.updateMany({ where: { name: "odd" }, data: { brokerInstanceType: "kafka.m7g.large" } });
    const prices = await v1Prices();
    const withoutLarge = prices.filter((p) => p.sku !== "kafka.m5.large");
    const r = await h.rest("POST", "/pricing/price-book", { body: { prices: withoutLarge }, as: owner });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/kafka\.m5\.large/);
    expect(r.body.error.message).toMatch(/kafka\.m7g\.large \(BROKER_HOURS, used by a Kafka cluster\)/);
    expect(r.body.error.fields).toHaveProperty(["prices.kafka.m5.large"]);
    const dup = await h.rest("POST", "/pricing/price-book", { body: { prices: [...prices, prices[0]] }, as: owner });
    expect(dup.status).toBe(400);
    const past = await h.rest("POST", "/pricing/price-book", {
      body: { prices, effectiveFrom: "2026-01-01T00:00:00Z" },
      as: owner,
    });
    expect(past.status).toBe(400);
    expect(Object.keys(past.body.error.fields)).toEqual(["effectiveFrom"]);
    await h.db.kafkaCluster.deleteMany({ where: { name: "odd" } });
    expect((await h.rest("GET", "/pricing/price-book")).body.version).toBe(1);
  });

  test("an invoice recomputed after a price change keeps its version and total; the next month uses the new one", async () => {
    const u = await h.signUp("steady");
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    await runCluster(u.orgId, {
      name: "steady",
      brokers: 3,
      type: "kafka.m5.large",
      storageGb: 100,
      from: monthStart,
      to: null,
    });
    const m = await meterUsage(h.db, { from: monthStart, to: now });
    await invoiceMeteredOrgs(h.db, m.orgIds, m.from, now);
    const before = (await h.rest("GET", "/billing/invoices", { as: u })).body.items[0];
    expect(before).toMatchObject({ status: "OPEN", priceBookVersion: 1 });
    expect(Number(before.total)).toBeGreaterThan(0);

    const owner = await platformOwner();
    const doubled = (await v1Prices()).map((p) => ({ ...p, unitPrice: String(Number(p.unitPrice) * 2) }));
    const published = await h.rest("POST", "/pricing/price-book", {
      body: {
        prices: [
          ...doubled,
          { sku: "kafka.m7g.large", dimension: "BROKER_HOURS", unitPrice: "0.204", vcpu: 2, memoryGib: 8 },
        ],
        notes: "doubled",
      },
      as: owner,
    });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ version: 2, notes: "doubled" });
    expect((await h.rest("GET", "/pricing/price-book")).body.version).toBe(2);
    const audit = await h.db.auditEvent.findFirst({ where: { action: "price_book.publish" } });
    expect(audit).toMatchObject({ actorLabel: ADMIN, resourceName: "version 2" });

    // Recomputed (on read and by metering), the invoice keeps version 1 and its total.
    await invoiceMeteredOrgs(h.db, [u.orgId], monthStart, now);
    const after = await h.rest("GET", `/billing/invoices/${before.id}`, { as: u });
    expect(after.body).toMatchObject({ priceBookVersion: 1, total: before.total });
    expect(after.body.lines.find((l: any) => l.sku === "kafka.m5.large").unitPrice).toBe("0.21");

    // The month after, priced with the version in force when it starts: twice the price.
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const nextInvoice = await refreshInvoice(h.db, u.orgId, next, new Date(next.getTime() + 3_600_000));
    // Nothing metered there yet, so no invoice.
    expect(nextInvoice).toBeNull();
    await meterUsage(h.db, { from: next, to: new Date(next.getTime() + 10 * 3_600_000) });
    const priced = await refreshInvoice(h.db, u.orgId, next, new Date(next.getTime() + 10 * 3_600_000));
    const v2 = await h.db.priceBookVersion.findUniqueOrThrow({ where: { version: 2 } });
    expect(priced!.priceBookVersionId).toBe(v2.id);
    // 10 hours × 3 × 0.42
    const lines = await h.db.invoiceLine.findMany({ where: { invoiceId: priced!.id, dimension: "BROKER_HOURS" } });
    expect(lines[0]!.amount.toFixed(2)).toBe("12.60");
  });
});

describe("billing for an organisation", () => {
  test("usage, summary with forecast and daily spend, CSV exports; tenants see only their own", async () => {
    const u = await h.signUp("ledger");
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const cluster = await runCluster(u.orgId, {
      name: "ledger",
      brokers: 2,
      type: "kafka.m5.large",
      storageGb: 50,
      from: monthStart,
      to: null,
    });
    await meterUsage(h.db, { from: monthStart, to: now });

    const usage = await h.rest("GET", "/billing/usage?granularity=month", { as: u });
    expect(usage.status).toBe(200);
    const hours = Math.floor((now.getTime() - monthStart.getTime()) / 3_600_000) + 1;
    expect(usage.body.items).toContainEqual(
      expect.objectContaining({
        resourceId: cluster.id,
        dimension: "BROKER_HOURS",
        quantity: String(2 * hours),
        unit: "hour",
      }),
    );

    const s = await h.rest("GET", "/billing/summary", { as: u });
    expect(s.status).toBe(200);
    expect(Number(s.body.monthToDate)).toBeGreaterThan(0);
    // The forecast keeps both brokers running to the end of the month: every hour of it.
    const monthHours = (Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - monthStart.getTime()) / 3_600_000;
    const brokerLine = s.body.forecastLines.find((l: any) => l.dimension === "BROKER_HOURS");
    expect(brokerLine.quantity).toBe(String(2 * monthHours));
    expect(s.body.dailySpend.length).toBeGreaterThan(0);
    const dailyTotal = s.body.dailySpend.reduce((a: number, d: any) => a + Number(d.amount), 0);
    expect(Math.abs(dailyTotal - Number(s.body.monthToDate))).toBeLessThan(0.01 * s.body.dailySpend.length + 0.001);

    const invoiceId = s.body.invoiceId;
    const csv = await h.rest("GET", `/billing/invoices/${invoiceId}/csv`, { as: u });
    expect(csv.status).toBe(200);
    const rows = csv.body.csv.trim().split("\r\n");
    expect(rows[0]).toBe(
      "invoice_id,month,price_book_version,resource_kind,resource_id,resource_name,dimension,sku,quantity,unit,unit_price,amount,currency",
    );
    expect(rows.some((r: string) => r.includes(",BROKER_HOURS,kafka.m5.large,"))).toBe(true);
    const ucsv = await h.rest("GET", "/billing/usage/csv?granularity=day", { as: u });
    expect(ucsv.body.csv.split("\r\n")[0]).toBe(
      "period_start,resource_kind,resource_id,resource_name,dimension,sku,quantity,unit",
    );

    const stranger = await h.signUp("stranger");
    expect((await h.rest("GET", `/billing/invoices/${invoiceId}`, { as: stranger })).status).toBe(404);
    expect((await h.rest("GET", "/billing/invoices", { as: stranger })).body.items).toEqual([]);
    expect((await h.rest("GET", "/billing/usage", { as: stranger })).body.items).toEqual([]);
    expect((await h.rest("GET", "/billing/usage")).status).toBe(401);
  });

  test("a budget's threshold raises the notice once, with an audit event; viewers cannot set it", async () => {
    const u = await h.signUp("budget");
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    await runCluster(u.orgId, {
      name: "budget",
      brokers: 3,
      type: "kafka.m5.large",
      storageGb: 100,
      from: monthStart,
      to: null,
    });
    await meterUsage(h.db, { from: monthStart, to: now });

    const viewer = await h.apiKey(u, "VIEWER");
    const denied = await h.rest("PUT", "/billing/budget", { body: { monthlyAmount: 1 }, as: { bearer: viewer } });
    expect(denied.status).toBe(403);
    const bad = await h.rest("PUT", "/billing/budget", { body: { monthlyAmount: -5 }, as: u });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(["monthlyAmount"]);

    const high = await h.rest("PUT", "/billing/budget", {
      body: { monthlyAmount: "1000000", thresholdPercent: 80 },
      as: u,
    });
    expect(high.status).toBe(200);
    expect(high.body).toMatchObject({ monthlyAmount: "1000000.00", crossed: false, notifiedForMonth: false });

    const low = await h.rest("PUT", "/billing/budget", { body: { monthlyAmount: 0.5, thresholdPercent: 50 }, as: u });
    expect(low.body).toMatchObject({
      monthlyAmount: "0.50",
      thresholdAmount: "0.25",
      crossed: true,
      notifiedForMonth: true,
    });
    const s = await h.rest("GET", "/billing/summary", { as: u });
    expect(s.body.budget).toMatchObject({ crossed: true });
    await invoiceMeteredOrgs(h.db, [u.orgId], monthStart, now);

    const events = await h.rest("GET", "/audit-events?action=budget.", { as: u });
    expect(events.body.items.map((e: any) => [e.action, e.actorType])).toEqual([
      ["budget.threshold_crossed", "SYSTEM"],
      ["budget.update", "USER"],
      ["budget.update", "USER"],
    ]);
    expect((await h.rest("DELETE", "/billing/budget", { as: u })).status).toBe(200);
    expect((await h.rest("GET", "/billing/budget", { as: u })).body).toEqual({ budget: null });
  });
});

test("openapi.json documents the pricing and billing paths", async () => {
  const r = await h.rest("GET", "/openapi.json");
  expect(Object.keys(r.body.paths)).toEqual(
    expect.arrayContaining([
      "/pricing/price-book",
      "/pricing/estimate",
      "/billing/usage",
      "/billing/invoices",
      "/billing/invoices/{id}",
      "/billing/budget",
    ]),
  );
  expect(r.body.paths["/pricing/estimate"].post.security).toBeUndefined();
});
