// The Spark Connect client against a real Spark Connect server (the pinned Spark, local[1]).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { env } from "@weir/env";
import { ensureSpark } from "@weir/runtime/spark-artifacts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectServerArgs,
  currentProtos,
  extractProtos,
  loadProtos,
  SparkConnectClient,
  SparkSqlError,
} from "../src/index.ts";
import { startTestConnectServer, type TestConnectServer } from "../src/testing.ts";

describe("connectServerArgs", () => {
  it("builds a loopback-only, core-capped spark-submit command without a UI by default", () => {
    const { command, args } = connectServerArgs({ sparkHome: "/spark", port: 15002, workDir: "/w" });
    expect(command).toBe("/spark/bin/spark-submit");
    const joined = args.join(" ");
    expect(joined).toContain("--class org.apache.spark.sql.connect.service.SparkConnectServer");
    expect(joined).toContain("--master local[1]");
    expect(args).toContain("spark.connect.grpc.binding.port=15002");
    expect(args).toContain("spark.connect.grpc.binding.address=127.0.0.1");
    expect(args).toContain("spark.ui.enabled=false");
    expect(joined).not.toContain("spark.cores.max");
  });

  it("caps cores on a cluster master and sets the UI port when given", () => {
    const { args } = connectServerArgs({
      sparkHome: "/spark",
      port: 1,
      workDir: "/w",
      master: "spark://127.0.0.1:7077",
      cores: 2,
      uiPort: 4050,
      extraJars: ["/a.jar", "/b.jar"],
    });
    expect(args).toContain("spark.cores.max=2");
    expect(args).toContain("spark.ui.port=4050");
    expect(args).toContain("spark.jars=/a.jar,/b.jar");
    expect(args.join(" ")).toContain("--master spark://127.0.0.1:7077");
  });
});

describe("extractProtos", () => {
  it("extracts spark/connect/*.proto from the pinned jar once, under the jar's checksum", async () => {
    const { connectJar } = ensureSpark(env().WEIR_CACHE_DIR);
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-protos-"));
    try {
      const dir = await extractProtos(connectJar, cacheDir);
      expect(path.basename(dir)).toMatch(/^[0-9a-f]{32}$/);
      const protos = fs.readdirSync(path.join(dir, "spark", "connect"));
      expect(protos).toEqual(
        expect.arrayContaining(["base.proto", "relations.proto", "commands.proto", "types.proto"]),
      );
      expect(fs.existsSync(path.join(dir, "google", "rpc", "error_details.proto"))).toBe(true);
      const marker = JSON.parse(fs.readFileSync(path.join(dir, ".complete"), "utf8"));
      expect(marker.sha256.startsWith(path.basename(dir))).toBe(true);
      // No temp dirs are left behind, a second call is the same dir, and it is the one a process
      // without the jar (the console) loads.
      expect(fs.readdirSync(path.dirname(dir)).sort()).toEqual([path.basename(dir), "current"]);
      expect(await extractProtos(connectJar, cacheDir)).toBe(dir);
      expect(currentProtos(cacheDir)).toBe(dir);
      // A cache extracted before the pointer existed gets it on the next call.
      fs.rmSync(path.join(cacheDir, "spark-connect-protos", "current"));
      expect(await extractProtos(connectJar, cacheDir)).toBe(dir);
      expect(currentProtos(cacheDir)).toBe(dir);
      expect(() => currentProtos(path.join(cacheDir, "elsewhere"))).toThrow(/not in .* yet/);
      expect(Object.keys(loadProtos(dir).Service.service)).toEqual(
        expect.arrayContaining(["ExecutePlan", "Interrupt", "ReleaseSession"]),
      );
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe("SparkConnectClient against a real Spark Connect server", () => {
  let server: TestConnectServer;
  let client: SparkConnectClient;

  beforeAll(async () => {
    server = await startTestConnectServer({ cores: 1 });
    console.log(`Spark Connect server on port ${server.port}: port open after ${server.startupMs} ms`);
    client = new SparkConnectClient({ host: server.host, port: server.port });
  });

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  it("runs SELECT 1", async () => {
    const t = Date.now();
    const res = await client.sql("SELECT 1 AS one");
    console.log(`first query (cold): ${Date.now() - t} ms`);
    expect(res).toEqual({ columns: [{ name: "one", type: "int" }], rows: [{ one: 1 }], truncated: false });
  });

  it("decodes int, double, string, timestamp, null, bigint, decimal, date", async () => {
    const res = await client.sql(
      "SELECT 7 AS i, 2.5D AS d, 'héllo' AS s, TIMESTAMP'2024-01-02 03:04:05.123' AS ts, " +
        "CAST(NULL AS INT) AS n, 12345678901L AS l, CAST(-12.345 AS DECIMAL(10,3)) AS dec, DATE'2024-05-06' AS dt",
    );
    expect(res.columns).toEqual([
      { name: "i", type: "int" },
      { name: "d", type: "double" },
      { name: "s", type: "string" },
      { name: "ts", type: "timestamp" },
      { name: "n", type: "int" },
      { name: "l", type: "bigint" },
      { name: "dec", type: "decimal(10,3)" },
      { name: "dt", type: "date" },
    ]);
    const row = res.rows[0]!;
    expect(row).toMatchObject({ i: 7, d: 2.5, s: "héllo", n: null, l: 12345678901, dec: "-12.345", dt: "2024-05-06" });
    // The timestamp literal is in the session time zone; compare with Spark's own epoch.
    const epoch = await client.sql("SELECT unix_millis(TIMESTAMP'2024-01-02 03:04:05.123') AS ms");
    expect(row.ts).toBeInstanceOf(Date);
    expect((row.ts as Date).getTime()).toBe(epoch.rows[0]!.ms);
  });

  it("aggregates 100k rows and limits what it returns", async () => {
    const agg = await client.sql(
      "SELECT id % 10 AS k, count(*) AS c, sum(id) AS s FROM range(100000) GROUP BY 1 ORDER BY 1",
    );
    expect(agg.rows).toHaveLength(10);
    expect(agg.rows[0]).toEqual({ k: 0, c: 10000, s: 499950000 });
    expect(agg.truncated).toBe(false);

    const many = await client.sql("SELECT id FROM range(100000)");
    expect(many.rows).toHaveLength(1000);
    expect(many.truncated).toBe(true);
    const few = await client.sql("SELECT id FROM range(100000)", { maxRows: 5 });
    expect(few.rows.map((r) => r.id)).toEqual([0, 1, 2, 3, 4]);
  });

  it("keeps temp views within the client's session, not across sessions", async () => {
    const ddl = await client.sql(
      "CREATE OR REPLACE TEMPORARY VIEW weir_v AS SELECT id, id * 2 AS twice FROM range(10)",
    );
    expect(ddl.rows).toEqual([]);
    const res = await client.sql("SELECT sum(twice) AS t FROM weir_v");
    expect(res.rows).toEqual([{ t: 90 }]);

    const other = new SparkConnectClient({ host: server.host, port: server.port });
    try {
      await expect(other.sql("SELECT * FROM weir_v")).rejects.toMatchObject({ errorClass: "TABLE_OR_VIEW_NOT_FOUND" });
    } finally {
      await other.close();
    }
  });

  it("has the Kafka source on its classpath (a kafka view can be declared)", async () => {
    // Declaring the view resolves the kafka provider without connecting to a broker.
    await client.sql(
      "CREATE OR REPLACE TEMPORARY VIEW weir_k USING kafka OPTIONS (kafka.bootstrap.servers '127.0.0.1:1', subscribe 't')",
    );
    const cols = await client.sql("DESCRIBE weir_k");
    expect(cols.rows.map((r) => r.col_name)).toEqual(expect.arrayContaining(["key", "value", "topic", "offset"]));
  });

  it("reports an unknown table and an unknown column with Spark's error class", async () => {
    const err = await client.sql("SELECT nope FROM x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SparkSqlError);
    expect(err).toMatchObject({ errorClass: "TABLE_OR_VIEW_NOT_FOUND", sqlState: "42P01" });
    expect((err as Error).message).toMatch(/^\[TABLE_OR_VIEW_NOT_FOUND\]/);

    await expect(client.sql("SELECT nope FROM range(1)")).rejects.toMatchObject({
      errorClass: expect.stringMatching(/^UNRESOLVED_COLUMN/),
    });
  });

  it("reports a syntax error as PARSE_SYNTAX_ERROR", async () => {
    const err = await client.sql("SELEC 1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SparkSqlError);
    expect(err).toMatchObject({ errorClass: "PARSE_SYNTAX_ERROR" });
    // The session survives errors.
    expect((await client.sql("SELECT 2 AS two")).rows).toEqual([{ two: 2 }]);
  });

  it("times out a slow query and cancels it in Spark", async () => {
    const err = await client
      .sql("SELECT count(*) FROM range(100000000000)", { timeoutMs: 1500 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ errorClass: "TIMEOUT" });
    // With local[1], a job still running would hold the only core and this one would wait for it.
    const next = await client.sql("SELECT count(*) AS c FROM range(1000)", { timeoutMs: 30_000 });
    expect(next.rows).toEqual([{ c: 1000 }]);
  });

  it("gives UNAVAILABLE when no server listens", async () => {
    const gone = new SparkConnectClient({ host: "127.0.0.1", port: 1 });
    try {
      await expect(gone.sql("SELECT 1", { timeoutMs: 5000 })).rejects.toMatchObject({
        errorClass: expect.stringMatching(/^(UNAVAILABLE|TIMEOUT)$/),
      });
    } finally {
      await gone.close();
    }
  });

  it("measures round trips of a trivial query (p50/p95 of 20)", async () => {
    await client.sql("SELECT 1 AS one"); // warm
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await client.sql(`SELECT ${i} AS i`);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
    console.log(
      `Node client, trivial query round trip over 20: p50 ${fmt(percentile(times, 50))}, p95 ${fmt(percentile(times, 95))}, min ${fmt(times[0]!)}, max ${fmt(times.at(-1)!)}`,
    );

    // The same through pyspark's own Spark Connect client, when the venv has its dependencies.
    const python = server.artifacts.python;
    const probe = spawnSync(python, ["-c", "import grpc, pandas, pyarrow, google.protobuf"], { encoding: "utf8" });
    if (probe.status !== 0) {
      const missing = /No module named '([^']+)'/.exec(probe.stderr)?.[1] ?? "its dependencies";
      console.log(
        `pyspark Spark Connect client: not measured, the venv lacks ${missing} (grpcio, pandas, pyarrow, protobuf)`,
      );
      return;
    }
    const script = `
import time
from pyspark.sql import SparkSession
s = SparkSession.builder.remote("sc://${server.host}:${server.port}").getOrCreate()
s.sql("SELECT 1 AS one").collect()
ts = []
for i in range(20):
    t = time.perf_counter(); s.sql(f"SELECT {i} AS i").collect(); ts.append((time.perf_counter() - t) * 1000)
ts.sort()
print("%.0f %.0f" % (ts[9], ts[18]))
`;
    const py = spawnSync(python, ["-c", script], { encoding: "utf8", timeout: 120_000 });
    expect(py.status).toBe(0);
    const [p50, p95] = py.stdout.trim().split(/\s+/);
    console.log(`pyspark Spark Connect client, same query over 20: p50 ${p50} ms, p95 ${p95} ms`);
  });
});
