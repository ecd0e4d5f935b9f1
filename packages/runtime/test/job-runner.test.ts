// The job runner (src/spark/runner/weir_job_runner.py) against real Spark and real Kafka: a
// one-broker SCRAM Kafka cluster, a standalone Spark master + one worker, drivers started with
// the argv/env from src/spark/job.ts in client mode, kcat as the outside producer and consumer.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "@weir/env";
import { createTopic, KafkaAdmin, type SparkClusterSpec } from "../src/index.ts";
import { freePorts, LocalKafkaRuntime, LocalSparkRuntime, newLocalClusterSpec } from "../src/local/index.ts";
import { ensureSpark, type SparkArtifacts } from "../src/spark-artifacts.ts";
import {
  jobCredentialsFile,
  jobEnv,
  jobMarker,
  jobPaths,
  jobSpecJson,
  jobSubmitArgs,
  offsetsBehind,
  parseProgress,
  parseProgressLine,
  type JobProgressEvent,
  type JobSpec,
} from "../src/spark/job.ts";

const fakeHome = { sparkHome: "/opt/spark", python: "/opt/venv/bin/python", extraJars: ["/j/a.jar", "/j/b.jar"] };

describe("job builders (pure)", () => {
  it("builds a client-mode spark-submit argv with capped cores, pinned jars and the marker", () => {
    const argv = jobSubmitArgs({
      ...fakeHome,
      master: "spark://127.0.0.1:7077",
      jobId: "j1",
      attempt: 3,
      jobDir: "/data/jobs/j1",
      cores: 1,
      driverMemoryMb: 256,
      executorMemoryMb: 1024,
      uiPort: 4100,
    });
    const conf = Object.fromEntries(
      argv.flatMap((a, i) => (argv[i - 1] === "--conf" ? [a.split(/=(.*)/s).slice(0, 2)] : [])),
    );
    expect(argv[0]).toBe("/opt/spark/bin/spark-submit");
    expect(argv.slice(1, 5)).toEqual(["--master", "spark://127.0.0.1:7077", "--deploy-mode", "client"]);
    expect(argv[argv.indexOf("--driver-memory") + 1]).toBe("512m");
    expect(argv).not.toContain("--packages");
    expect(conf).toMatchObject({
      "spark.cores.max": "1",
      "spark.driver.host": "127.0.0.1",
      "spark.driver.bindAddress": "127.0.0.1",
      "spark.ui.port": "4100",
      "spark.jars": "/j/a.jar,/j/b.jar",
      "spark.driver.extraJavaOptions": "-Dweir.job=j1:3",
      "spark.sql.streaming.checkpointLocation": "/data/jobs/j1/checkpoint",
      "spark.sql.warehouse.dir": "/data/jobs/j1/warehouse",
      "spark.local.dir": "/data/jobs/j1/local",
      "spark.pyspark.python": "/opt/venv/bin/python",
    });
    expect(argv.at(-2)).toMatch(/runner\/weir_job_runner\.py$/);
    expect(fs.existsSync(argv.at(-2)!)).toBe(true);
    expect(argv.at(-1)).toBe("/data/jobs/j1/job-spec.json");
    expect(() =>
      jobSubmitArgs({
        ...fakeHome,
        master: "local[1]",
        jobId: "x",
        attempt: 1,
        jobDir: "/d",
        cores: 0,
        driverMemoryMb: 512,
        executorMemoryMb: 512,
        uiPort: 1,
      }),
    ).toThrow();
  });

  it("puts only the credentials file's path in the env, and refuses secrets in the spec", () => {
    const e = jobEnv({ ...fakeHome, jobDir: "/data/jobs/j1" }, { base: { PATH: "/usr/bin", SECRET: "x" } });
    expect(e).toMatchObject({
      SPARK_HOME: "/opt/spark",
      PYSPARK_PYTHON: "/opt/venv/bin/python",
      WEIR_CREDENTIALS_FILE: "/data/jobs/j1/credentials.json",
      PATH: "/usr/bin",
    });
    expect(e.SECRET).toBeUndefined();
    const bad = {
      kind: "pyspark-script",
      jobId: "j",
      progressFile: "/p",
      script: "/s.py",
      args: [],
      kafka: { bootstrap: "b", password: "x" },
    };
    expect(() => jobSpecJson(bad as unknown as JobSpec)).toThrow(/credentials/);
  });

  it("parses progress lines into typed records and skips partial ones", () => {
    const line = JSON.stringify({
      event: "progress",
      time: 1,
      id: "q",
      runId: "r",
      batchId: 4,
      numInputRows: 10,
      inputRowsPerSecond: 5.5,
      processedRowsPerSecond: null,
      batchDuration: 1200,
      durationMs: { triggerExecution: 1200 },
      watermark: "2026-01-01T10:00:00.000Z",
      stateOperators: [{ operatorName: "stateStoreSave", numRowsTotal: 3, numRowsUpdated: 1, memoryUsedBytes: 10 }],
      sources: [
        {
          description: "Kafka",
          startOffset: { t: { "0": 1 } },
          endOffset: { t: { "0": 5, "1": 2 } },
          latestOffset: { t: { "0": 9, "1": 2 } },
          numInputRows: 10,
        },
      ],
    });
    const p = parseProgressLine(line);
    expect(p).toMatchObject({ event: "progress", batchId: 4, numInputRows: 10, processedRowsPerSecond: 0 });
    if (p?.event !== "progress") throw new Error("not progress");
    expect(offsetsBehind(p.sources[0]!)).toBe(4);
    expect(parseProgressLine('{"event":"fail')).toBeUndefined();
    expect(parseProgressLine("WARN something")).toBeUndefined();
    expect(
      parseProgress(`${line}\n{"event":"failed","time":2,"errorClass":"X","message":"m"}\n{"ev`).map((e) => e.event),
    ).toEqual(["progress", "failed"]);
  });
});

// ---------------------------------------------------------------- real Spark and Kafka

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-jobs-"));
const kafkaRuntime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
const kafkaClusterId = "00000000-0000-4000-8000-0000000000b1";
const sparkClusterId = `jobs-${Date.now()}`;
let artifacts!: SparkArtifacts;
let sparkEngine!: LocalSparkRuntime;
let sparkSpec!: SparkClusterSpec;
let bootstrap = "";
let admin = { username: "", password: "" };
const drivers: ChildProcess[] = [];

function kcatArgs(): string[] {
  return [
    "-b",
    bootstrap,
    "-X",
    "security.protocol=SASL_PLAINTEXT",
    "-X",
    "sasl.mechanisms=SCRAM-SHA-512",
    "-X",
    `sasl.username=${admin.username}`,
    "-X",
    `sasl.password=${admin.password}`,
  ];
}

function produce(topic: string, lines: string[]): void {
  const r = spawnSync("kcat", [...kcatArgs(), "-P", "-t", topic], {
    input: lines.join("\n") + "\n",
    encoding: "utf8",
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`kcat -P failed: ${r.stderr}`);
}

/** A kcat consumer left running: every record with the time it arrived (lower load than polling). */
function tail(topic: string) {
  const records: { key: string; value: string; at: number }[] = [];
  const proc = spawn("kcat", [...kcatArgs(), "-C", "-t", topic, "-o", "beginning", "-q", "-u", "-f", "%k\t%s\n"], {
    detached: true,
    stdio: ["ignore", "pipe", "ignore"],
  });
  drivers.push(proc);
  let buf = "";
  proc.stdout!.on("data", (chunk: Buffer) => {
    buf += chunk.toString("utf8");
    const lines = buf.split("\n");
    buf = lines.pop()!;
    for (const l of lines.filter(Boolean)) {
      const [key, ...rest] = l.split("\t");
      records.push({ key: key!, value: rest.join("\t"), at: Date.now() });
    }
  });
  return { records, stop: () => proc.kill("SIGTERM") };
}

function consume(topic: string): { key: string; value: string }[] {
  const r = spawnSync("kcat", [...kcatArgs(), "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k\t%s\n"], {
    encoding: "utf8",
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`kcat -C failed: ${r.stderr}`);
  return r.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [key, ...rest] = l.split("\t");
      return { key: key!, value: rest.join("\t") };
    });
}

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, ms = 120_000, every = 250): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out${last ? `: ${String(last)}` : ""}`);
}

interface Driver {
  proc: ChildProcess;
  paths: ReturnType<typeof jobPaths>;
  startedAt: number;
  exit: Promise<number | null>;
  events: () => JobProgressEvent[];
}

async function submit(jobId: string, spec: (p: ReturnType<typeof jobPaths>) => JobSpec): Promise<Driver> {
  const jobDir = path.join(dataDir, "jobs", jobId);
  const p = jobPaths(jobDir);
  fs.mkdirSync(p.localDir, { recursive: true });
  fs.writeFileSync(p.specFile, jobSpecJson(spec(p)));
  fs.writeFileSync(p.credentialsFile, jobCredentialsFile(admin), { mode: 0o600 });
  const [uiPort] = await freePorts(1);
  const argv = jobSubmitArgs({
    ...artifacts,
    master: `spark://127.0.0.1:${sparkSpec.master.port}`,
    jobId,
    attempt: 1,
    jobDir,
    cores: 1,
    driverMemoryMb: 512,
    executorMemoryMb: 512,
    uiPort: uiPort!,
  });
  expect(argv.join(" ")).not.toContain(admin.password);
  const log = fs.openSync(p.driverLog, "a");
  const proc = spawn(argv[0]!, argv.slice(1), {
    // A child's environment exactly as built (ProcessEnv's NODE_ENV is not required by Node).
    env: jobEnv({ ...artifacts, jobDir }, { base: process.env }) as NodeJS.ProcessEnv,
    detached: true,
    stdio: ["ignore", log, log],
  });
  fs.closeSync(log);
  drivers.push(proc);
  const exit = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  const events = () => (fs.existsSync(p.progressFile) ? parseProgress(fs.readFileSync(p.progressFile, "utf8")) : []);
  return { proc, paths: p, startedAt: Date.now(), exit, events };
}

async function stop(d: Driver): Promise<void> {
  if (d.proc.exitCode !== null || d.proc.signalCode !== null) return;
  try {
    process.kill(-d.proc.pid!, "SIGTERM");
  } catch {
    return;
  }
  const t = setTimeout(() => {
    try {
      process.kill(-d.proc.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
  }, 15_000);
  await d.exit;
  clearTimeout(t);
}

const driverLogTail = (d: Driver) => fs.readFileSync(d.paths.driverLog, "utf8").split("\n").slice(-40).join("\n");

const ORDER_SCHEMA = "order_id STRING, product STRING, amount DOUBLE, ts TIMESTAMP";
const order = (id: number, product: string, amount: number, ts: string) =>
  JSON.stringify({ order_id: `o${id}`, product, amount, ts });
const REVENUE_SQL = `SELECT window.start AS window_start, product, SUM(amount) AS revenue, COUNT(*) AS orders
  FROM events GROUP BY window(ts, '1 minute'), product`;

beforeAll(async () => {
  artifacts = ensureSpark(env().WEIR_CACHE_DIR);
  const kspec = await newLocalClusterSpec({ clusterId: kafkaClusterId, brokerCount: 1 });
  admin = kspec.admin;
  bootstrap = `127.0.0.1:${kspec.nodes[0]!.port}`;

  const ports = await freePorts(4);
  sparkSpec = {
    clusterId: sparkClusterId,
    sparkVersion: "4.2.0",
    master: {
      name: "master",
      role: "master",
      host: "127.0.0.1",
      port: ports[0]!,
      uiPort: ports[1]!,
      cores: 0,
      memoryMb: 0,
    },
    workers: [
      {
        name: "worker-1",
        role: "worker",
        host: "127.0.0.1",
        port: ports[2]!,
        uiPort: ports[3]!,
        cores: 2,
        memoryMb: 1536,
      },
    ],
    uiProxyPath: `/spark-ui/${sparkClusterId}`,
  };
  sparkEngine = new LocalSparkRuntime({ dataDir, spark: () => artifacts });

  await Promise.all([
    (async () => {
      await kafkaRuntime.ensureNode(kspec, kspec.nodes[0]!.nodeId);
      const ka = new KafkaAdmin({ bootstrap: [bootstrap], ...kspec.admin });
      try {
        await until(async () => ((await ka.describeCluster()).brokers.length === 1 ? true : undefined), 90_000, 500);
        for (const name of ["orders", "revenue"]) {
          await createTopic(ka, { name, partitions: 1, replicationFactor: 1, configs: {} });
        }
      } finally {
        await ka.close();
      }
    })(),
    (async () => {
      await sparkEngine.ensureNode(sparkSpec, "master");
      await until(
        async () => ((await sparkEngine.masterState(sparkSpec))?.status === "ALIVE" ? true : undefined),
        90_000,
      );
      await sparkEngine.ensureNode(sparkSpec, "worker-1");
      await until(
        async () =>
          (await sparkEngine.masterState(sparkSpec))?.workers.some((w) => w.state === "ALIVE") ? true : undefined,
        90_000,
      );
    })(),
  ]);
}, 240_000);

afterAll(async () => {
  for (const d of drivers) {
    if (d.exitCode === null && d.signalCode === null && d.pid) {
      try {
        process.kill(-d.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }
  await sparkEngine?.deleteGroup(sparkClusterId).catch(() => undefined);
  await kafkaRuntime.deleteGroup(kafkaClusterId).catch(() => undefined);
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

describe("job runner on real Spark and Kafka", () => {
  it("streaming SQL: revenue per product per minute with a watermark into a topic", async () => {
    produce("orders", [
      order(1, "apple", 2.5, "2026-01-01T10:00:05Z"),
      order(2, "pear", 4, "2026-01-01T10:00:10Z"),
      order(3, "apple", 1.5, "2026-01-01T10:00:50Z"),
      order(4, "apple", 10, "2026-01-01T10:01:01Z"),
      order(5, "pear", 1, "2026-01-01T10:01:30Z"),
    ]);
    const d = await submit("stream-1", (p) => ({
      kind: "streaming-sql",
      jobId: "stream-1",
      progressFile: p.progressFile,
      kafka: { bootstrap },
      sources: ["orders"],
      format: { type: "json", schema: ORDER_SCHEMA },
      view: "events",
      sql: REVENUE_SQL,
      watermark: { column: "ts", delay: "10 minutes" },
      sink: { type: "kafka", topic: "revenue", keyColumn: "product" },
      trigger: "1 second",
      outputMode: "update",
      startingOffsets: "earliest",
      checkpointDir: p.checkpointDir,
    }));
    const out = tail("revenue");
    try {
      const first = await until(
        () => {
          if (d.proc.exitCode !== null) throw new Error(`driver exited ${d.proc.exitCode}:\n${driverLogTail(d)}`);
          return d.events().find((e) => e.event === "progress" && e.numInputRows > 0);
        },
        180_000,
        500,
      );
      const submitToFirstBatch = (first.time - d.startedAt) / 1000;

      const latest = () => {
        const m = new Map<string, { revenue: number; orders: number }>();
        for (const { key, value } of out.records) {
          const v = JSON.parse(value) as { window_start: string; product: string; revenue: number; orders: number };
          expect(key).toBe(v.product);
          m.set(`${v.window_start.slice(11, 16)} ${v.product}`, { revenue: v.revenue, orders: v.orders });
        }
        return Object.fromEntries([...m].sort());
      };
      const expected = {
        "10:00 apple": { revenue: 4, orders: 2 },
        "10:00 pear": { revenue: 4, orders: 1 },
        "10:01 apple": { revenue: 10, orders: 1 },
        "10:01 pear": { revenue: 1, orders: 1 },
      };
      await until(() => (JSON.stringify(latest()) === JSON.stringify(expected) ? true : undefined), 60_000, 500);
      expect(latest()).toEqual(expected);

      // event → result latency, a few samples
      const latencies: number[] = [];
      let total = 10;
      for (let i = 0; i < 3; i++) {
        total += 1;
        const t0 = Date.now();
        produce("orders", [order(100 + i, "apple", 1, "2026-01-01T10:01:40Z")]);
        const seen = await until(
          () =>
            out.records.find(
              (r) => r.at >= t0 && r.value.includes('"product":"apple"') && r.value.includes(`"revenue":${total}.0`),
            ),
          180_000,
          50,
        );
        latencies.push((seen.at - t0) / 1000);
      }
      const progress = d.events().filter((e) => e.event === "progress");
      const last = progress.at(-1);
      if (last?.event !== "progress") throw new Error("no progress");
      expect(last.watermark).toMatch(/^2026-01-01T09:5\d/);
      expect(last.stateOperators[0]?.numRowsTotal).toBe(4);
      expect(last.sources[0]?.description).toMatch(/Kafka/);
      expect(d.events().some((e) => e.event === "started")).toBe(true);
      console.log(
        `[job-runner] submit → first batch ${submitToFirstBatch.toFixed(1)} s; event → result ${latencies.map((l) => l.toFixed(2)).join(", ")} s`,
      );
      // the marker is on the driver JVM's command line
      // (the test's own kcat has the password in its argv; the driver's JVM and Python must not)
      const ps = spawnSync("ps", ["-eo", "args"], { encoding: "utf8" }).stdout.split("\n");
      const driverLines = ps.filter((l) => l.includes(jobMarker("stream-1", 1)) || l.includes("weir_job_runner.py"));
      expect(driverLines.some((l) => l.includes(jobMarker("stream-1", 1)))).toBe(true);
      expect(driverLines.filter((l) => l.includes(admin.password))).toEqual([]);
    } finally {
      out.stop();
      await stop(d);
    }
  }, 900_000);

  it("an unknown column fails with Spark's error class in the progress file and a non-zero exit", async () => {
    const d = await submit("bad-col", (p) => ({
      kind: "streaming-sql",
      jobId: "bad-col",
      progressFile: p.progressFile,
      kafka: { bootstrap },
      sources: ["orders"],
      format: { type: "json", schema: ORDER_SCHEMA },
      view: "events",
      sql: "SELECT product, SUM(price) AS revenue FROM events GROUP BY product",
      sink: { type: "kafka", topic: "revenue" },
      trigger: "1 second",
      checkpointDir: p.checkpointDir,
    }));
    try {
      const code = await Promise.race([d.exit, new Promise<"hang">((r) => setTimeout(() => r("hang"), 150_000))]);
      expect(code).not.toBe("hang");
      expect(code).not.toBe(0);
      const failed = d.events().find((e) => e.event === "failed");
      expect(failed).toMatchObject({ event: "failed", errorClass: expect.stringMatching(/^UNRESOLVED_COLUMN/) });
      if (failed?.event === "failed") expect(failed.message).toMatch(/price/);
    } finally {
      await stop(d);
    }
  }, 200_000);

  it("batch SQL over a topic's contents: preview lines and CSV/JSON result files", async () => {
    const d = await submit("batch-1", (p) => ({
      kind: "batch-sql",
      jobId: "batch-1",
      progressFile: p.progressFile,
      kafka: { bootstrap },
      sources: ["orders"],
      format: { type: "json", schema: ORDER_SCHEMA },
      view: "events",
      sql: "SELECT product, SUM(amount) AS revenue, COUNT(*) AS orders FROM events GROUP BY product ORDER BY product",
      output: { previewFile: p.previewFile, previewRows: 1, resultDir: p.resultDir, formats: ["csv", "json"] },
    }));
    try {
      const code = await Promise.race([d.exit, new Promise<"hang">((r) => setTimeout(() => r("hang"), 360_000))]);
      expect(code, driverLogTail(d)).toBe(0);
      // what the topic holds (the streaming test added orders after the first five)
      const totals = new Map<string, { revenue: number; orders: number }>();
      for (const { value } of consume("orders")) {
        const o = JSON.parse(value) as { product: string; amount: number };
        const t = totals.get(o.product) ?? { revenue: 0, orders: 0 };
        totals.set(o.product, { revenue: t.revenue + o.amount, orders: t.orders + 1 });
      }
      const apple = totals.get("apple")!;
      const pear = totals.get("pear")!;
      const preview = fs
        .readFileSync(d.paths.previewFile, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(preview).toEqual([{ product: "apple", ...apple }]);
      expect(d.events().find((e) => e.event === "result")).toMatchObject({
        rows: 2,
        columns: ["product", "revenue", "orders"],
      });
      const csvDir = path.join(d.paths.resultDir, "csv");
      const csv = fs
        .readdirSync(csvDir)
        .filter((f) => f.endsWith(".csv"))
        .map((f) => fs.readFileSync(path.join(csvDir, f), "utf8"))
        .join("");
      expect(csv.trim().split("\n")).toEqual([
        "product,revenue,orders",
        `apple,${apple.revenue.toFixed(1)},${apple.orders}`,
        `pear,${pear.revenue.toFixed(1)},${pear.orders}`,
      ]);
      expect(d.events().at(-1)?.event).toBe("finished");
    } finally {
      await stop(d);
    }
  }, 420_000);
});
