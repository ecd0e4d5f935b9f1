// One real PostgreSQL server for the whole run, with a migrated template database that each
// test file clones (see packages/db/src/testing.ts).
import { prepareTemplate, startTestPostgres, TEMPLATE_DB } from "@weir/db/testing";
import { env } from "@weir/env";
import { ensureConnectRuntime, ensureKafkaReleases } from "@weir/runtime/artifacts";
import { ensureSpark } from "@weir/runtime/spark-artifacts";
import { extractProtos } from "@weir/spark-connect";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // The pinned Kafka jars (every offered release), the Kafka Connect worker and plugins, and Spark (pyspark venv + connector jars), fetched once into the cache
  // before any test file starts brokers or engines (Spark's first install takes about 90 s).
  ensureKafkaReleases(env().WEIR_CACHE_DIR);
  await ensureConnectRuntime({ cacheDir: env().WEIR_CACHE_DIR });
  const spark = ensureSpark(env().WEIR_CACHE_DIR, { log: (line) => console.log(line) });
  await extractProtos(spark.connectJar, env().WEIR_CACHE_DIR);
  const server = await startTestPostgres();
  await prepareTemplate(server.url);
  project.provide("templateDatabaseUrl", server.url(TEMPLATE_DB));
  return async () => {
    await server.stop();
  };
}
