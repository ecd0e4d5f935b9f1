// The pinned Spark runtime: ensureSpark (already run once by the global setup, so this is the
// warm, offline path) hands back real paths at the pinned versions, and the installed Spark runs.
// Also the one-sentence errors for a host without Python or a JDK.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { env, resetEnv } from "@weir/env";
import { RuntimeSetupError } from "../src/versions.ts";
import { ensureSpark, findPython, SPARK_VERSION } from "../src/spark-artifacts.ts";

describe("pinned Spark runtime", () => {
  it("returns the installed pyspark, its venv python and the connector jars at the pinned versions", () => {
    expect(SPARK_VERSION).toBe("4.2.0");
    const started = Date.now();
    const spark = ensureSpark(env().WEIR_CACHE_DIR);
    expect(Date.now() - started).toBeLessThan(5_000); // cached: no pip, no Maven
    expect(spark.version).toBe(SPARK_VERSION);
    const venv = path.join(env().WEIR_CACHE_DIR, `spark-${SPARK_VERSION}`, "venv");
    expect(spark.python).toBe(path.join(venv, "bin", "python"));
    expect(spark.sparkHome.startsWith(venv + path.sep) && path.basename(spark.sparkHome) === "pyspark").toBe(true);
    for (const bin of ["spark-class", "spark-submit"]) {
      fs.accessSync(path.join(spark.sparkHome, "bin", bin), fs.constants.X_OK);
    }
    expect(spark.connectJar).toBe(path.join(spark.sparkHome, "jars", `spark-connect_2.13-${SPARK_VERSION}.jar`));
    expect(fs.existsSync(spark.connectJar)).toBe(true);
    expect(spark.extraJars.map((j) => path.basename(j))).toEqual([
      "commons-pool2-2.13.1.jar",
      "kafka-clients-3.9.2.jar",
      "postgresql-42.7.14.jar",
      `spark-sql-kafka-0-10_2.13-${SPARK_VERSION}.jar`,
      `spark-token-provider-kafka-0-10_2.13-${SPARK_VERSION}.jar`,
    ]);
    for (const jar of spark.extraJars) expect(path.isAbsolute(jar) && fs.existsSync(jar)).toBe(true);

    const py = spawnSync(spark.python, ["-c", "import pyspark, py4j; print(pyspark.__version__, py4j.__version__)"], {
      encoding: "utf8",
    });
    expect(py.stdout.trim()).toBe(`${SPARK_VERSION} 0.10.9.9`);
  });

  it("runs: spark-submit --version reports the pinned release", () => {
    const spark = ensureSpark(env().WEIR_CACHE_DIR);
    const res = spawnSync(path.join(spark.sparkHome, "bin", "spark-submit"), ["--version"], {
      encoding: "utf8",
      timeout: 60_000,
      env: {
        ...process.env,
        SPARK_HOME: spark.sparkHome,
        ...(spark.javaHome ? { JAVA_HOME: spark.javaHome } : {}),
      },
    });
    expect(res.status).toBe(0);
    // The banner goes to stderr: "version 4.2.0" under the ASCII-art logo.
    expect(`${res.stdout}${res.stderr}`).toMatch(new RegExp(`version ${SPARK_VERSION.replace(/\./g, "\\.")}\\b`));
  });

  it("says how to fix a missing Python or JDK in one sentence", () => {
    const savedPath = process.env.PATH;
    const savedJavaHome = process.env.JAVA_HOME;
    try {
      process.env.PATH = "/nonexistent";
      expect(() => findPython()).toThrow(RuntimeSetupError);
      expect(() => findPython()).toThrow(/install python3 \(3\.10 or newer\)/);
      // A python3 that is too old, then one without ensurepip (Debian without python3-venv).
      const fake = fs.mkdtempSync(path.join(os.tmpdir(), "weir-fake-python-"));
      const python3 = path.join(fake, "python3");
      const script = (version: string, venvOk: boolean) =>
        `#!/bin/sh\ncase "$2" in *version_info*) echo ${version}; exit 0;; esac\nexit ${venvOk ? 0 : 1}\n`;
      process.env.PATH = fake;
      fs.writeFileSync(python3, script("3.9", true), { mode: 0o755 });
      expect(() => findPython()).toThrow(/^Python 3\.9 was found .*install python3 \(3\.10 or newer\)/);
      fs.writeFileSync(python3, script("3.11", false), { mode: 0o755 });
      expect(() => findPython()).toThrow(/apt-get install python3-venv/);
      fs.rmSync(fake, { recursive: true, force: true });

      process.env.PATH = savedPath;
      process.env.JAVA_HOME = "/nonexistent-jdk";
      resetEnv();
      expect(() => ensureSpark(env().WEIR_CACHE_DIR)).toThrow(/Java 17 or newer.*openjdk-17-jre-headless/);
    } finally {
      process.env.PATH = savedPath;
      if (savedJavaHome === undefined) delete process.env.JAVA_HOME;
      else process.env.JAVA_HOME = savedJavaHome;
      resetEnv();
    }
  });
});
