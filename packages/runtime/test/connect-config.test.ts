// The compute cluster's Spark Connect server, as pure builders: its properties file and arguments.
import { describe, expect, test } from "vitest";
import { connectArgs, connectProperties, type SparkClusterSpec, type SparkNodeSpec } from "../src/index.ts";

const node = (name: string, role: SparkNodeSpec["role"], port: number): SparkNodeSpec => ({
  name,
  role,
  host: "127.0.0.1",
  port,
  uiPort: port + 1,
  cores: role === "connect" ? 1 : 2,
  memoryMb: role === "connect" ? 512 : 1024,
});

const spec: SparkClusterSpec = {
  clusterId: "c1",
  sparkVersion: "4.2.0",
  master: node("master", "master", 7000),
  workers: [node("worker-1", "worker", 7100)],
  connect: node("connect", "connect", 7200),
  uiProxyPath: "/spark-ui/c1",
};

describe("the connect server", () => {
  const props = Object.fromEntries(
    connectProperties(spec, spec.connect!, { local: "/d/local", warehouse: "/d/warehouse" }, ["/j/a.jar", "/j/b.jar"])
      .trim()
      .split("\n")
      .map((l) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]),
  );

  test("is a client-mode driver of the cluster's master on loopback, on its leased ports", () => {
    expect(props).toMatchObject({
      "spark.master": "spark://127.0.0.1:7000",
      "spark.submit.deployMode": "client",
      "spark.connect.grpc.binding.address": "127.0.0.1",
      "spark.connect.grpc.binding.port": "7200",
      "spark.driver.bindAddress": "127.0.0.1",
      "spark.ui.port": "7201",
      "spark.port.maxRetries": "0",
    });
  });

  test("holds at most one core (none when idle) and modest memory, reads Kafka with the pinned jars, no SQL on files", () => {
    expect(props).toMatchObject({
      "spark.cores.max": "1",
      "spark.dynamicAllocation.enabled": "true",
      "spark.dynamicAllocation.minExecutors": "0",
      "spark.dynamicAllocation.maxExecutors": "1",
      "spark.executor.memory": "512m",
      "spark.driver.memory": "512m",
      "spark.jars": "/j/a.jar,/j/b.jar",
      "spark.sql.runSQLOnFiles": "false",
      "spark.sql.redaction.string.regex": "(?i)password=[^;]*",
      "spark.local.dir": "/d/local",
    });
  });

  test("its properties file is on the command line from the first instant (the marker)", () => {
    expect(connectArgs("/d/spark-defaults.conf").slice(0, 2)).toEqual(["--properties-file", "/d/spark-defaults.conf"]);
  });
});
