// The apply-live-config step: the user's live broker configs (broker-config.ts in @weir/runtime)
// are the cluster-wide dynamic defaults of the cluster, set with one IncrementalAlterConfigs
// request when they differ and removed when the user removed them. Every pass compares, so a
// change made behind Weir's back is put right and an unchanged config costs one DescribeConfigs.
// A refusal is a warning event (once per distinct message) and does not hold up the other steps.
import { alterClusterDefaults, asBrokerConfig, clusterDefaultConfigs, liveConfigOps } from "@weir/runtime";
import { step } from "../../framework/pipeline.ts";
import type { ClusterPass } from "./types.ts";

const lastFailure = new Map<string, string>();

export const applyLiveConfig = step<ClusterPass>("apply-live-config", async (pass) => {
  if (!pass.admin || pass.kafka.error || pass.firstRun) return;
  try {
    const ops = liveConfigOps(asBrokerConfig(pass.cluster.brokerConfig), await clusterDefaultConfigs(pass.admin));
    if (ops.set.length === 0 && ops.remove.length === 0) {
      lastFailure.delete(pass.id);
      return;
    }
    await alterClusterDefaults(pass.admin, ops);
    lastFailure.delete(pass.id);
    const parts = [...ops.set.map(([k, v]) => `${k}=${v}`), ...ops.remove.map((k) => `${k} back to the default`)];
    await pass.event({
      type: "NORMAL",
      reason: "BrokerConfigApplied",
      message: `Applied live on every broker, no restart: ${parts.join(", ")}.`,
    });
  } catch (err) {
    const message = `The live broker configs are not applied yet: ${err instanceof Error ? err.message : String(err)}`;
    if (lastFailure.get(pass.id) === message) return;
    lastFailure.set(pass.id, message);
    await pass.event({ type: "WARNING", reason: "BrokerConfigNotApplied", message });
  }
});
