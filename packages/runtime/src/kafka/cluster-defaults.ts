// The cluster-wide dynamic broker configs (Kafka's default broker resource, name ""): what is set
// there, and changing it. Every broker applies them live; the controller keeps them equal to the
// user's live overrides (broker-config.ts liveConfigOps).
import { ConfigResourceTypes, ConfigSources, IncrementalAlterConfigOperationTypes } from "@platformatic/kafka";
import type { KafkaAdmin } from "./admin.ts";

const DEFAULT_BROKER = { resourceType: ConfigResourceTypes.BROKER, resourceName: "" };

/** The cluster-wide dynamic defaults set on the cluster (only those, not static or built-in values). */
export async function clusterDefaultConfigs(admin: KafkaAdmin): Promise<Record<string, string>> {
  const res = await admin.admin.describeConfigs({ resources: [{ ...DEFAULT_BROKER, configurationKeys: [] }] });
  const out: Record<string, string> = {};
  for (const c of res[0]?.configs ?? []) {
    if (c.configSource === ConfigSources.DYNAMIC_DEFAULT_BROKER_CONFIG && typeof c.value === "string")
      out[c.name] = c.value;
  }
  return out;
}

/** Sets and removes cluster-wide dynamic defaults in one IncrementalAlterConfigs request. */
export async function alterClusterDefaults(
  admin: KafkaAdmin,
  ops: { set: [string, string][]; remove: string[] },
): Promise<void> {
  if (ops.set.length === 0 && ops.remove.length === 0) return;
  await admin.admin.incrementalAlterConfigs({
    resources: [
      {
        ...DEFAULT_BROKER,
        configs: [
          ...ops.set.map(([name, value]) => ({
            name,
            value,
            configOperation: IncrementalAlterConfigOperationTypes.SET,
          })),
          ...ops.remove.map((name) => ({ name, configOperation: IncrementalAlterConfigOperationTypes.DELETE })),
        ],
      },
    ],
  });
}
