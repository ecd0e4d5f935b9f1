// The Kafka Connect contract between the runtime (pinned jars, worker processes, REST client,
// secrets) and the control plane (data model, API, reconcilers, console). Everything is exported
// from @weir/runtime.
//
// Notes for the control plane (names are the agreed ones; additions only):
// - LocalConnectRuntime and ensureConnectRuntime start processes / fetch jars. They are exported
//   here as agreed; nothing runs at import time, but only the controller, tests and benches
//   should call them (the console never does).
// - LocalConnectRuntime's constructor also takes `cacheDir` (where the pinned jars are; default
//   WEIR_CACHE_DIR). Its `secretsDir(clusterId)` and `pluginPath()` are what ConnectWorkerInput's
//   secretsDir and pluginPath should be; `removeWorker` stops a worker and deletes its folder
//   (scale-in). ensureWorker does not wait: poll `new ConnectRestClient(url).ready()`.
// - ConnectorStatus also has the connector's workerId; the controller's connect-connector/status.ts
//   shortens its traces (traceHead) for status lines.
// - Worker ids and cluster ids must match /^[A-Za-z0-9][A-Za-z0-9._-]*$/ (they name folders);
//   "secrets" is not a worker id.
// - LocalConnectRuntime also implements InstanceDriver (observe / logTail / onExit / deleteGroup)
//   so the controller's instance policy (restart back-off, adoption events, run intervals) works
//   on Connect workers like on Kafka nodes; "group" = clusterId, "name" = workerId.
// - connectWorkerAcls(username, clusterId) lists the worker user's ACLs: READ/DESCRIBE on its
//   group, READ/WRITE/DESCRIBE/DESCRIBE_CONFIGS/CREATE on its three internal topics (the worker
//   creates them if Weir did not). A connector gets its own Kafka user with
//   connectorClientOverrides(ref), where ref = await writeSecret(cluster, "<name>-kafka",
//   scramJaasConfig(user, password)); that user needs the connector's topics and, for a sink,
//   READ on the group `connect-<connector name>`. The worker allows overrides of the principal
//   only (connector.client.config.override.policy=Principal).
// - What real connectors do with a wrong database password (connect-local.test.ts): the Debezium
//   Postgres source's validation connects, so validate()/put() refuse it (400) with the
//   database's sentence ("password authentication failed for user …"); a source whose password
//   goes bad later retries forever with its task RUNNING (errors.max.retries does not stop it),
//   the reason only in the worker's log (readLog search). The JDBC sink does not connect at
//   validation: its task ends FAILED with Hibernate's "Unable to determine Dialect without JDBC
//   metadata", the database's sentence in the worker's log just before it.
// - CONNECT_REBALANCE_DELAY_MS: a dead worker's tasks move to the others after about this long
//   (plus the group's 10 s session timeout).
export {
  CONNECT_KAFKA_VERSION,
  CONNECT_PLUGINS,
  type ConnectPluginId,
  connectWorkerProperties,
  type ConnectWorkerInput,
  connectInternalTopics,
  connectWorkerAcls,
  connectorClientOverrides,
  CONNECT_INTERNAL_PARTITIONS,
  CONNECT_REBALANCE_DELAY_MS,
  scramJaasConfig,
  secretRef,
} from "./config.ts";
export { ConnectRestClient, ConnectError, type ConnectorStatus, type ConnectValidation } from "./rest.ts";
export type { ConnectArtifacts } from "./artifacts.ts";
// Fetching the pinned jars is `@weir/runtime/artifacts` (ensureConnectRuntime), the worker
// processes `@weir/runtime/local` (LocalConnectRuntime): the console loads neither.
export * from "./mirror.ts";
export { mirrorLag } from "./mirror-lag.ts";
export {
  connectJmxExporterYaml,
  connectorThroughput,
  parseConnectTaskMetrics,
  type ConnectorThroughput,
  type TaskThroughput,
} from "./metrics.ts";
