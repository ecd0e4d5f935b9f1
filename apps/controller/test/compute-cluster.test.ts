// Compute clusters end to end, below the browser: the real REST handlers write desired state to
// a real Postgres, a real controller reconciles it into real Apache Spark master and worker
// JVMs (the pinned pyspark's spark-class), and the master's own /json/ is the judge. One
// compute cluster serves the file; each test waits for it to run (creating it if an earlier
// test left none), so one failure does not cascade.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { env, overrideEnv } from "@weir/env";
import { meterUsage, seedPriceBook } from "@weir/domain";
import { fetchMasterState, kafkaAdmins } from "@weir/runtime";
import { LocalKafkaRuntime, LocalSparkRuntime } from "@weir/runtime/local";
import { ensureSpark } from "@weir/runtime/spark-artifacts";
import { SparkConnectClient } from "@weir/spark-connect";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHarness } from "../../../packages/api/test/harness.ts";
import type { Controller } from "../src/index.ts";
import { markedPids, startTestController, until as waitUntil, type TestController } from "./support.ts";
import { sampleComputeClusters } from "../src/metrics/compute-sampler.ts";

const SECRET = "test-secret-key-0123456789abcdef0123456789";
overrideEnv({ WEIR_SECRET_KEY: SECRET });

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-compute-"));
let h: Awaited<ReturnType<typeof startHarness>>;
let bearer: string;
let engine: LocalSparkRuntime;
let tc: TestController;
let controller: Controller;
let clusterId: string | undefined;
let createdAt = 0;

async function startController() {
  engine = new LocalSparkRuntime({ dataDir, spark: () => ensureSpark(env().WEIR_CACHE_DIR) });
  const runtime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
  tc = await startTestController(h, { runtime, engine, secretKey: SECRET }, (wake) =>
    engine.onExit((id) => wake("ComputeCluster", id)),
  );
  controller = tc.controller;
}

const stopController = () => tc.stop();

let lastSeen = "";
const until = <T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 180_000) =>
  waitUntil(what, fn, ms, () => lastSeen);

const getCluster = async (id = clusterId) => {
  const r = await h.rest("GET", `/compute-clusters/${id}`, { as: { bearer } });
  lastSeen = `${r.status} ${r.body.status}: ${r.body.statusReason}`;
  return r.body;
};

const events = async (id = clusterId) =>
  (await h.rest("GET", `/compute-clusters/${id}/events`, { as: { bearer } })).body.items as {
    reason: string;
    message: string;
  }[];

/** Processes carrying a node of this compute cluster's marker. */
const sparkPids = (id = clusterId) => markedPids(id);

async function masterUi(id = clusterId) {
  const master = await h.db.computeNode.findFirstOrThrow({ where: { computeClusterId: id, role: "master" } });
  return fetchMasterState(master.host, master.uiPort);
}

/** The file's compute cluster "etl" (2 workers at first), RUNNING. */
async function etlCluster(workers = 2) {
  if (!clusterId || (await h.rest("GET", `/compute-clusters/${clusterId}`, { as: { bearer } })).status === 404) {
    const r = await h.rest("POST", "/compute-clusters", {
      body: { name: "etl", workerCount: workers, workerInstanceType: "t2.small" },
      as: { bearer },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    clusterId = r.body.id as string;
    createdAt = Date.now();
  }
  return until("etl RUNNING", async () => {
    const c = await getCluster();
    return c.status === "RUNNING" && c;
  });
}

beforeAll(async () => {
  h = await startHarness();
  await seedPriceBook(h.db);
  const me = await h.signUp("spark-owner");
  await startController();
  await until("org ready", async () => (await h.db.project.count({ where: { orgId: me.orgId } })) > 0, 30_000);
  bearer = await h.apiKey(me, "ADMIN");
}, 600_000);

afterAll(async () => {
  try {
    for (const c of await h.db.computeCluster.findMany()) await engine.deleteGroup(c.id);
    await stopController();
    await kafkaAdmins.close();
  } finally {
    await h.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);

describe("compute clusters", () => {
  test("bad input names the field and writes nothing", async () => {
    const base = { name: "bad", workerCount: 2, workerInstanceType: "t2.small" };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...base, workerCount: 0 }, 400, "workerCount"],
      [{ ...base, workerCount: 9 }, 400, "workerCount"],
      [{ ...base, workerInstanceType: "z9.huge" }, 400, "workerInstanceType"],
      [{ ...base, name: "Not A Name" }, 400, "name"],
      [{ ...base, kafkaClusterId: "00000000-0000-4000-8000-000000000000" }, 400, "kafkaClusterId"],
    ];
    for (const [body, status, field] of cases) {
      const r = await h.rest("POST", "/compute-clusters", { body, as: { bearer } });
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(Object.keys(r.body.error.fields ?? {})).toContain(field);
    }
    // The project's compute-cluster quota: a 409 naming the project, nothing written.
    const project = await h.db.project.findFirstOrThrow({ where: { isDefault: true } });
    await h.db.project.update({ where: { id: project.id }, data: { maxComputeClusters: 0 } });
    const full = await h.rest("POST", "/compute-clusters", { body: base, as: { bearer } });
    await h.db.project.update({ where: { id: project.id }, data: { maxComputeClusters: project.maxComputeClusters } });
    expect(full.status).toBe(409);
    expect(full.body.error.fields).toHaveProperty("projectId");
    expect(await h.db.computeCluster.count()).toBe(0);
    expect(await h.db.auditEvent.count({ where: { action: "compute_cluster.create" } })).toBe(0);
  });

  test("a 2-worker cluster over REST reaches RUNNING with progress, and the master lists 2 ALIVE workers", async () => {
    const r = await h.rest("POST", "/compute-clusters", {
      body: { name: "etl", workerCount: 2, workerInstanceType: "t2.small" },
      as: { bearer },
    });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe("PROVISIONING");
    clusterId = r.body.id;
    createdAt = Date.now();
    const dup = await h.rest("POST", "/compute-clusters", {
      body: { name: "etl", workerCount: 1, workerInstanceType: "t2.small" },
      as: { bearer },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.fields).toHaveProperty("name");

    const reasons = new Set<string>();
    const running = await until("RUNNING", async () => {
      const c = await getCluster();
      reasons.add(c.statusReason);
      return c.status === "RUNNING" && c;
    });
    expect(running.progress.done).toBe(running.progress.total);
    expect(running.master.status).toBe("RUNNING");
    expect(running.workers).toHaveLength(2);
    expect(
      running.workers.every((w: { status: string; cores: number }) => w.status === "RUNNING" && w.cores === 1),
    ).toBe(true);
    const state = await masterUi();
    expect(state?.status).toBe("ALIVE");
    expect(state!.workers.filter((w) => w.state === "ALIVE")).toHaveLength(2);
    expect(state!.workers.every((w) => w.memoryMb === 1024)).toBe(true);
    expect((await events()).map((e) => e.reason)).toContain("ClusterRunning");
    // Master, 2 workers and the SQL workspace's Spark Connect server.
    expect(sparkPids()).toHaveLength(4);
    // The unauthenticated REST submission server is off.
    const rest = await new Promise<boolean>((resolve) => {
      const s = net.connect(6066, "127.0.0.1", () => (s.destroy(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    expect(rest).toBe(false);
    // Metrics come from the master's /json/.
    expect(await sampleComputeClusters(h.db, 1)).toBeGreaterThanOrEqual(1);
    const m = (await h.rest("GET", `/compute-clusters/${clusterId}/metrics`, { as: { bearer } })).body;
    expect(m.samples.at(-1)).toMatchObject({ workersAlive: 2, coresTotal: 2, memoryTotalMb: 2048 });

    // The connect server has a node status of its own and answers SQL over Spark Connect.
    const withConnect = await until("connect node RUNNING", async () => {
      const c = await getCluster();
      return c.connect?.status === "RUNNING" && c;
    });
    expect(withConnect.connect).toMatchObject({ role: "connect", cores: 1, memoryMb: 512, uiPath: null });
    const [host, port] = withConnect.connect.address.split(":");
    const client = new SparkConnectClient({ host, port: Number(port) });
    try {
      const one = await until("SELECT 1 over Spark Connect", () => client.sql("SELECT 1 AS one").catch(() => null));
      expect(one.rows).toEqual([{ one: 1 }]);
    } finally {
      await client.close();
    }
    // Registered with the master; it holds a core (at most one) only while queries need one.
    const app = (await masterUi())!.activeApps.find((a) => a.name === "weir-sql-workspace");
    expect(app?.cores).toBeLessThanOrEqual(1);
  }, 300_000);

  test("kill -9 of a worker: DEGRADED with which and why, then RUNNING by itself with a new pid", async () => {
    const before = await etlCluster();
    const victim = before.workers[0];
    process.kill(victim.pid, "SIGKILL");
    const degraded = await until("DEGRADED", async () => {
      const c = await getCluster();
      return c.status === "DEGRADED" && c;
    });
    expect(degraded.statusReason).toMatch(new RegExp(`worker ${victim.index}`));
    const healed = await until("RUNNING again", async () => {
      const c = await getCluster();
      return c.status === "RUNNING" && c;
    });
    const again = healed.workers.find((w: { index: number }) => w.index === victim.index);
    expect(again.pid).not.toBe(victim.pid);
    expect(again.restartCount).toBeGreaterThanOrEqual(1);
    const exited = (await events()).filter((e) => e.reason === "WorkerExited");
    expect(exited.length).toBeGreaterThanOrEqual(1);
    expect((await masterUi())!.workers.filter((w) => w.state === "ALIVE")).toHaveLength(2);
  }, 300_000);

  test("a restarted controller adopts the running master and workers: same pids, nothing duplicated", async () => {
    const before = await etlCluster();
    const pids = sparkPids().sort();
    expect(pids).toHaveLength(4);
    await stopController();
    await startController();
    for (let i = 0; i < 2; i++) {
      controller.enqueue({ kind: "ComputeCluster", id: clusterId! });
      await controller.idle();
    }
    const after = await getCluster();
    expect(after.status).toBe("RUNNING");
    expect(sparkPids().sort()).toEqual(pids);
    expect([after.master.pid, ...after.workers.map((w: { pid: number }) => w.pid)].sort()).toEqual(
      [before.master.pid, ...before.workers.map((w: { pid: number }) => w.pid)].sort(),
    );
    expect((await events()).filter((e) => e.reason === "MasterAdopted" || e.reason === "WorkerAdopted")).toHaveLength(
      3,
    );
  }, 120_000);

  test("scale 2 → 3 → 1: workers join the master, leaving ones are removed", async () => {
    await etlCluster();
    const tooMany = await h.rest("PATCH", `/compute-clusters/${clusterId}`, {
      body: { workerCount: 9 },
      as: { bearer },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.fields).toHaveProperty("workerCount");

    const up = await h.rest("PATCH", `/compute-clusters/${clusterId}`, { body: { workerCount: 3 }, as: { bearer } });
    expect(up.status).toBe(200);
    expect(up.body.status).toBe("UPDATING");
    const three = await until("3 workers RUNNING", async () => {
      const c = await getCluster();
      return c.status === "RUNNING" && c.workers.length === 3 && c;
    });
    expect(three.workers.map((w: { index: number }) => w.index)).toHaveLength(3);
    expect((await masterUi())!.workers.filter((w) => w.state === "ALIVE")).toHaveLength(3);

    const down = await h.rest("PATCH", `/compute-clusters/${clusterId}`, { body: { workerCount: 1 }, as: { bearer } });
    expect(down.status).toBe(200);
    const one = await until("1 worker RUNNING", async () => {
      const c = await getCluster();
      return c.status === "RUNNING" && c.workers.length === 1 && c;
    });
    expect(sparkPids()).toHaveLength(3);
    expect(one.workers[0].index).toBe(Math.min(...three.workers.map((w: { index: number }) => w.index)));
    const reasons = (await events()).map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(["ScalingOut", "WorkerRemoved", "Scaled"]));
    // Ports of removed workers go back to the lease.
    const nodes = await h.db.computeNode.count({ where: { computeClusterId: clusterId } });
    expect(await h.db.portLease.count({ where: { ownerKind: "ComputeCluster" } })).toBe(nodes * 2);
  }, 300_000);

  test("a master that cannot start (port taken) leaves the cluster FAILED with the reason, nothing running", async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const taken = (blocker.address() as net.AddressInfo).port;
    await stopController();
    const r = await h.rest("POST", "/compute-clusters", {
      body: { name: "blocked", workerCount: 1, workerInstanceType: "t2.small" },
      as: { bearer },
    });
    expect(r.status).toBe(201);
    const id = r.body.id as string;
    // The master's UI port is taken after it was leased: Spark cannot bind it.
    await h.db.computeNode.create({
      data: { computeClusterId: id, role: "master", index: 0, port: taken, uiPort: taken },
    });
    await startController();
    try {
      const failed = await until("FAILED", async () => {
        const c = await getCluster(id);
        return c.status === "FAILED" && c;
      });
      expect(failed.statusReason).toMatch(/could not start/i);
      const exited = (await events(id)).filter((e) => e.reason === "MasterExited");
      expect(exited.map((e) => e.message).join("\n")).toMatch(
        /BindException|Address already in use|Failed to bind|Service .* could not bind/i,
      );
      expect(sparkPids(id)).toEqual([]);
    } finally {
      blocker.close();
      const del = await h.rest("DELETE", `/compute-clusters/${id}?confirmName=blocked`, { as: { bearer } });
      expect(del.status).toBe(200);
      await until(
        "blocked gone",
        async () => (await h.rest("GET", `/compute-clusters/${id}`, { as: { bearer } })).status === 404,
      );
    }
  }, 300_000);

  test("delete (typed name) stops every process, removes the data, closes run intervals; metering bills the workers", async () => {
    await etlCluster();
    const wrong = await h.rest("DELETE", `/compute-clusters/${clusterId}?confirmName=nope`, { as: { bearer } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields).toHaveProperty("confirmName");
    const deletedAt = Date.now();
    const del = await h.rest("DELETE", `/compute-clusters/${clusterId}?confirmName=etl`, { as: { bearer } });
    expect(del.status).toBe(200);
    await until(
      "gone",
      async () => (await h.rest("GET", `/compute-clusters/${clusterId}`, { as: { bearer } })).status === 404,
    );
    expect(sparkPids()).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, "spark", clusterId!))).toBe(false);
    expect(await h.db.runInterval.count({ where: { resourceId: clusterId, endedAt: null } })).toBe(0);
    expect(await h.db.portLease.count({ where: { ownerKind: "ComputeCluster" } })).toBe(0);

    const intervals = await h.db.runInterval.findMany({ where: { resourceId: clusterId } });
    expect(intervals.every((i) => i.dimension === "COMPUTE_NODE_HOURS" && i.sku === "t2.small")).toBe(true);
    // Workers only (the master is not billed): at least the 2 first, at most every worker that ran.
    const workers = new Set(intervals.map((i) => i.instanceId)).size;
    expect(workers).toBeGreaterThanOrEqual(2);
    for (const i of intervals) expect(i.endedAt!.getTime()).toBeLessThanOrEqual(deletedAt + 60_000);
    await meterUsage(h.db, { from: new Date(createdAt - 3_600_000), to: new Date() });
    const usage = await h.db.usageRecord.findMany({
      where: { resourceId: clusterId, dimension: "COMPUTE_NODE_HOURS" },
    });
    const hours = new Set(usage.map((u) => u.hourStart.getTime())).size;
    const nodeHours = usage.reduce((sum, u) => sum + Number(u.quantity), 0);
    expect(nodeHours).toBeGreaterThanOrEqual(workers);
    expect(nodeHours).toBeLessThanOrEqual(workers * hours);
  }, 180_000);
});
