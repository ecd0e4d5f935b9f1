"""Weir's job runner: the driver program of every job on a Weir compute cluster.

    spark-submit ... weir_job_runner.py /path/to/job-spec.json

The spec (built by packages/runtime/src/spark/job.ts) says what to run:
  streaming-sql   topics -> from_json(schema) -> [watermark] -> temp view -> SQL -> Kafka topic | Postgres upsert
  batch-sql       a topic's contents (or a timestamp range) -> temp view -> SQL -> preview lines + CSV/JSON files
  pyspark-script  the user's script via runpy, with `spark` and `weir` (Kafka settings) in its globals

Secrets never come from argv or the spec: WEIR_KAFKA_USERNAME / WEIR_KAFKA_PASSWORD (and
WEIR_JDBC_USER / WEIR_JDBC_PASSWORD) in the environment, or a JSON file named by
WEIR_CREDENTIALS_FILE that only its owner may read (mode 0600).

One JSON line per event goes to the spec's progressFile (started, progress, idle, terminated,
finished, stopped, failed); on failure the runner writes {"event":"failed","errorClass":...,"message":...}
and exits 1. SIGTERM (Weir stopping the job) stops the running queries, writes "stopped" and
exits 0, so the checkpoint is left at a committed batch.
"""

import json
import os
import re
import runpy
import signal
import stat
import sys
import time
import traceback

from pyspark.sql import SparkSession
from pyspark.sql.streaming import StreamingQueryListener


class ProgressLog:
    def __init__(self, path):
        self.path = path

    def write(self, event, **fields):
        line = json.dumps({"event": event, "time": int(time.time() * 1000), **fields}, default=str)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(line + "\n")


class StopRequested(Exception):
    """SIGTERM: Weir asked the job to stop."""


STOP = {"requested": False, "polling": False}


def on_sigterm(_signum, _frame):
    STOP["requested"] = True
    # While the runner polls its queries it stops them itself; anywhere else, interrupt the work.
    if not STOP["polling"]:
        raise StopRequested()


def await_queries(spark):
    """Wait for the active queries; on SIGTERM stop them (their checkpoint stays at a committed batch)."""
    STOP["polling"] = True
    try:
        while spark.streams.active:
            if STOP["requested"]:
                for q in spark.streams.active:
                    q.stop()
                raise StopRequested()
            for q in spark.streams.active:
                q.awaitTermination(1)  # raises the query's failure, if any
    finally:
        STOP["polling"] = False


def load_credentials():
    creds = {
        "username": os.environ.get("WEIR_KAFKA_USERNAME"),
        "password": os.environ.get("WEIR_KAFKA_PASSWORD"),
        "jdbcUser": os.environ.get("WEIR_JDBC_USER"),
        "jdbcPassword": os.environ.get("WEIR_JDBC_PASSWORD"),
    }
    path = os.environ.get("WEIR_CREDENTIALS_FILE")
    if path:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            raise RuntimeError(f"[WEIR_CREDENTIALS_FILE_MODE] {path} has mode {oct(mode)}; it must be 0600")
        with open(path, encoding="utf-8") as f:
            creds.update({k: v for k, v in json.load(f).items() if v is not None})
    return creds


def kafka_options(kafka, creds):
    """The kafka.* options of a Kafka source or sink (SCRAM when a username is known)."""
    opts = {"kafka.bootstrap.servers": kafka["bootstrap"]}
    if creds.get("username"):
        user = creds["username"].replace("\\", "\\\\").replace('"', '\\"')
        password = (creds.get("password") or "").replace("\\", "\\\\").replace('"', '\\"')
        opts.update({
            "kafka.security.protocol": kafka.get("securityProtocol", "SASL_PLAINTEXT"),
            "kafka.sasl.mechanism": kafka.get("saslMechanism", "SCRAM-SHA-512"),
            "kafka.sasl.jaas.config": "org.apache.kafka.common.security.scram.ScramLoginModule required "
            f'username="{user}" password="{password}";',
        })
    if kafka.get("truststore"):  # TLS listener (Strimzi): trust its cluster CA
        opts.update({"kafka.ssl.truststore.type": "PEM", "kafka.ssl.truststore.location": kafka["truststore"]})
    elif kafka.get("caPem"):  # TLS listener (a Weir cluster): trust its own CA, given inline
        opts.update({"kafka.ssl.truststore.type": "PEM", "kafka.ssl.truststore.certificates": kafka["caPem"]})
    return opts


class ProgressListener(StreamingQueryListener):
    def __init__(self, log):
        self.log = log

    def onQueryStarted(self, event):
        self.log.write("started", id=str(event.id), runId=str(event.runId), name=event.name)

    def onQueryProgress(self, event):
        p = json.loads(event.progress.json)
        self.log.write(
            "progress",
            id=p.get("id"),
            runId=p.get("runId"),
            batchId=p.get("batchId"),
            timestamp=p.get("timestamp"),
            numInputRows=p.get("numInputRows"),
            inputRowsPerSecond=p.get("inputRowsPerSecond"),
            processedRowsPerSecond=p.get("processedRowsPerSecond"),
            batchDuration=p.get("batchDuration"),
            durationMs=p.get("durationMs", {}),
            watermark=(p.get("eventTime") or {}).get("watermark"),
            stateOperators=[
                {"operatorName": s.get("operatorName"), "numRowsTotal": s.get("numRowsTotal"),
                 "numRowsUpdated": s.get("numRowsUpdated"), "memoryUsedBytes": s.get("memoryUsedBytes")}
                for s in p.get("stateOperators", [])
            ],
            sources=[
                {"description": s.get("description"), "startOffset": s.get("startOffset"),
                 "endOffset": s.get("endOffset"), "latestOffset": s.get("latestOffset"),
                 "numInputRows": s.get("numInputRows")}
                for s in p.get("sources", [])
            ],
        )

    def onQueryIdle(self, event):
        self.log.write("idle", id=str(event.id), runId=str(event.runId), timestamp=event.timestamp)

    def onQueryTerminated(self, event):
        error_class = getattr(event, "errorClassOnException", None)
        self.log.write("terminated", id=str(event.id), runId=str(event.runId),
                       exception=event.exception, errorClass=error_class)


def error_of(exc):
    """Spark's error class (e.g. UNRESOLVED_COLUMN.WITH_SUGGESTION) and message."""
    error_class = None
    for getter in ("getCondition", "getErrorClass"):
        if hasattr(exc, getter):
            try:
                error_class = getattr(exc, getter)()
            except Exception:  # noqa: BLE001 - a getter that fails must not hide the error itself
                error_class = None
            if error_class:
                break
    message = str(exc).strip()
    if not error_class:
        m = re.search(r"\[([A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)*)\]", message)
        error_class = m.group(1) if m else type(exc).__name__
    # JVM stack traces after the message are noise for a user
    message = message.split("\n\tat ")[0].split("\nJVM stacktrace:")[0].strip()
    return error_class, message


def read_kafka(spark, spec, opts, streaming):
    reader = spark.readStream if streaming else spark.read
    reader = reader.format("kafka").options(**opts).option("subscribe", ",".join(spec["sources"]))
    if spec.get("groupIdPrefix"):  # the job's Kafka user may read consumer groups with this prefix only
        reader = reader.option("groupIdPrefix", spec["groupIdPrefix"])
    if streaming:
        reader = reader.option("startingOffsets", spec.get("startingOffsets", "latest"))
        reader = reader.option("failOnDataLoss", str(spec.get("failOnDataLoss", False)).lower())
        if spec.get("maxOffsetsPerTrigger"):
            reader = reader.option("maxOffsetsPerTrigger", str(spec["maxOffsetsPerTrigger"]))
    else:
        if spec.get("startingTimestamp") is not None:
            reader = reader.option("startingTimestamp", str(spec["startingTimestamp"]))
        else:
            reader = reader.option("startingOffsets", "earliest")
        if spec.get("endingTimestamp") is not None:
            reader = reader.option("endingTimestamp", str(spec["endingTimestamp"]))
        else:
            reader = reader.option("endingOffsets", "latest")
    raw = reader.load()
    fmt = spec.get("format", {"type": "json"})
    if fmt.get("type", "json") != "json":
        raise ValueError(f"[WEIR_UNSUPPORTED_FORMAT] value format {fmt.get('type')!r} is not supported")
    return raw.selectExpr(f"from_json(CAST(value AS STRING), '{_sql_string(fmt['schema'])}') AS data").select("data.*")


def _sql_string(s):
    return s.replace("\\", "\\\\").replace("'", "\\'")


def kafka_sink(result, sink, opts):
    key = sink.get("keyColumn")
    cols = ["to_json(struct(*)) AS value"]
    if key:
        cols.insert(0, f"CAST(`{key}` AS STRING) AS key")
    return result.selectExpr(*cols).writeStream.format("kafka").options(**opts).option("topic", sink["topic"])


def _quote(ident):
    return '"' + ident.replace('"', '""') + '"'


def postgres_upsert(spark, sink, creds):
    """foreachBatch: write the batch to a staging table, then one INSERT ... ON CONFLICT DO UPDATE (replays are harmless)."""
    url, table, keys = sink["url"], sink["table"], sink["keyColumns"]
    staging = sink.get("stagingTable", table + "_weir_staging")
    props = {"user": creds.get("jdbcUser") or "", "password": creds.get("jdbcPassword") or "",
             "driver": "org.postgresql.Driver"}

    def upsert(batch, batch_id):
        cols = batch.columns
        batch.write.jdbc(url, staging, mode="overwrite", properties=props)
        jprops = spark._jvm.java.util.Properties()
        for k in ("user", "password"):
            jprops.setProperty(k, props[k])
        # spark.jars are in Spark's own class loader, which neither Class.forName nor DriverManager
        # (it refuses drivers its caller cannot see) looks in: load the driver there, connect with it.
        jvm = spark._jvm
        loader = jvm.java.lang.Thread.currentThread().getContextClassLoader()
        conn = jvm.java.lang.Class.forName("org.postgresql.Driver", True, loader).newInstance().connect(url, jprops)
        try:
            conn.setAutoCommit(False)
            st = conn.createStatement()
            col_list = ", ".join(_quote(c) for c in cols)
            updates = ", ".join(f"{_quote(c)} = EXCLUDED.{_quote(c)}" for c in cols if c not in keys)
            st.execute(f"CREATE TABLE IF NOT EXISTS {_quote(table)} (LIKE {_quote(staging)}, "
                       f"PRIMARY KEY ({', '.join(_quote(k) for k in keys)}))")
            st.execute(
                f"INSERT INTO {_quote(table)} ({col_list}) SELECT {col_list} FROM {_quote(staging)} "
                f"ON CONFLICT ({', '.join(_quote(k) for k in keys)}) "
                + (f"DO UPDATE SET {updates}" if updates else "DO NOTHING")
            )
            conn.commit()
        finally:
            conn.close()

    return upsert


def run_streaming_sql(spark, spec, creds, log):
    opts = kafka_options(spec["kafka"], creds)
    events = read_kafka(spark, spec, opts, streaming=True)
    if spec.get("watermark"):
        events = events.withWatermark(spec["watermark"]["column"], spec["watermark"]["delay"])
    events.createOrReplaceTempView(spec.get("view", "events"))
    result = spark.sql(spec["sql"])
    sink = spec["sink"]
    if sink["type"] == "kafka":
        sink_opts = kafka_options(sink.get("kafka", spec["kafka"]), creds)
        writer = kafka_sink(result, sink, sink_opts)
    elif sink["type"] == "postgres":
        writer = result.writeStream.foreachBatch(postgres_upsert(spark, sink, creds))
    else:
        raise ValueError(f"[WEIR_UNSUPPORTED_SINK] sink type {sink['type']!r} is not supported")
    query = (writer.outputMode(spec.get("outputMode", "update"))
             .option("checkpointLocation", spec["checkpointDir"])
             .trigger(processingTime=spec.get("trigger", "1 second"))
             .queryName(spec.get("queryName", spec.get("jobId", "weir-job")))
             .start())
    await_queries(spark)


def run_batch_sql(spark, spec, creds, log):
    opts = kafka_options(spec["kafka"], creds)
    read_kafka(spark, spec, opts, streaming=False).createOrReplaceTempView(spec.get("view", "events"))
    result = spark.sql(spec["sql"]).cache()
    out = spec["output"]
    rows = result.count()  # materializes the cache once; preview and files read from it
    preview = result.limit(int(out.get("previewRows", 100))).toJSON().collect()
    with open(out["previewFile"], "w", encoding="utf-8") as f:
        for row in preview:
            f.write(row + "\n")
    for fmt in out.get("formats", ["csv", "json"]):
        target = os.path.join(out["resultDir"], fmt)
        writer = result.coalesce(1).write.mode("overwrite")
        (writer.option("header", "true").csv(target) if fmt == "csv" else writer.json(target))
    log.write("result", rows=rows, previewRows=len(preview), columns=result.columns)


def run_pyspark_script(spark, spec, creds, log):
    kafka = spec.get("kafka")
    weir = {
        "job_id": spec.get("jobId"),
        "kafka_bootstrap": kafka["bootstrap"] if kafka else None,
        "kafka_options": kafka_options(kafka, creds) if kafka else {},
        "checkpoint_dir": spec.get("checkpointDir"),
        "group_id_prefix": spec.get("groupIdPrefix"),
    }
    sys.argv = [spec["script"], *spec.get("args", [])]
    runpy.run_path(spec["script"], init_globals={"spark": spark, "weir": weir}, run_name="__main__")
    await_queries(spark)  # a script that started streams and returned: keep them running


KINDS = {"streaming-sql": run_streaming_sql, "batch-sql": run_batch_sql, "pyspark-script": run_pyspark_script}


def main(argv):
    if len(argv) != 2:
        print("usage: weir_job_runner.py JOB_SPEC.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    log = ProgressLog(spec["progressFile"])
    spark = None
    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        run = KINDS.get(spec.get("kind"))
        if run is None:
            raise ValueError(f"[WEIR_UNKNOWN_JOB_KIND] unknown job kind {spec.get('kind')!r}")
        creds = load_credentials()
        spark = SparkSession.builder.appName(spec.get("name", spec.get("jobId", "weir-job"))).getOrCreate()
        spark.streams.addListener(ProgressListener(log))
        log.write("running", kind=spec["kind"], applicationId=spark.sparkContext.applicationId)
        run(spark, spec, creds, log)
        log.write("finished")
        return 0
    except BaseException as exc:  # noqa: BLE001 - every failure becomes one readable line
        if isinstance(exc, StopRequested) or STOP["requested"]:
            log.write("stopped")
            return 0
        if isinstance(exc, SystemExit) and exc.code in (0, None):
            log.write("finished")
            return 0
        error_class, message = error_of(exc)
        log.write("failed", errorClass=error_class, message=message)
        traceback.print_exc()
        return 1
    finally:
        if spark is not None:
            try:
                spark.stop()
            except Exception:  # noqa: BLE001
                pass


if __name__ == "__main__":
    sys.exit(main(sys.argv))
