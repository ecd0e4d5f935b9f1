// The Kafka Connect contract between the runtime (pinned jars, worker processes, REST client,
// secrets) and the control plane (data model, API, reconcilers, console). Everything is exported
// from @weir/runtime.
//
// Notes for the control plane (names are the agreed ones; additions only):
// - LocalConnectRuntime and ensureConnectRuntime start processes / fetch jars. They are exported
//   here as agreed; nothing runs at import time, but only the controller, tests and benches
//   should call them (the console never does).
// - LocalConnectRuntime's constructor also takes `cacheDir` (where the pinned jars are; default
//   WEIR_CACHE_DIR) and has `secretsDir(clusterId)`: pass it as ConnectWorkerInput.secretsDir.
// - LocalConnectRuntime also implements InstanceDriver (observe / logTail / onExit / deleteGroup)
//   so the controller's instance policy (restart back-off, adoption events, run intervals) works
//   on Connect workers like on Kafka nodes; "group" = clusterId, "name" = workerId.
// - The worker's Kafka user needs (see connectWorkerAcls): Read on its group; Read, Write,
//   Describe, DescribeConfigs, Create on its three internal topics; plus whatever its connectors
//   use unless each connector carries its own credential (connectorClientOverrides, with the JAAS
//   line stored as a secret through writeSecret).
export {
  CONNECT_KAFKA_VERSION,
  CONNECT_PLUGINS,
  type ConnectPluginId,
  connectWorkerProperties,
  type ConnectWorkerInput,
  connectInternalTopics,
  connectWorkerAcls,
  connectorClientOverrides,
  scramJaasConfig,
  secretRef,
} from "./config.ts";
export { ConnectRestClient, ConnectError, type ConnectorStatus, type ConnectValidation } from "./rest.ts";
export { ensureConnectRuntime, type ConnectArtifacts } from "./artifacts.ts";
export { LocalConnectRuntime } from "../local/connect.ts";
