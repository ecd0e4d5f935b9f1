// pnpm bench:provision — how long Weir takes to give you a running Kafka cluster, next to the
// floor: starting the same brokers from the same jars and configs directly, in the same run.
//   floor: format storage + start N JVMs (LocalKafkaRuntime) + poll DescribeCluster until all
//          N brokers are registered (no database, no controller, no API);
//   weir:  POST /api/v1/clusters through the REST handler → controller (NOTIFY, reconcile) →
//          same driver → status RUNNING in Postgres, polled through GET /api/v1/clusters/{id}.
// Also prints each broker's resident memory once the cluster runs.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { handleRest } from "@weir/api/http";
import { Controller, createReconcilers } from "@weir/controller";
import { createDb } from "@weir/db";
import { createTestDatabase, prepareTemplate, startTestPostgres, TEMPLATE_DB } from "@weir/db/testing";
import { createDomain, ensureDefaultProject, seedPriceBook } from "@weir/domain";
import { env, resetEnv } from "@weir/env";
import { KafkaAdmin } from "@weir/runtime";
import { LocalKafkaRuntime, newLocalClusterSpec } from "@weir/runtime/local";

const SIZES = (process.argv[2] ?? "1,3").split(",").map(Number);
process.env.WEIR_SECRET_KEY ??= randomBytes(32).toString("hex");
resetEnv();
const secretKey = env().WEIR_SECRET_KEY!;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

async function until(fn: () => Promise<boolean>, ms = 180_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("timed out");
}

async function floor(runtime: LocalKafkaRuntime, count: number): Promise<{ seconds: number; rss: number[] }> {
  const spec = await newLocalClusterSpec({ clusterId: `floor-${count}-${Date.now()}`, brokerCount: count });
  const t0 = performance.now();
  const started = await Promise.all(spec.nodes.map((n) => runtime.ensureNode(spec, n.nodeId)));
  const admin = new KafkaAdmin({
    bootstrap: spec.nodes.map((n) => `127.0.0.1:${n.port}`),
    ...spec.admin,
    timeoutMs: 2000,
  });
  await until(async () => (await admin.describeCluster()).brokers.length === count);
  const seconds = (performance.now() - t0) / 1000;
  const rss = started.map((s) => rssMb(s.pid));
  await admin.close();
  await runtime.deleteGroup(spec.clusterId);
  return { seconds, rss };
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-bench-"));
  const server = await startTestPostgres();
  const runtime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
  try {
    await prepareTemplate(server.url);
    const url = await createTestDatabase(server.url(TEMPLATE_DB), "provision");
    const db = createDb(url, 8);
    await seedPriceBook(db);
    const domain = createDomain(db);
    const { organization, user } = await domain.accounts.signUp(
      { email: "bench@example.com", password: "a long password", name: "Bench" },
      { ip: null, userAgent: null },
    );
    await ensureDefaultProject(db, organization.id);
    const key = await domain.apiKeys.create(
      {
        principal: { kind: "user", userId: user.id, email: user.email, name: user.name, sessionId: "" },
        meta: { ip: null, userAgent: null },
        orgId: organization.id,
        role: "OWNER",
      },
      { name: "bench", role: "ADMIN" },
    );
    const kinds = createReconcilers({ runtime, secretKey });
    const controller = new Controller({
      db,
      databaseUrl: url,
      reconcilers: kinds.reconcilers,
      resyncIntervalMs: 60_000,
    });
    runtime.onExit((id) => controller.enqueue({ kind: "KafkaCluster", id }));
    await controller.start();
    const rest = async (method: string, p: string, body?: unknown) => {
      const res = await handleRest(
        domain,
        new Request(`http://bench/api/v1${p}`, {
          method,
          headers: { authorization: `Bearer ${key.key}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
      return (await res.json()) as Record<string, any>;
    };

    console.log("Time to a running Kafka cluster (KRaft, SCRAM-SHA-512), this machine, one run each\n");
    console.log("brokers  floor (direct)  Weir (POST → RUNNING)  ratio  RSS per broker");
    for (const count of SIZES) {
      const f = await floor(runtime, count);
      const t0 = performance.now();
      const created = await rest("POST", "/clusters", {
        name: `bench-${count}`,
        brokerCount: count,
        brokerInstanceType: "kafka.t3.small",
        storageGbPerBroker: 20,
      });
      await until(async () => (await rest("GET", `/clusters/${created.id}`)).status === "RUNNING");
      const weir = (performance.now() - t0) / 1000;
      const c = await rest("GET", `/clusters/${created.id}`);
      const rss = (c.brokers as { pid: number }[]).map((b) => rssMb(b.pid));
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      console.log(
        `${String(count).padStart(7)}  ${f.seconds.toFixed(1).padStart(12)} s  ${weir.toFixed(1).padStart(19)} s  ${(weir / f.seconds).toFixed(2).padStart(5)}x  ${mean(rss).toFixed(0)} MiB (direct ${mean(f.rss).toFixed(0)} MiB)`,
      );
      await rest("DELETE", `/clusters/${created.id}`);
      await until(async () => (await db.kafkaCluster.count({ where: { id: created.id as string } })) === 0, 60_000);
    }
    await controller.stop();
    await kinds.close();
    await db.$disconnect();
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
