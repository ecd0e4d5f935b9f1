// Start-up work that runs once per `pnpm start`, in a process of its own that exits when done
// (so the launcher, which lives as long as Weir, never holds the migration engine or the Prisma
// client): applies the migrations, seeds the price book, and makes sure the pinned Kafka jars,
// the Kafka Connect runtime and Spark runtime are in the cache (fetched on the first start). Compiled to dist/setup.mjs; the launcher runs it
// with DATABASE_URL set.
import { createDb } from "@weir/db";
import { applyMigrations } from "@weir/db/migrate";
import { seedPriceBook } from "@weir/domain";
import { env } from "@weir/env";
import { ensureConnectRuntime, ensureKafkaReleases, ensureSpark, RuntimeSetupError } from "@weir/runtime/artifacts";
import { LocalKafkaRuntime } from "@weir/runtime/local";
import { extractProtos } from "@weir/spark-connect";

const say = (msg: string) => console.log(`[weir] ${msg}`);

async function main() {
  const e = env();
  if (!e.DATABASE_URL) throw new Error("DATABASE_URL is not set: run Weir with `pnpm start`.");
  const applied = await applyMigrations(e.DATABASE_URL);
  say(applied.length ? `applied migrations: ${applied.join(", ")}` : "database schema is up to date");
  const db = createDb(e.DATABASE_URL, 2);
  try {
    const seeded = await seedPriceBook(db);
    if (seeded === "SEEDED") say("seeded price book version 1");
    if (seeded === "UPDATED") say("published a price book version with Weir's new default prices");
  } finally {
    await db.$disconnect();
  }
  // Every offered Kafka release (3.9.2 and 4.x, about 45 MB each), so creating or upgrading a
  // cluster never waits for Maven.
  const releases = ensureKafkaReleases(e.WEIR_CACHE_DIR);
  for (const kafka of releases) say(`Apache Kafka ${kafka.version} jars ready in ${kafka.libDir}`);
  // Brokers start from a class-data (AppCDS) archive of their release, made once per release and
  // JDK (a throwaway broker started and stopped, about 20 s) and reused by every start after.
  const local = new LocalKafkaRuntime({ dataDir: e.WEIR_DATA_DIR, cacheDir: e.WEIR_CACHE_DIR });
  for (const kafka of releases) {
    const archive = await local.classArchive(kafka.version).catch((e: unknown) => {
      say(`no class archive for Apache Kafka ${kafka.version} (brokers start without it): ${String(e)}`);
      return null;
    });
    if (archive) say(`Apache Kafka ${kafka.version} class archive ready`);
  }
  // Kafka Connect's worker and its plugins (Debezium, MirrorMaker 2): about 70 MB, fetched once.
  const connect = await ensureConnectRuntime({ cacheDir: e.WEIR_CACHE_DIR });
  say(`Kafka Connect ${connect.version} and its plugins ready`);
  // Spark for compute clusters: pyspark in a venv plus the connector jars. The first start
  // installs it (about 90 s, 525 MB); later starts reuse the cache offline.
  const spark = ensureSpark(e.WEIR_CACHE_DIR, { log: say });
  say(`Apache Spark ${spark.version} ready in ${spark.sparkHome}`);
  // The SQL workspace's client loads Spark Connect's protos from the pinned jar, extracted here.
  await extractProtos(spark.connectJar, e.WEIR_CACHE_DIR);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    // A missing JDK or Maven (RuntimeSetupError) is a sentence for the user, not a stack trace.
    const text =
      err instanceof RuntimeSetupError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    console.error(`[weir] could not start: ${text}`);
    process.exit(1);
  },
);
