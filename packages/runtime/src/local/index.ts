// @weir/runtime/local: the drivers that run instances as processes of this host, and the one
// supervisor and port helpers they share. Only the controller, `pnpm start`, tests and benches
// load this; the console never does.
export { LocalSupervisor, stopAllLocalInstances, instanceDirs, type LaunchSpec } from "./supervisor.ts";
export { LocalKafkaRuntime, nodeMarker, type FastStart } from "./kafka.ts";
export { freePorts } from "./ports.ts";
export { newLocalClusterSpec } from "./spec.ts";
export { LocalSparkRuntime, type SparkHome } from "./spark.ts";
export { LocalJobRuntime } from "./jobs.ts";
export { LocalConnectRuntime, connectMarker } from "./connect.ts";
