// pyspark's own Spark Connect client, for benches that compare Weir's SQL workspace with it.
// The pinned pyspark venv (infra/runtimes, under the cache) holds pyspark without the client's
// dependencies (grpcio, pyarrow, pandas…), and Weir's runtime never needs them, so the bench keeps
// a venv of its own beside it: those dependencies at fixed versions, plus a .pth line that puts the
// pinned pyspark on its path (the same pyspark 4.2.0, not a second copy).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { SparkArtifacts } from "@weir/runtime/spark-artifacts";

const CLIENT_DEPS = [
  "grpcio==1.76.0",
  "grpcio-status==1.76.0",
  "googleapis-common-protos==1.72.0",
  "pyarrow==22.0.0",
  "pandas==2.3.3", // pandas 3 makes PySpark warn (reference/spark-offline.md)
  "zstandard==0.25.0",
];

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${r.stderr || r.stdout}`);
  return r.stdout;
}

/** The bench venv's python (created on first use: a pip install of about 150 MB, once). */
export function ensureConnectClient(cacheDir: string, spark: SparkArtifacts): string {
  const dir = path.join(cacheDir, "bench-connect-venv");
  const python = path.join(dir, "bin", "python");
  const stamp = path.join(dir, "weir-bench-deps.txt");
  const wanted = CLIENT_DEPS.join("\n") + "\n";
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, "utf8") !== wanted) {
    console.log(`[bench] installing pyspark's Spark Connect client dependencies into ${dir} (once)`);
    if (!fs.existsSync(python)) run("python3", ["-m", "venv", dir]);
    run(python, ["-m", "pip", "install", "-q", ...CLIENT_DEPS]);
    fs.writeFileSync(stamp, wanted);
  }
  const pinnedSite = run(spark.python, ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).trim();
  const ownSite = run(python, ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).trim();
  fs.writeFileSync(path.join(ownSite, "weir-pinned-pyspark.pth"), pinnedSite + "\n");
  return python;
}

export interface ConnectTimings {
  /** Seconds per run of each query, in the order the queries were given. */
  seconds: Record<string, number[]>;
  rows: Record<string, unknown[]>;
}

// Registers the topic as a view through the DataFrame API (its credentials in options, never in
// SQL text), then times spark.sql(q).collect() per query, after `warmup` untimed runs.
const SCRIPT = `
import json, sys, time
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, from_json
cfg = json.load(sys.stdin)
spark = SparkSession.builder.remote(cfg["remote"]).getOrCreate()
k = cfg["kafka"]
jaas = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";' % (k["username"], k["password"])
tls = {"kafka.ssl.truststore.type": "PEM", "kafka.ssl.truststore.certificates": k["caPem"]} if k.get("caPem") else {}
raw = (spark.read.format("kafka")
  .option("kafka.bootstrap.servers", k["bootstrap"])
  .option("kafka.security.protocol", "SASL_SSL" if tls else "SASL_PLAINTEXT")
  .options(**tls)
  .option("kafka.sasl.mechanism", "SCRAM-SHA-512")
  .option("kafka.sasl.jaas.config", jaas)
  .option("subscribe", k["topic"])
  .option("startingOffsets", "earliest").load())
raw.select(from_json(col("value").cast("string"), cfg["schema"]).alias("v")).select("v.*").createOrReplaceTempView(cfg["view"])
out = {"seconds": {}, "rows": {}}
for q in cfg["queries"]:
  for _ in range(cfg["warmup"]):
    spark.sql(q["sql"]).collect()
  times = []
  rows = []
  for _ in range(cfg["runs"]):
    t0 = time.perf_counter()
    rows = spark.sql(q["sql"]).collect()
    times.append(time.perf_counter() - t0)
  out["seconds"][q["name"]] = times
  out["rows"][q["name"]] = [r.asDict() for r in rows[:3]]
spark.stop()
print("WEIR-BENCH-RESULT " + json.dumps(out, default=str))
`;

/** Runs the queries through pyspark's Spark Connect client against `remote` (sc://host:port). */
export function timeThroughPyspark(
  python: string,
  cfg: {
    remote: string;
    kafka: { bootstrap: string; username: string; password: string; topic: string; caPem?: string | null };
    schema: string;
    view: string;
    queries: { name: string; sql: string }[];
    runs: number;
    warmup: number;
  },
): Promise<ConnectTimings> {
  return new Promise((resolve, reject) => {
    // The config (with the password) goes through stdin, never the argv.
    const child = spawn(python, ["-c", SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("WEIR-BENCH-RESULT "));
      if (code !== 0 || !line)
        reject(new Error(`pyspark client exited ${code}:\n${err.split("\n").slice(-20).join("\n")}`));
      else resolve(JSON.parse(line.slice("WEIR-BENCH-RESULT ".length)) as ConnectTimings);
    });
    child.stdin.end(JSON.stringify(cfg));
  });
}
