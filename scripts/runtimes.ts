// `pnpm runtimes:fetch` fetches the pinned runtimes into the cache: the Kafka jars (3.9.2 and 4.x), the Kafka
// Connect worker and its plugins, and Spark (pyspark in a venv plus the connector jars). The first `pnpm start` and the test setup do this
// too; afterwards everything is reused offline. `pnpm runtimes:lock` re-pins both after a
// version change (jar checksums of Kafka and Connect, and the pip hashes of pyspark, py4j and setuptools).
import { env } from "@weir/env";
import {
  ensureConnectRuntime,
  ensureKafkaReleases,
  lockConnect,
  lockKafka,
  RuntimeSetupError,
} from "@weir/runtime/artifacts";
import { ensureSpark, lockSpark } from "@weir/runtime/spark-artifacts";

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

try {
  if (process.argv[2] === "lock") {
    for (const file of lockKafka()) console.log(`pinned ${file}`);
    for (const file of lockConnect()) console.log(`pinned ${file}`);
    console.log("re-pinning Spark (downloads the 450 MB pyspark source again)…");
    for (const file of lockSpark()) console.log(`pinned ${file}`);
  } else {
    const cacheDir = env().WEIR_CACHE_DIR;
    let t = Date.now();
    for (const kafka of ensureKafkaReleases(cacheDir)) console.log(`Kafka ${kafka.version} ready in ${kafka.libDir}`);
    console.log(`  (${seconds(t)})`);
    t = Date.now();
    const connect = await ensureConnectRuntime({ cacheDir });
    console.log(`Kafka Connect ${connect.version} and ${connect.pluginPath.length} plugins ready (${seconds(t)})`);
    for (const dir of connect.pluginPath) console.log(`  plugin ${dir}`);
    t = Date.now();
    const spark = ensureSpark(cacheDir, { log: (line) => console.log(line) });
    console.log(`Spark ${spark.version} ready in ${spark.sparkHome} (${seconds(t)})`);
    console.log(`  python ${spark.python}`);
    for (const jar of spark.extraJars) console.log(`  jar ${jar}`);
  }
} catch (err) {
  if (err instanceof RuntimeSetupError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
