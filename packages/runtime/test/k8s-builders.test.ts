// The Kubernetes builders and status mappings as pure functions (their output is validated by the
// real API server in apps/controller/test/k8s.test.ts).
import { describe, expect, test } from "vitest";
import { initialNodes } from "../src/kafka/config.ts";
import {
  computeNamespace,
  computeQuotaHard,
  jobCredentialsSecret,
  memoryQuantity,
  observedJobFromSparkApplication,
  jobStatusFromSparkApplication,
  k8sName,
  nodePoolResources,
  sparkRestartPolicy,
  strimziClusterStatus,
  strimziOperation,
  strimziReleaseFor,
  type K8sObject,
} from "../src/k8s/index.ts";

const input = (brokers: number) => ({
  clusterId: "12345678-aaaa-4bbb-8ccc-000000000000",
  namespace: "weir",
  kafkaVersion: "3.9.2",
  nodes: initialNodes(brokers),
  storageGbPerBroker: 100,
  instanceType: { vcpu: 4, memoryGib: 16 },
  defaultReplication: 3,
  adminUsername: "admin",
});

describe("Strimzi builders", () => {
  test("the Strimzi release and API follow the Kafka version", () => {
    expect(strimziReleaseFor("3.9.2")).toMatchObject({ strimzi: "0.45", apiVersion: "kafka.strimzi.io/v1beta2" });
    expect(strimziReleaseFor("4.1.0")).toMatchObject({ strimzi: "0.48", kraftAnnotations: false });
    expect(strimziReleaseFor("4.2.0").apiVersion).toBe("kafka.strimzi.io/v1");
    expect(() => strimziReleaseFor("2.8.0")).toThrow(/No Strimzi release/);
  });

  test("node pools follow Weir's layout: combined nodes up to 3, else 3 dedicated controllers", () => {
    const pools = (n: number) =>
      nodePoolResources(input(n)).map((p) => [
        p.metadata.name.split("-").at(-1),
        (p.spec as { replicas: number }).replicas,
        p.metadata.annotations?.["strimzi.io/next-node-ids"],
      ]);
    expect(pools(1)).toEqual([["combined", 1, "[1-1]"]]);
    expect(pools(3)).toEqual([["combined", 3, "[1-3]"]]);
    expect(pools(5)).toEqual([
      ["controllers", 3, "[9001-9003]"],
      ["brokers", 5, "[1-8999]"],
    ]);
    const broker = nodePoolResources(input(5))[1]!.spec as Record<string, any>;
    expect(broker.resources.limits).toEqual({ cpu: "4", memory: "16Gi" });
    expect(broker.jvmOptions["-Xmx"]).toBe("4096m");
  });

  test("ACL operations and Kubernetes names", () => {
    expect(strimziOperation("DESCRIBE_CONFIGS")).toBe("DescribeConfigs");
    expect(strimziOperation("READ")).toBe("Read");
    expect(k8sName("weir-x", "Orders.v1_raw")).toMatch(/^weir-x-orders-v1-raw-[a-z0-9]+$/);
    expect(k8sName("weir-x", "a.b")).not.toBe(k8sName("weir-x", "a_b"));
  });
});

describe("Strimzi status", () => {
  const kafka = (status?: Record<string, unknown>, generation = 2) =>
    ({
      apiVersion: "kafka.strimzi.io/v1beta2",
      kind: "Kafka",
      metadata: { name: "k", namespace: "weir", generation },
      status,
    }) as K8sObject & { metadata: { generation: number }; status?: Record<string, unknown> };
  const pool = (nodeIds: number[], observed = 1) =>
    ({
      apiVersion: "kafka.strimzi.io/v1beta2",
      kind: "KafkaNodePool",
      metadata: { name: "p", namespace: "weir", generation: 1 },
      status: { nodeIds, observedGeneration: observed },
    }) as K8sObject & { metadata: { generation: number }; status?: Record<string, unknown> };
  const ready = { type: "Ready", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" };

  test("missing, not picked up, behind the spec, not ready, ready", () => {
    expect(strimziClusterStatus(null, [])).toMatchObject({ exists: false, ready: false });
    expect(strimziClusterStatus(kafka(), []).message).toMatch(/pick the cluster up/);
    expect(strimziClusterStatus(kafka({ observedGeneration: 1, conditions: [ready] }), []).message).toMatch(
      /apply the latest spec/,
    );
    expect(
      strimziClusterStatus(
        kafka({ observedGeneration: 2, conditions: [{ type: "NotReady", status: "True", message: "Pods pending" }] }),
        [],
      ).message,
    ).toBe("Pods pending");
    const s = strimziClusterStatus(
      kafka({ observedGeneration: 2, conditions: [ready], listeners: [{ name: "tls", bootstrapServers: "b:9093" }] }),
      [pool([3, 1]), pool([9001])],
    );
    expect(s).toMatchObject({ ready: true, bootstrapServers: "b:9093", nodeIds: [1, 3, 9001] });
    expect(s.readySince?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    // A pool the operator has not caught up with keeps the cluster not ready.
    expect(strimziClusterStatus(kafka({ observedGeneration: 2, conditions: [ready] }), [pool([1], 0)]).ready).toBe(
      false,
    );
  });
});

describe("SparkApplication", () => {
  test("restart policies", () => {
    expect(sparkRestartPolicy("never")).toEqual({ type: "Never" });
    expect(sparkRestartPolicy("on-failure")).toMatchObject({ type: "OnFailure", onFailureRetries: 5 });
    expect(sparkRestartPolicy("always")).toMatchObject({ type: "Always" });
  });

  test.each([
    [undefined, "QUEUED"],
    ["SUBMITTED", "STARTING"],
    ["PENDING_RERUN", "STARTING"],
    ["RUNNING", "RUNNING"],
    ["SUCCEEDING", "RUNNING"],
    ["FAILING", "RUNNING"],
    ["COMPLETED", "FINISHED"],
    ["FAILED", "FAILED"],
    ["SUBMISSION_FAILED", "FAILED"],
    ["UNKNOWN", "STARTING"],
  ])("applicationState %s → %s", (state, status) => {
    expect(jobStatusFromSparkApplication(state ? { applicationState: { state } } : undefined).status).toBe(status);
  });

  test("the error message is the reason of a failure", () => {
    const m = jobStatusFromSparkApplication({
      applicationState: { state: "SUBMISSION_FAILED", errorMessage: "image pull failed" },
    });
    expect(m.statusReason).toBe("The operator could not submit the application: image pull failed");
  });
});

describe("compute clusters and jobs on Kubernetes", () => {
  test("the quota is the plan: workers × the instance type, memory as the server writes it back", () => {
    expect(computeQuotaHard(3, { vcpu: 4, memoryGib: 16 })).toEqual({
      "requests.cpu": "12",
      "limits.cpu": "12",
      "requests.memory": "48Gi",
      "limits.memory": "48Gi",
    });
    expect(memoryQuantity(0.5)).toBe("512Mi");
    expect(computeNamespace("weir", "0f0e0d0c-0000-4000-8000-000000000001")).toBe("weir-cc-0f0e0d0c00");
    expect(computeNamespace("x".repeat(80), "0f0e0d0c-0000").length).toBeLessThanOrEqual(63);
  });

  test("a job's Secret holds only the credentials it has, base64", () => {
    const s = jobCredentialsSecret({
      jobId: "j",
      namespace: "n",
      credentials: { username: "weir-job-1", password: "pw" },
    });
    expect(s.data).toEqual({ "kafka-username": "d2Vpci1qb2ItMQ==", "kafka-password": "cHc=" });
  });

  test("the operator's states: running ones are metered from the submission, ended ones are terminal", () => {
    expect(
      observedJobFromSparkApplication({
        applicationState: { state: "RUNNING" },
        lastSubmissionAttemptTime: "2026-11-30T01:00:00Z",
        driverInfo: { webUIAddress: "10.0.0.1:4040" },
      }),
    ).toMatchObject({ status: "RUNNING", running: true, terminal: false, uiAddress: "10.0.0.1:4040" });
    expect(observedJobFromSparkApplication({ applicationState: { state: "PENDING_RERUN" } })).toMatchObject({
      running: false,
      terminal: false,
    });
    expect(observedJobFromSparkApplication({ applicationState: { state: "COMPLETED" } })).toMatchObject({
      status: "FINISHED",
      terminal: true,
    });
    expect(observedJobFromSparkApplication(undefined)).toMatchObject({ status: "QUEUED", startedAt: null });
  });
});
