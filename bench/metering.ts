// `pnpm exec tsx bench/metering.ts [clusters]`: what a metering run costs, since every run
// recomputes the whole current month. Each cluster has 9 brokers (broker hours and storage)
// that ran all of a 31-day month and a Spark cluster of 8 workers; prints the time of one run
// and of a repeat (the same rows rewritten), and the pricing engine's throughput.
import { createDb } from "@weir/db";
import { createTestDatabase, prepareTemplate, startTestPostgres, TEMPLATE_DB } from "@weir/db/testing";
import { createDomain, invoiceMeteredOrgs, meterUsage, seedPriceBook } from "@weir/domain";
import { defaultPriceBook, estimate } from "@weir/pricing";

const CLUSTERS = Number(process.argv[2] ?? 10);

async function main() {
  const server = await startTestPostgres();
  try {
    await prepareTemplate(server.url);
    const db = createDb(await createTestDatabase(server.url(TEMPLATE_DB), "bench_metering"), 4);
    await seedPriceBook(db);
    const { organization } = await createDomain(db).accounts.signUp(
      { email: "meter@example.com", password: "a long password", name: "Bench" },
      { ip: null, userAgent: null },
    );
    const from = new Date("2026-10-01T00:00:00Z");
    const to = new Date("2026-11-01T00:00:00Z");
    const rows = [];
    for (let c = 0; c < CLUSTERS; c++) {
      const base = { orgId: organization.id, startedAt: from, endedAt: null };
      for (let b = 0; b < 9; b++) {
        const k = {
          ...base,
          resourceKind: "KafkaCluster",
          resourceId: `k${c}`,
          resourceName: `k${c}`,
          instanceId: `k${c}-${b}`,
        };
        rows.push({ ...k, dimension: "BROKER_HOURS" as const, sku: "kafka.m5.large", quantity: 1 });
        rows.push({ ...k, dimension: "STORAGE_GB_HOURS" as const, sku: "kafka.storage", quantity: 1000 });
      }
      for (let w = 0; w < 8; w++) {
        rows.push({
          ...base,
          resourceKind: "ComputeCluster",
          resourceId: `s${c}`,
          resourceName: `s${c}`,
          instanceId: `s${c}-${w}`,
          dimension: "COMPUTE_NODE_HOURS" as const,
          sku: "t2.large",
          quantity: 1,
        });
      }
    }
    await db.runInterval.createMany({ data: rows });
    const instanceHours = rows.length * 744;
    for (const label of ["first run", "repeat run"]) {
      const t0 = performance.now();
      const m = await meterUsage(db, { from, to });
      const t1 = performance.now();
      await invoiceMeteredOrgs(db, m.orgIds, from, to);
      const t2 = performance.now();
      console.log(
        `${label.padEnd(11)} ${CLUSTERS} clusters, ${instanceHours.toLocaleString()} instance-hours → ` +
          `${m.intervalRecords.toLocaleString()} hourly records in ${(t1 - t0).toFixed(0)} ms ` +
          `(${((instanceHours / (t1 - t0)) * 1000).toFixed(0)} instance-hours/s); invoice in ${(t2 - t1).toFixed(0)} ms`,
      );
    }
    const book = { version: 1, currency: "USD", prices: defaultPriceBook.prices };
    const plan = {
      kafka: {
        brokers: 9,
        instanceType: "kafka.m5.large",
        storageGbPerBroker: 1000,
        dataInGb: "1000",
        dataOutGb: "2000",
      },
      compute: { workers: 8, instanceType: "t2.large", hours: 720 },
    };
    const N = 20_000;
    const t0 = performance.now();
    for (let i = 0; i < N; i++) estimate(plan, book);
    const ms = performance.now() - t0;
    console.log(`estimate()  ${((ms / N) * 1000).toFixed(1)} µs each, ${((N / ms) * 1000).toFixed(0)} estimates/s`);
    await db.$disconnect();
  } finally {
    await server.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
