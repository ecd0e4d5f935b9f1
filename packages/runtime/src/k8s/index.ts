// @weir/runtime/k8s: the Kubernetes drivers (Strimzi for Kafka, the Spark Operator for jobs), their
// pure builders and the API client. Loaded by the controller only when WEIR_RUNTIME=kubernetes
// clusters exist; the console never needs it.
export * from "./client.ts";
export * from "./strimzi.ts";
export * from "./strimzi-runtime.ts";
export * from "./spark-operator.ts";
export * from "./spark-compute.ts";
