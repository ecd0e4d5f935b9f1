// The cluster-wide dynamic broker configs (Kafka's default broker resource, name ""): what is set
// there, and changing it. Every broker applies them live; the controller keeps them equal to the
// user's live overrides (broker-config.ts liveConfigOps). Raw protocol requests on the Admin's
// shared connection: @platformatic/kafka's Admin sends a BROKER resource to the broker whose id is
// its name, and the default resource has none.
import {
  ConfigResourceTypes,
  ConfigSources,
  IncrementalAlterConfigOperationTypes,
  describeConfigsV4,
  incrementalAlterConfigsV1,
} from "@platformatic/kafka";
import type { KafkaAdmin } from "./admin.ts";
import { KafkaRequestError, kafkaRefusal } from "./errors.ts";

const DEFAULT_BROKER = { resourceType: ConfigResourceTypes.BROKER, resourceName: "" };

/** The cluster-wide dynamic defaults set on the cluster (only those, not static or built-in values). */
export async function clusterDefaultConfigs(admin: KafkaAdmin): Promise<Record<string, string>> {
  const res = await admin.withConnection((c) =>
    describeConfigsV4.api.async(c, [{ ...DEFAULT_BROKER, configurationKeys: null }], false, false),
  );
  const result = res.results[0];
  if (!result || result.errorCode !== 0) {
    throw new Error(`Kafka did not describe the cluster-wide configs: ${result?.errorMessage ?? result?.errorCode}`);
  }
  const out: Record<string, string> = {};
  for (const c of result.configs) {
    if (c.configSource === ConfigSources.DYNAMIC_DEFAULT_BROKER_CONFIG && typeof c.value === "string") {
      out[c.name] = c.value;
    }
  }
  return out;
}

/** Sets and removes cluster-wide dynamic defaults in one IncrementalAlterConfigs request. */
export async function alterClusterDefaults(
  admin: KafkaAdmin,
  ops: { set: [string, string][]; remove: string[] },
): Promise<void> {
  if (ops.set.length === 0 && ops.remove.length === 0) return;
  const configs = [
    ...ops.set.map(([name, value]) => ({ name, value, configOperation: IncrementalAlterConfigOperationTypes.SET })),
    ...ops.remove.map((name) => ({ name, configOperation: IncrementalAlterConfigOperationTypes.DELETE })),
  ];
  let res;
  try {
    res = await admin.withConnection((c) =>
      incrementalAlterConfigsV1.api.async(c, [{ ...DEFAULT_BROKER, configs }], false),
    );
  } catch (e) {
    // @platformatic/kafka throws on a per-resource error code: Kafka's own sentence is inside.
    const refusal = kafkaRefusal(e);
    if (refusal) throw new KafkaRequestError(refusal);
    throw e;
  }
  const failed = res.responses.find((r) => r.errorCode !== 0);
  if (failed) throw new Error(`Kafka refused the cluster-wide configs: ${failed.errorMessage ?? failed.errorCode}`);
}
