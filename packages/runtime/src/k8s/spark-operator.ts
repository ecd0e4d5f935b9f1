// Pure builder of a Weir job as a Spark Operator `SparkApplication` (sparkoperator.k8s.io/v1beta2),
// and the mapping of its status back to Weir's job statuses. The same job runner the local driver
// starts (spark/runner/weir_job_runner.py) is the main file, baked into Weir's job image with the
// pinned connector jars; the job's spec reaches it as a ConfigMap mounted into the driver.
// KubernetesSparkJobs applies, observes and deletes them.
import { SPARK_VERSION } from "../versions.ts";
import type { KubernetesClient } from "./client.ts";
import { MANAGED_BY, type K8sObject } from "./strimzi.ts";

export const SPARK_API_VERSION = "sparkoperator.k8s.io/v1beta2";
export const JOB_ID_LABEL = "weir.dev/job-id";
/** Where Weir's job image keeps the runner and the connector jars. */
export const IMAGE_RUNNER = "local:///opt/weir/weir_job_runner.py";
export const IMAGE_JARS = "local:///opt/weir/jars";
const SPEC_MOUNT = "/etc/weir/job";

export type JobRestartPolicy = "never" | "on-failure" | "always";

export interface SparkApplicationInput {
  jobId: string;
  computeClusterId: string;
  namespace: string;
  /** Weir's job image: Spark + Python + the runner + the connector jars. */
  image: string;
  /** File names of the pinned connector jars (infra/runtimes/spark), in the image under IMAGE_JARS. */
  connectorJars: string[];
  /** The ConfigMap holding the job's spec as job-spec.json (written by the driver, no secrets). */
  specConfigMap: string;
  cores: number;
  driverMemoryMb: number;
  executorMemoryMb: number;
  executors: number;
  restartPolicy: JobRestartPolicy;
  serviceAccount: string;
}

export const sparkApplicationName = (jobId: string) => `weir-job-${jobId.replace(/-/g, "").slice(0, 20)}`;

/** The job's restart policy in the operator's terms (retries as the local instance policy does). */
export function sparkRestartPolicy(p: JobRestartPolicy): Record<string, unknown> {
  switch (p) {
    case "never":
      return { type: "Never" };
    case "on-failure":
      return {
        type: "OnFailure",
        onFailureRetries: 5,
        onFailureRetryInterval: 10,
        onSubmissionFailureRetries: 3,
        onSubmissionFailureRetryInterval: 20,
      };
    case "always":
      return { type: "Always", onFailureRetryInterval: 10, onSubmissionFailureRetryInterval: 20 };
  }
}

export function sparkApplicationResource(input: SparkApplicationInput): K8sObject {
  const labels = { ...MANAGED_BY, [JOB_ID_LABEL]: input.jobId, "weir.dev/compute-cluster-id": input.computeClusterId };
  const volumeMounts = [{ name: "job-spec", mountPath: SPEC_MOUNT, readOnly: true }];
  return {
    apiVersion: SPARK_API_VERSION,
    kind: "SparkApplication",
    metadata: { name: sparkApplicationName(input.jobId), namespace: input.namespace, labels },
    spec: {
      type: "Python",
      mode: "cluster",
      image: input.image,
      imagePullPolicy: "IfNotPresent",
      sparkVersion: SPARK_VERSION,
      mainApplicationFile: IMAGE_RUNNER,
      arguments: [`${SPEC_MOUNT}/job-spec.json`],
      deps: { jars: input.connectorJars.map((j) => `${IMAGE_JARS}/${j}`) },
      sparkConf: {
        "spark.sql.streaming.metricsEnabled": "true",
        "spark.sql.shuffle.partitions": String(Math.max(2, input.cores * input.executors)),
      },
      restartPolicy: sparkRestartPolicy(input.restartPolicy),
      volumes: [{ name: "job-spec", configMap: { name: input.specConfigMap } }],
      driver: {
        cores: 1,
        memory: `${input.driverMemoryMb}m`,
        serviceAccount: input.serviceAccount,
        labels,
        volumeMounts,
      },
      executor: {
        cores: input.cores,
        instances: input.executors,
        memory: `${input.executorMemoryMb}m`,
        labels,
      },
    },
  };
}

export type WeirJobStatus = "QUEUED" | "STARTING" | "RUNNING" | "FINISHED" | "FAILED";

export interface SparkApplicationStatus {
  applicationState?: { state?: string; errorMessage?: string };
  driverInfo?: { webUIAddress?: string; webUIIngressAddress?: string; podName?: string };
  sparkApplicationId?: string;
  executionAttempts?: number;
}

export interface MappedJobStatus {
  status: WeirJobStatus;
  statusReason: string;
  applicationId: string | null;
  /** The Spark UI, if the operator exposed it. */
  uiAddress: string | null;
  attempts: number;
}

/** A SparkApplication's status as Weir's job status (pure; the operator's states are listed in full). */
export function jobStatusFromSparkApplication(status: SparkApplicationStatus | undefined): MappedJobStatus {
  const state = status?.applicationState?.state ?? "";
  const error = status?.applicationState?.errorMessage?.trim() || null;
  const base = {
    applicationId: status?.sparkApplicationId ?? null,
    uiAddress: status?.driverInfo?.webUIIngressAddress ?? status?.driverInfo?.webUIAddress ?? null,
    attempts: status?.executionAttempts ?? 0,
  };
  const out = (s: WeirJobStatus, statusReason: string): MappedJobStatus => ({ ...base, status: s, statusReason });
  switch (state) {
    case "":
    case "NEW":
      return out("QUEUED", "Waiting for the Spark Operator to submit the application");
    case "SUBMITTED":
      return out("STARTING", "Submitted; the driver pod is starting");
    case "PENDING_RERUN":
      return out("STARTING", `Restarting per the restart policy${error ? ` after: ${error}` : ""}`);
    case "INVALIDATING":
      return out("STARTING", "The spec changed; the operator is resubmitting the application");
    case "RUNNING":
      return out("RUNNING", "Running");
    case "SUCCEEDING":
      return out("RUNNING", "The driver finished; executors are stopping");
    case "FAILING":
      return out("RUNNING", `The driver failed${error ? `: ${error}` : ""}; the restart policy decides what next`);
    case "COMPLETED":
      return out("FINISHED", "Completed");
    case "FAILED":
      return out("FAILED", error ?? "The application failed");
    case "SUBMISSION_FAILED":
      return out("FAILED", `The operator could not submit the application${error ? `: ${error}` : ""}`);
    default:
      return out("STARTING", `The Spark Operator reports ${state}${error ? `: ${error}` : ""}`);
  }
}

/** The job's spec for the runner, mounted into the driver (Kafka credentials come from a Secret). */
export function jobSpecConfigMap(input: { jobId: string; namespace: string; name: string; spec: unknown }): K8sObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: input.name, namespace: input.namespace, labels: { ...MANAGED_BY, [JOB_ID_LABEL]: input.jobId } },
    data: { "job-spec.json": JSON.stringify(input.spec) },
  };
}

/**
 * Jobs on the Spark Operator: a job's spec ConfigMap and SparkApplication applied (server-side,
 * strict), its status read back and mapped, everything labelled with the job's id deleted. The Job
 * reconciler does not use it yet.
 */
export class KubernetesSparkJobs {
  constructor(
    private readonly client: KubernetesClientLike,
    readonly namespace: string,
  ) {}

  async apply(input: Omit<SparkApplicationInput, "namespace" | "specConfigMap">, spec: unknown): Promise<void> {
    const specConfigMap = `${sparkApplicationName(input.jobId)}-spec`;
    await this.client.apply(
      jobSpecConfigMap({ jobId: input.jobId, namespace: this.namespace, name: specConfigMap, spec }),
    );
    await this.client.apply(sparkApplicationResource({ ...input, namespace: this.namespace, specConfigMap }));
  }

  /** Null when the application does not exist (never applied, or deleted). */
  async observe(jobId: string): Promise<MappedJobStatus | null> {
    const app = await this.client.read<K8sObject & { status?: SparkApplicationStatus }>({
      apiVersion: SPARK_API_VERSION,
      kind: "SparkApplication",
      metadata: { name: sparkApplicationName(jobId), namespace: this.namespace },
    });
    return app ? jobStatusFromSparkApplication(app.status) : null;
  }

  async delete(jobId: string): Promise<void> {
    const selector = `${JOB_ID_LABEL}=${jobId}`;
    for (const [apiVersion, kind] of [
      [SPARK_API_VERSION, "SparkApplication"],
      ["v1", "ConfigMap"],
    ] as const) {
      for (const o of await this.client.list<K8sObject>(apiVersion, kind, this.namespace, selector)) {
        await this.client.delete({ apiVersion, kind, metadata: { name: o.metadata.name, namespace: this.namespace } });
      }
    }
  }
}

type KubernetesClientLike = Pick<KubernetesClient, "apply" | "read" | "list" | "delete">;
