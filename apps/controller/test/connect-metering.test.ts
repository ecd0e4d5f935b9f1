// Connect workers on the bill, against a real Postgres: the run intervals the ConnectCluster
// reconciler writes (one per worker, CONNECT_WORKER_HOURS at the cluster's instance type) metered
// by the controller's job into hourly usage and an invoice line priced from the default price book.
import { createDb, type Db } from "@weir/db";
import { createTestDatabase } from "@weir/db/testing";
import { createDomain, ensureDefaultProject, seedPriceBook } from "@weir/domain";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { syncRunIntervals } from "../src/framework/instances.ts";
import { MeteringJob } from "../src/metering/job.ts";

let db: Db;
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  db = createDb(await createTestDatabase(inject("templateDatabaseUrl")), 5);
  await seedPriceBook(db);
});
afterAll(() => db.$disconnect());

test("two connect.1mcu workers run 10:15 → 12:45: 6 worker-hours (a started hour counts), $0.66", async () => {
  const { organization } = await createDomain(db).accounts.signUp(
    { email: "connect-metering@example.com", password: "a long password", name: "M" },
    { ip: "127.0.0.1", userAgent: "test" },
  );
  await ensureDefaultProject(db, organization.id);
  const project = await db.project.findFirstOrThrow({ where: { orgId: organization.id } });
  const c = await db.connectCluster.create({
    data: {
      orgId: organization.id,
      projectId: project.id,
      name: "cdc",
      connectVersion: "3.9.2",
      workerCount: 2,
      workerInstanceType: "connect.1mcu",
      kafkaUsername: "weir-connect-test",
      kafkaPasswordEncrypted: "unused",
      groupId: "g",
      configTopic: "c",
      offsetTopic: "o",
      statusTopic: "s",
    },
  });
  const workers = await Promise.all(
    [1, 2].map((index) =>
      db.connectWorker.create({ data: { connectClusterId: c.id, index, restPort: 40_000 + index } }),
    ),
  );
  const owner = { orgId: organization.id, resourceKind: "ConnectCluster", resourceId: c.id, resourceName: c.name };
  const meters = [{ dimension: "CONNECT_WORKER_HOURS" as const, sku: c.workerInstanceType, quantity: 1 }];
  await syncRunIntervals(
    db,
    owner,
    workers.map((w) => ({ instanceId: w.id, running: true, startedAt: at("2026-11-20T10:15:00Z"), meters })),
  );
  await db.runInterval.updateMany({ where: { resourceId: c.id }, data: { endedAt: at("2026-11-20T12:45:00Z") } });

  await new MeteringJob({ db, now: () => at("2026-11-20T13:00:00Z") }).runOnce();

  const usage = await db.usageRecord.findMany({ where: { resourceId: c.id }, orderBy: { hourStart: "asc" } });
  expect(usage.map((u) => [u.dimension, u.sku, u.hourStart.toISOString().slice(11, 16), Number(u.quantity)])).toEqual([
    ["CONNECT_WORKER_HOURS", "connect.1mcu", "10:00", 2],
    ["CONNECT_WORKER_HOURS", "connect.1mcu", "11:00", 2],
    ["CONNECT_WORKER_HOURS", "connect.1mcu", "12:00", 2],
  ]);
  const invoice = await db.invoice.findFirstOrThrow({ where: { orgId: organization.id }, include: { lines: true } });
  expect(
    invoice.lines.map((l) => [l.resourceName, l.dimension, l.sku, Number(l.quantity), l.amount.toString()]),
  ).toEqual([["cdc", "CONNECT_WORKER_HOURS", "connect.1mcu", 6, "0.66"]]);
});
