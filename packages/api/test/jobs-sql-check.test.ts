// A SQL job's query analysed by Spark at submission: one real Spark Connect server (the pinned
// Spark, local[1]) stands for the compute cluster's connect node, so an unknown column is a 400
// with Spark's own error class and message, and a good query is accepted. No Kafka runs: the
// topics are Weir's Topic rows, and analysis reads no data.
import { randomBytes } from "node:crypto";
import { encryptSecret, ensureDefaultProject } from "@weir/domain";
import { overrideEnv } from "@weir/env";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestConnectServer, type TestConnectServer } from "../../spark-connect/src/testing.ts";
import { startHarness } from "./harness.ts";

const SECRET = randomBytes(32).toString("hex");
overrideEnv({ WEIR_SECRET_KEY: SECRET });

let h: Awaited<ReturnType<typeof startHarness>>;
let server: TestConnectServer;
let dev: string;
let ccId: string;

const SCHEMA = "product STRING, amount DOUBLE, ts TIMESTAMP";
const job = (sql: string, name: string) => ({
  name,
  spec: {
    kind: "streaming-sql",
    sources: ["orders"],
    format: { schema: SCHEMA },
    sql,
    watermark: { column: "ts", delay: "10 seconds" },
    sink: { type: "kafka", topic: "revenue" },
  },
});
const submit = (body: unknown) => h.rest("POST", `/compute-clusters/${ccId}/jobs`, { as: { bearer: dev }, body });

beforeAll(async () => {
  server = await startTestConnectServer();
  h = await startHarness();
  const owner = await h.signUp("owner");
  await ensureDefaultProject(h.db, owner.orgId);
  dev = await h.apiKey(owner, "DEVELOPER");
  const project = await h.db.project.findFirstOrThrow({ where: { orgId: owner.orgId } });
  const kafka = await h.db.kafkaCluster.create({
    data: {
      orgId: owner.orgId,
      projectId: project.id,
      name: "events",
      kafkaVersion: "3.9.2",
      brokerCount: 1,
      brokerInstanceType: "kafka.t3.small",
      storageGbPerBroker: 10,
      adminUsername: "weir-admin",
      adminPasswordEncrypted: encryptSecret("unused", SECRET),
    },
  });
  for (const name of ["orders", "revenue"]) {
    await h.db.topic.create({
      data: { clusterId: kafka.id, name, partitions: 1, replicationFactor: 1, status: "READY" },
    });
  }
  const cc = await h.db.computeCluster.create({
    data: {
      orgId: owner.orgId,
      projectId: project.id,
      name: "spark",
      sparkVersion: "4.2.0",
      workerCount: 1,
      workerInstanceType: "t2.small",
      kafkaClusterId: kafka.id,
      status: "RUNNING",
      nodes: {
        create: {
          role: "connect",
          index: 0,
          host: server.host,
          port: server.port,
          uiPort: 0,
          pid: server.pid,
          status: "RUNNING",
          startedAt: new Date(),
        },
      },
    },
  });
  ccId = cc.id;
}, 180_000);

afterAll(async () => {
  await h?.close();
  await server?.stop();
});

describe("SQL checked by Spark at submission", () => {
  test("an unknown column is a 400 on spec.sql with Spark's error class; nothing is written", async () => {
    const r = await submit(job("SELECT produkt, sum(amount) AS revenue FROM events GROUP BY produkt", "typo"));
    expect(r.status).toBe(400);
    expect(r.body.error.fields["spec.sql"]).toMatch(/^\[UNRESOLVED_COLUMN/);
    expect(r.body.error.fields["spec.sql"]).toContain("produkt");
    expect(await h.db.job.count()).toBe(0);
    expect(await h.db.kafkaUser.count()).toBe(0);
  });

  test("a query over a view the job does not have is a 400 too", async () => {
    const r = await submit(job("SELECT * FROM orders", "no-view"));
    expect(r.status).toBe(400);
    expect(r.body.error.fields["spec.sql"]).toMatch(/TABLE_OR_VIEW_NOT_FOUND/);
  });

  test("a windowed aggregation over the declared schema is accepted", async () => {
    const r = await submit(
      job(
        "SELECT product, window(ts, '1 minute') AS w, sum(amount) AS revenue FROM events GROUP BY product, window(ts, '1 minute')",
        "revenue",
      ),
    );
    expect(r.status).toBe(201);
    expect(r.body.status).toBe("QUEUED");
  });
});
