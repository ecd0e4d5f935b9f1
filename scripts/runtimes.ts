// `pnpm runtimes:fetch` fetches the pinned Kafka jars into the cache (the first `pnpm start` and
// the test setup do this too); `pnpm runtimes:lock` re-pins their checksums after a version change.
import { env } from "@weir/env";
import { ensureKafka, lockKafka, RuntimeSetupError } from "@weir/runtime/artifacts";

try {
  if (process.argv[2] === "lock") {
    console.log(`pinned ${lockKafka()}`);
  } else {
    const kafka = ensureKafka(env().WEIR_CACHE_DIR);
    console.log(`Kafka ${kafka.version} ready in ${kafka.libDir}`);
  }
} catch (err) {
  if (err instanceof RuntimeSetupError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
