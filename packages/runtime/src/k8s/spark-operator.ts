// A Weir job as a Spark Operator `SparkApplication` (sparkoperator.k8s.io/v1beta2): pure builders
// of the application, its spec ConfigMap and its credentials Secret, the mapping of its status back
// to Weir's job statuses, and KubernetesSparkJobs (the DeclarativeJobRuntime the Job reconciler
// drives). The same job runner the local driver starts (spark/runner/weir_job_runner.py) is the
// main file, baked into Weir's job image with the pinned connector jars; the job's spec (no secret)
// is a ConfigMap mounted into the driver, its Kafka and sink credentials a Secret the driver reads
// as env vars (valueFrom secretKeyRef), never logged. Jobs run in their compute cluster's namespace.
import type { KubeConfig } from "@kubernetes/client-node";
import { jobSpecJson } from "../spark/job.ts";
import {
  runnerSpec,
  type DeclarativeJobRuntime,
  type DeclarativeJobSpec,
  type JobCredentials,
  type ObservedJob,
} from "../spark/job-runtime.ts";
import { SPARK_VERSION } from "../versions.ts";
import { infraDir, readPinnedChecksums } from "../pinned-jars.ts";
import { KubernetesClient } from "./client.ts";
import { COMPUTE_CLUSTER_ID_LABEL, computeNamespace, SPARK_SERVICE_ACCOUNT } from "./spark-compute.ts";
import { kafkaResourceName, MANAGED_BY, type K8sObject } from "./strimzi.ts";

export const SPARK_API_VERSION = "sparkoperator.k8s.io/v1beta2";
export const JOB_ID_LABEL = "weir.dev/job-id";
/** The job's attempt an application runs (a new attempt is a new application, with a new checkpoint). */
export const JOB_ATTEMPT_LABEL = "weir.dev/job-attempt";
/** Where Weir's job image keeps the runner and the connector jars. */
export const IMAGE_RUNNER = "local:///opt/weir/weir_job_runner.py";
export const IMAGE_JARS = "local:///opt/weir/jars";
const SPEC_MOUNT = "/etc/weir/job";
/** The job's directory in the driver pod: checkpoint, progress, a batch job's result. */
export const POD_JOB_DIR = "/var/weir/job";
const KAFKA_CA_MOUNT = "/etc/weir/kafka-ca";
/** The pinned connector jars baked into the job image: the same checksums file the local driver installs from. */
export const connectorJarNames = () => [
  ...readPinnedChecksums({ label: "Spark connector", dir: infraDir("spark") }).keys(),
];
/** The env vars the runner reads its credentials from, and their keys in the job's Secret. */
const CREDENTIAL_ENV: [keyof JobCredentials, string, string][] = [
  ["username", "WEIR_KAFKA_USERNAME", "kafka-username"],
  ["password", "WEIR_KAFKA_PASSWORD", "kafka-password"],
  ["jdbcUser", "WEIR_JDBC_USER", "jdbc-user"],
  ["jdbcPassword", "WEIR_JDBC_PASSWORD", "jdbc-password"],
];

export type JobRestartPolicy = "never" | "on-failure" | "always";

export interface SparkApplicationInput {
  jobId: string;
  /** The job's attempt, labelled on the application. */
  attempt?: number;
  computeClusterId: string;
  namespace: string;
  /** Weir's job image: Spark + Python + the runner + the connector jars. */
  image: string;
  /** File names of the pinned connector jars (infra/runtimes/spark), in the image under IMAGE_JARS. */
  connectorJars: string[];
  /** The ConfigMap holding the job's spec as job-spec.json (written by the driver, no secrets). */
  specConfigMap: string;
  /** The Secret holding the job's credentials: its keys become the driver's env (valueFrom). */
  credentialsSecret?: { name: string; keys: string[] };
  /** A Secret with the Kafka brokers' CA as ca.crt, mounted into driver and executors. */
  kafkaCaSecret?: string;
  /** Where the job's directory (checkpoint) lives: a PVC (subPath per job and attempt), else the pod's own disk. */
  checkpointClaim?: { name: string; subPath: string };
  cores: number;
  driverMemoryMb: number;
  executorMemoryMb: number;
  executors: number;
  restartPolicy: JobRestartPolicy;
  serviceAccount: string;
}

export const sparkApplicationName = (jobId: string) => `weir-job-${jobId.replace(/-/g, "").slice(0, 20)}`;
export const specConfigMapName = (jobId: string) => `${sparkApplicationName(jobId)}-spec`;
export const credentialsSecretName = (jobId: string) => `${sparkApplicationName(jobId)}-credentials`;
export const kafkaCaSecretName = (jobId: string) => `${sparkApplicationName(jobId)}-kafka-ca`;
/** Strimzi's Secret with the cluster CA's certificate (ca.crt), next to its Kafka resource. */
export const strimziCaSecretName = (kafkaClusterId: string) => `${kafkaResourceName(kafkaClusterId)}-cluster-ca-cert`;

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
  const labels = { ...MANAGED_BY, [JOB_ID_LABEL]: input.jobId, [COMPUTE_CLUSTER_ID_LABEL]: input.computeClusterId };
  const ca = input.kafkaCaSecret;
  const appLabels = input.attempt === undefined ? labels : { ...labels, [JOB_ATTEMPT_LABEL]: String(input.attempt) };
  const volumeMounts = [
    { name: "job-spec", mountPath: SPEC_MOUNT, readOnly: true },
    {
      name: "job-dir",
      mountPath: POD_JOB_DIR,
      ...(input.checkpointClaim ? { subPath: input.checkpointClaim.subPath } : {}),
    },
    ...(ca ? [{ name: "kafka-ca", mountPath: KAFKA_CA_MOUNT, readOnly: true }] : []),
  ];
  const env = (input.credentialsSecret?.keys ?? []).map((key) => ({
    name: CREDENTIAL_ENV.find(([, , k]) => k === key)![1],
    valueFrom: { secretKeyRef: { name: input.credentialsSecret!.name, key } },
  }));
  return {
    apiVersion: SPARK_API_VERSION,
    kind: "SparkApplication",
    metadata: { name: sparkApplicationName(input.jobId), namespace: input.namespace, labels: appLabels },
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
      volumes: [
        { name: "job-spec", configMap: { name: input.specConfigMap } },
        input.checkpointClaim
          ? { name: "job-dir", persistentVolumeClaim: { claimName: input.checkpointClaim.name } }
          : { name: "job-dir", emptyDir: {} },
        ...(ca ? [{ name: "kafka-ca", secret: { secretName: ca } }] : []),
      ],
      driver: {
        cores: 1,
        memory: `${input.driverMemoryMb}m`,
        serviceAccount: input.serviceAccount,
        labels,
        volumeMounts,
        ...(env.length > 0 ? { env } : {}),
      },
      executor: {
        cores: input.cores,
        instances: input.executors,
        memory: `${input.executorMemoryMb}m`,
        labels,
        // Executors run the Kafka consumers: they need the brokers' CA too.
        ...(ca ? { volumeMounts: [{ name: "kafka-ca", mountPath: KAFKA_CA_MOUNT, readOnly: true }] } : {}),
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
  /** When the operator last submitted the application (the driver's run starts then). */
  lastSubmissionAttemptTime?: string;
  terminationTime?: string;
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

/** States in which a driver runs (metered); and states the operator leaves the application in. */
const RUNNING_STATES = new Set(["RUNNING", "SUCCEEDING", "FAILING"]);

/** The operator's status as what a declarative job driver reports (pure). */
export function observedJobFromSparkApplication(
  status: SparkApplicationStatus | undefined,
  labels: Record<string, string> = {},
): ObservedJob {
  const m = jobStatusFromSparkApplication(status);
  const state = status?.applicationState?.state ?? "";
  const submitted = status?.lastSubmissionAttemptTime ? new Date(status.lastSubmissionAttemptTime) : null;
  return {
    status: m.status,
    statusReason: m.statusReason,
    running: RUNNING_STATES.has(state),
    startedAt: submitted && Number.isFinite(submitted.getTime()) ? submitted : null,
    terminal: m.status === "FINISHED" || m.status === "FAILED",
    jobAttempt: /^\d+$/.test(labels[JOB_ATTEMPT_LABEL] ?? "") ? Number(labels[JOB_ATTEMPT_LABEL]) : null,
    applicationId: m.applicationId,
    uiAddress: m.uiAddress,
    attempts: m.attempts,
  };
}

/** The job's spec for the runner, mounted into the driver (jobSpecJson refuses anything secret). */
export function jobSpecConfigMap(input: { jobId: string; namespace: string; name: string; spec: unknown }): K8sObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: input.name, namespace: input.namespace, labels: { ...MANAGED_BY, [JOB_ID_LABEL]: input.jobId } },
    data: { "job-spec.json": typeof input.spec === "string" ? input.spec : JSON.stringify(input.spec) },
  };
}

/** The job's credentials as a Secret (only the ones it has); its keys become the driver's env. */
export function jobCredentialsSecret(input: {
  jobId: string;
  namespace: string;
  credentials: JobCredentials;
}): K8sObject & { data: Record<string, string> } {
  const data: Record<string, string> = {};
  for (const [field, , key] of CREDENTIAL_ENV) {
    const v = input.credentials[field];
    if (v !== undefined && v !== null) data[key] = Buffer.from(v).toString("base64");
  }
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: credentialsSecretName(input.jobId),
      namespace: input.namespace,
      labels: { ...MANAGED_BY, [JOB_ID_LABEL]: input.jobId },
    },
    type: "Opaque",
    data,
  };
}

/** The Kafka cluster's CA is not there yet (Strimzi writes it when it first reconciles the cluster). */
export class KafkaCaMissingError extends Error {}

export interface KubernetesSparkJobsOptions {
  /** Weir's job image: Spark + Python + the runner + the connector jars. */
  image: string;
  /** A ReadWriteMany PVC in each compute namespace for checkpoints; unset: the driver pod's own disk. */
  checkpointClaim?: string;
  /** The executors per job (each with the job's cores). */
  executors?: number;
}

export const DEFAULT_JOB_IMAGE = `weir-spark-job:${SPARK_VERSION}`;

type KubernetesClientLike = Pick<KubernetesClient, "apply" | "read" | "list" | "delete">;

/**
 * Jobs on the Spark Operator, in their compute cluster's namespace: a job's spec ConfigMap,
 * credentials Secret, a copy of its Strimzi cluster's CA and the SparkApplication applied
 * (server-side, strict), its status read back and mapped; stopping deletes the application,
 * removing deletes everything labelled with the job's id.
 */
export class KubernetesSparkJobs implements DeclarativeJobRuntime {
  readonly kind = "kubernetes" as const;
  private readonly client: KubernetesClientLike;
  private readonly opts: Required<Omit<KubernetesSparkJobsOptions, "checkpointClaim">> &
    Pick<KubernetesSparkJobsOptions, "checkpointClaim">;

  constructor(
    kc: KubeConfig | KubernetesClientLike,
    /** WEIR_K8S_NAMESPACE: Strimzi's resources are there, compute namespaces are named after it. */
    readonly baseNamespace: string,
    opts: Partial<KubernetesSparkJobsOptions> = {},
  ) {
    this.client = "apply" in kc ? kc : new KubernetesClient(kc);
    this.opts = { image: opts.image ?? DEFAULT_JOB_IMAGE, executors: opts.executors ?? 1, ...opts };
  }

  namespaceOf(computeClusterId: string): string {
    return computeNamespace(this.baseNamespace, computeClusterId);
  }

  async applyJob(spec: DeclarativeJobSpec): Promise<void> {
    const namespace = this.namespaceOf(spec.computeClusterId);
    const { jobId } = spec;
    let run = spec.run;
    let kafkaCaSecret: string | undefined;
    if (spec.kafkaClusterId && run.kafka) {
      kafkaCaSecret = await this.copyKafkaCa(spec.kafkaClusterId, jobId, namespace);
      run = { ...run, kafka: { ...run.kafka, securityProtocol: "SASL_SSL", truststore: `${KAFKA_CA_MOUNT}/ca.crt` } };
    }
    await this.client.apply(
      jobSpecConfigMap({
        jobId,
        namespace,
        name: specConfigMapName(jobId),
        spec: jobSpecJson(runnerSpec(jobId, POD_JOB_DIR, run)),
      }),
    );
    const secret = jobCredentialsSecret({ jobId, namespace, credentials: spec.credentials });
    await this.client.apply(secret);
    await this.client.apply(
      sparkApplicationResource({
        jobId,
        attempt: spec.attempt,
        computeClusterId: spec.computeClusterId,
        namespace,
        image: this.opts.image,
        connectorJars: connectorJarNames(),
        specConfigMap: specConfigMapName(jobId),
        credentialsSecret: { name: secret.metadata.name, keys: Object.keys(secret.data) },
        ...(kafkaCaSecret ? { kafkaCaSecret } : {}),
        ...(this.opts.checkpointClaim
          ? { checkpointClaim: { name: this.opts.checkpointClaim, subPath: `${jobId}/attempt-${spec.attempt}` } }
          : {}),
        cores: spec.cores,
        driverMemoryMb: spec.driverMemoryMb,
        executorMemoryMb: spec.executorMemoryMb,
        executors: this.opts.executors,
        restartPolicy: spec.restartPolicy,
        serviceAccount: SPARK_SERVICE_ACCOUNT,
      }),
    );
  }

  /** Strimzi's cluster CA (a public certificate) copied next to the job: a pod mounts Secrets of its own namespace only. */
  private async copyKafkaCa(kafkaClusterId: string, jobId: string, namespace: string): Promise<string> {
    const source = await this.client.read<K8sObject & { data?: Record<string, string> }>({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: strimziCaSecretName(kafkaClusterId), namespace: this.baseNamespace },
    });
    const crt = source?.data?.["ca.crt"];
    if (!crt) {
      throw new KafkaCaMissingError(
        `Strimzi has not written the Kafka cluster's CA (Secret ${this.baseNamespace}/${strimziCaSecretName(kafkaClusterId)}) yet`,
      );
    }
    const name = kafkaCaSecretName(jobId);
    await this.client.apply({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name, namespace, labels: { ...MANAGED_BY, [JOB_ID_LABEL]: jobId } },
      type: "Opaque",
      data: { "ca.crt": crt },
    });
    return name;
  }

  async observeJob(computeClusterId: string, jobId: string): Promise<ObservedJob | null> {
    const app = await this.client.read<K8sObject & { status?: SparkApplicationStatus }>({
      apiVersion: SPARK_API_VERSION,
      kind: "SparkApplication",
      metadata: { name: sparkApplicationName(jobId), namespace: this.namespaceOf(computeClusterId) },
    });
    return app ? observedJobFromSparkApplication(app.status, app.metadata.labels) : null;
  }

  /** The application goes (the operator deletes its pods); spec and credentials stay for a start. */
  async stopDriver(computeClusterId: string, jobId: string): Promise<void> {
    await this.client.delete({
      apiVersion: SPARK_API_VERSION,
      kind: "SparkApplication",
      metadata: { name: sparkApplicationName(jobId), namespace: this.namespaceOf(computeClusterId) },
    });
  }

  async removeJob(computeClusterId: string, jobId: string): Promise<void> {
    const namespace = this.namespaceOf(computeClusterId);
    const selector = `${JOB_ID_LABEL}=${jobId}`;
    for (const [apiVersion, kind] of [
      [SPARK_API_VERSION, "SparkApplication"],
      ["v1", "ConfigMap"],
      ["v1", "Secret"],
    ] as const) {
      for (const o of await this.client.list<K8sObject>(apiVersion, kind, namespace, selector)) {
        await this.client.delete({ apiVersion, kind, metadata: { name: o.metadata.name, namespace } });
      }
    }
  }
}
