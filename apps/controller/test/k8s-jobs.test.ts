// Compute clusters and jobs on Kubernetes against a real API server (the same setup as
// k8s.test.ts: kube-apiserver and etcd built from the Go module proxy, the Spark Operator's and
// Strimzi's own CRDs). A compute cluster is a namespace with a ResourceQuota and a LimitRange; a job
// is a SparkApplication with its spec in a ConfigMap and its credentials in a Secret. No operator
// runs here: the test stands in for Strimzi and the Spark Operator by writing `status` through the
// /status subresource, as they would. Everything else is real: the REST handlers, Postgres, the
// controller's reconcilers, the drivers' server-side apply with strict validation, the CRDs' schemas.
import { seedPriceBook } from "@weir/domain";
import { resetEnv } from "@weir/env";
import {
  computeNamespace,
  credentialsSecretName,
  kafkaResourceName,
  KubernetesClient,
  KubernetesComputeRuntime,
  KubernetesKafkaRuntime,
  KubernetesSparkJobs,
  LIMIT_RANGE_NAME,
  memoryQuantity,
  poolName,
  QUOTA_NAME,
  sparkApplicationName,
  specConfigMapName,
  strimziCaSecretName,
  type K8sObject,
} from "@weir/runtime/k8s";
import { LocalJobRuntime, LocalKafkaRuntime, LocalSparkRuntime } from "@weir/runtime/local";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { startHarness } from "../../../packages/api/test/harness.ts";
import { startApiServer, writeStatus, type ApiServer } from "../../../packages/runtime/test/k8s/apiserver.ts";
import { startTestController, until, type TestController } from "./support.ts";

const SECRET = "test-secret-key-0123456789abcdef0123456789";
const NS = "weir";
process.env.WEIR_SECRET_KEY = SECRET;
process.env.WEIR_RUNTIME = "kubernetes";
resetEnv();

const SINK_PASSWORD = "pg-sink-s3cret-value";
/** The job's Kafka password, as read from its Secret. */
let kafkaPassword = "";

let api: ApiServer;
let client: KubernetesClient;
let h: Awaited<ReturnType<typeof startHarness>>;
let tc: TestController;
let bearer: string;
let kafkaId: string;
let computeId: string;
let jobId: string;
/** Everything the processes of this test printed (a password must never be in it). */
const printed: string[] = [];
const originalConsole = { ...console };

const ready = () => [{ type: "Ready", status: "True", lastTransitionTime: new Date().toISOString() }];
type Resource = K8sObject & { metadata: { generation: number }; status?: Record<string, unknown> };

async function readIn(namespace: string, apiVersion: string, kind: string, name: string) {
  return client.read<Resource>({ apiVersion, kind, metadata: { name, namespace } });
}

/** What Strimzi's operators would write: Ready at the resource's current generation. */
async function strimziReady(plural: string, name: string, extra: Record<string, unknown> = {}) {
  const kind = { kafkas: "Kafka", kafkanodepools: "KafkaNodePool", kafkatopics: "KafkaTopic", kafkausers: "KafkaUser" }[
    plural
  ]!;
  const r = await readIn(NS, "kafka.strimzi.io/v1beta2", kind, name);
  if (!r) return false;
  await writeStatus(
    api.kubeConfig(),
    { group: "kafka.strimzi.io", version: "v1beta2", namespace: NS, plural, name },
    { observedGeneration: r.metadata.generation, conditions: ready(), ...extra },
  );
  return true;
}

/** What the Spark Operator would write into the job's SparkApplication. */
async function sparkStatus(status: Record<string, unknown>) {
  await writeStatus(
    api.kubeConfig(),
    {
      group: "sparkoperator.k8s.io",
      version: "v1beta2",
      namespace: computeNamespace(NS, computeId),
      plural: "sparkapplications",
      name: sparkApplicationName(jobId),
    },
    status,
  );
}

const readApp = () =>
  readIn(
    computeNamespace(NS, computeId),
    "sparkoperator.k8s.io/v1beta2",
    "SparkApplication",
    sparkApplicationName(jobId),
  );
const getJob = async () =>
  (await h.rest("GET", `/compute-clusters/${computeId}/jobs/${jobId}`, { as: { bearer } })).body;
const getCompute = async () => (await h.rest("GET", `/compute-clusters/${computeId}`, { as: { bearer } })).body;

let setupError: unknown;
beforeEach(() => {
  if (setupError) throw setupError;
});

beforeAll(async () => {
  try {
    await setUp();
  } catch (e) {
    setupError = e;
  }
}, 240_000);

async function setUp() {
  for (const stream of ["log", "warn", "error", "info"] as const) {
    const original = console[stream].bind(console);
    console[stream] = (...args: unknown[]) => {
      printed.push(args.map(String).join(" "));
      original(...args);
    };
  }
  api = await startApiServer();
  // The API offers Kubernetes only when a Kubernetes API is configured.
  process.env.WEIR_KUBECONFIG = api.kubeconfigPath;
  resetEnv();
  const kc = api.kubeConfig();
  client = new KubernetesClient(kc);
  await client.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
  h = await startHarness();
  await seedPriceBook(h.db);
  const me = await h.signUp("k8s-jobs-owner");
  // The local drivers are there as in production; nothing here is local, so they start nothing.
  const local = { dataDir: "/nonexistent", cacheDir: "/nonexistent" };
  const spark = () => {
    throw new Error("no local Spark in this test");
  };
  tc = await startTestController(
    h,
    {
      runtime: new LocalKafkaRuntime(local),
      kubernetes: new KubernetesKafkaRuntime(kc, NS),
      engine: new LocalSparkRuntime({ dataDir: local.dataDir, spark }),
      jobs: new LocalJobRuntime({ dataDir: local.dataDir, spark }),
      kubernetesSpark: { compute: new KubernetesComputeRuntime(kc, NS), jobs: new KubernetesSparkJobs(kc, NS) },
      secretKey: SECRET,
    },
    () => undefined,
  );
  await until("org ready", async () => (await h.db.project.count({ where: { orgId: me.orgId } })) > 0, 30_000);
  bearer = await h.apiKey(me, "ADMIN");
}

afterAll(async () => {
  Object.assign(console, originalConsole);
  await tc?.stop();
  await h?.close();
  await api?.stop();
});

describe("a Kafka cluster on Strimzi and a compute cluster on Kubernetes", () => {
  test("the Kafka cluster runs (the operator's Ready) with a topic", async () => {
    const res = await h.rest("POST", "/clusters", {
      as: { bearer },
      body: { name: "events-k8s", brokerCount: 1, brokerInstanceType: "kafka.m5.large", storageGbPerBroker: 20 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    kafkaId = res.body.id;
    const name = kafkaResourceName(kafkaId);
    const pool = await until(
      "the pool",
      () => readIn(NS, "kafka.strimzi.io/v1beta2", "KafkaNodePool", poolName(kafkaId, "combined")),
      60_000,
    );
    await writeStatus(
      api.kubeConfig(),
      {
        group: "kafka.strimzi.io",
        version: "v1beta2",
        namespace: NS,
        plural: "kafkanodepools",
        name: pool.metadata.name,
      },
      { observedGeneration: pool.metadata.generation, nodeIds: [1], replicas: 1 },
    );
    await strimziReady("kafkas", name, {
      listeners: [{ name: "tls", bootstrapServers: `${name}-kafka-bootstrap.${NS}.svc:9093` }],
    });
    await until(
      "Kafka RUNNING",
      async () => (await h.rest("GET", `/clusters/${kafkaId}`, { as: { bearer } })).body.status === "RUNNING",
      60_000,
    );
    const t = await h.rest("POST", `/clusters/${kafkaId}/topics`, {
      as: { bearer },
      body: { name: "orders", partitions: 3, replicationFactor: 1 },
    });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
  });

  test("create → namespace, ResourceQuota (workers × instance type) and LimitRange; RUNNING", async () => {
    const res = await h.rest("POST", "/compute-clusters", {
      as: { bearer },
      body: { name: "etl-k8s", workerCount: 2, workerInstanceType: "t2.xlarge", kafkaClusterId: kafkaId },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    computeId = res.body.id;
    const ns = computeNamespace(NS, computeId);
    const price = (await h.db.price.findFirst({ where: { sku: "t2.xlarge" } }))!;
    const vcpu = price.vcpu!;
    const quota = await until("the quota", () => readIn(ns, "v1", "ResourceQuota", QUOTA_NAME), 60_000);
    const cpu = String(2 * vcpu);
    const memory = memoryQuantity(2 * Number(price.memoryGib));
    expect(quota.spec).toEqual({
      hard: { "requests.cpu": cpu, "limits.cpu": cpu, "requests.memory": memory, "limits.memory": memory },
    });
    const limits = (await readIn(ns, "v1", "LimitRange", LIMIT_RANGE_NAME))!;
    expect(limits.spec).toMatchObject({
      limits: [{ type: "Container", defaultRequest: { cpu: "1", memory: "1Gi" }, max: { cpu: String(vcpu) } }],
    });
    expect(await readIn(ns, "v1", "ServiceAccount", "weir-spark")).not.toBeNull();
    const c = await until(
      "RUNNING",
      async () => ((await getCompute()).status === "RUNNING" ? getCompute() : null),
      60_000,
    );
    expect(c.statusReason).toContain(`Namespace ${ns}: quota ${cpu} cores`);
  });

  test("scale → the quota changes", async () => {
    const res = await h.rest("PATCH", `/compute-clusters/${computeId}`, { as: { bearer }, body: { workerCount: 3 } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const price = (await h.db.price.findFirst({ where: { sku: "t2.xlarge" } }))!;
    const vcpu = price.vcpu!;
    const quota = await until(
      "3 workers' cores",
      async () => {
        const q = await readIn(computeNamespace(NS, computeId), "v1", "ResourceQuota", QUOTA_NAME);
        return (q?.spec as { hard: Record<string, string> }).hard["requests.cpu"] === String(3 * vcpu) ? q : null;
      },
      60_000,
    );
    expect((quota.spec as { hard: Record<string, string> }).hard["limits.memory"]).toBe(
      memoryQuantity(3 * Number(price.memoryGib)),
    );
    await until(
      "RUNNING at the new generation",
      async () => {
        const c = await getCompute();
        return c.status === "RUNNING" && c.observedGeneration === c.generation;
      },
      30_000,
    );
  });
});

describe("the runtime of each cluster", () => {
  test("named on create, shown in the answer, offered by the options, documented in OpenAPI", async () => {
    expect((await getCompute()).runtime).toBe("kubernetes");
    const options = await h.rest("GET", "/compute-clusters/options", { as: { bearer } });
    expect(options.body).toMatchObject({ runtimes: ["local", "kubernetes"], defaultRuntime: "kubernetes" });
    const doc = (await h.rest("GET", "/openapi.json")).body;
    const body = doc.paths["/compute-clusters"].post.requestBody.content["application/json"].schema;
    expect(body.properties.runtime.enum).toEqual(["local", "kubernetes"]);
    const kafkaBody = doc.paths["/clusters"].post.requestBody.content["application/json"].schema;
    expect(kafkaBody.properties.runtime.enum).toEqual(["local", "kubernetes"]);
  });

  test("a local compute cluster cannot use a Kafka cluster on Kubernetes: 400 naming kafkaClusterId, saying why", async () => {
    const res = await h.rest("POST", "/compute-clusters", {
      as: { bearer },
      body: {
        name: "etl-local",
        workerCount: 1,
        workerInstanceType: "t2.small",
        kafkaClusterId: kafkaId,
        runtime: "local",
      },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/kafkaClusterId/);
    expect(res.body.error.message).toMatch(/runs on Kubernetes \(Strimzi\): drivers on this host cannot reach/);
  });

  test("a job on Kubernetes cannot read a local Kafka cluster: 400 naming kafkaClusterId, saying why", async () => {
    const local = await h.rest("POST", "/clusters", {
      as: { bearer },
      body: {
        name: "events-local",
        brokerCount: 1,
        brokerInstanceType: "kafka.m5.large",
        storageGbPerBroker: 20,
        runtime: "local",
      },
    });
    expect(local.status, JSON.stringify(local.body)).toBe(201);
    expect(local.body.runtime).toBe("local");
    const res = await h.rest("POST", `/compute-clusters/${computeId}/jobs`, {
      as: { bearer },
      body: {
        name: "from-local",
        kafkaClusterId: local.body.id,
        spec: { kind: "pyspark-script", script: "print(1)", sources: [], sinkTopics: [] },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/kafkaClusterId/);
    expect(res.body.error.message).toMatch(
      /runs on this host \(local\): Spark pods on Kubernetes cannot reach its brokers/,
    );
    expect(
      (await h.rest("DELETE", `/clusters/${local.body.id}?confirmName=events-local`, { as: { bearer } })).status,
    ).toBeLessThan(300);
  });

  test("Kubernetes without a configured API: 400 naming runtime", async () => {
    delete process.env.WEIR_KUBECONFIG;
    resetEnv();
    try {
      const res = await h.rest("POST", "/clusters", {
        as: { bearer },
        body: {
          name: "nope",
          brokerCount: 1,
          brokerInstanceType: "kafka.m5.large",
          storageGbPerBroker: 20,
          runtime: "kubernetes",
        },
      });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(/runtime/);
      expect(res.body.error.message).toMatch(/Kubernetes is not configured/);
      const options = await h.rest("GET", "/clusters/options", { as: { bearer } });
      expect(options.body.runtimes).toEqual(["local"]);
    } finally {
      process.env.WEIR_KUBECONFIG = api.kubeconfigPath;
      resetEnv();
    }
  });
});

describe("a job as a SparkApplication through Weir's REST API", () => {
  test("create → SparkApplication, spec ConfigMap and credentials Secret exist and pass the server's validation", async () => {
    const res = await h.rest("POST", `/compute-clusters/${computeId}/jobs`, {
      as: { bearer },
      body: {
        name: "revenue",
        restartPolicy: "on-failure",
        cores: 2,
        spec: {
          kind: "streaming-sql",
          sources: ["orders"],
          format: { type: "json", schema: "order_id STRING, product STRING, amount DOUBLE, ts TIMESTAMP" },
          view: "events",
          sql: "SELECT product, SUM(amount) AS revenue FROM events GROUP BY product",
          sink: {
            type: "postgres",
            url: `postgresql://sink_user:${SINK_PASSWORD}@db.example:5432/shop`,
            table: "revenue",
            keyColumns: ["product"],
          },
          trigger: "1 second",
          outputMode: "update",
        },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    jobId = res.body.id;
    expect(JSON.stringify(res.body)).not.toContain(SINK_PASSWORD);
    const username = res.body.kafkaUsername as string;
    // Standing in for the Topic and User Operators: the topic and the job's KafkaUser (with its
    // ACLs) Ready as they change.
    const operatorsReady = async () => {
      const topics = await client.list<Resource>(
        "kafka.strimzi.io/v1beta2",
        "KafkaTopic",
        NS,
        `weir.dev/kafka-cluster-id=${kafkaId}`,
      );
      for (const t of topics) await strimziReady("kafkatopics", t.metadata.name).catch(() => false);
      await strimziReady("kafkausers", username).catch(() => false);
    };
    // Until Strimzi has written its cluster CA, the job waits and says so.
    await until(
      "QUEUED for the CA",
      async () => {
        await operatorsReady();
        const j = await getJob();
        return j.status === "QUEUED" && /Waiting for the Kafka cluster's CA/.test(j.statusReason);
      },
      90_000,
    );
    expect(await readApp()).toBeNull();
    // Strimzi's cluster CA (a public certificate), which jobs mount to trust the TLS listener.
    await client.apply({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: strimziCaSecretName(kafkaId), namespace: NS },
      data: {
        "ca.crt": Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString("base64"),
      },
    });
    const app = await until(
      "the SparkApplication",
      async () => {
        await operatorsReady();
        return readApp();
      },
      90_000,
    );
    const ns = computeNamespace(NS, computeId);
    expect(app.spec).toMatchObject({
      type: "Python",
      mode: "cluster",
      sparkVersion: "4.2.0",
      restartPolicy: { type: "OnFailure" },
      executor: { cores: 2, instances: 1, volumeMounts: [{ name: "kafka-ca" }] },
      driver: { serviceAccount: "weir-spark" },
    });
    const env = (app.spec as { driver: { env: { name: string; valueFrom: unknown }[] } }).driver.env;
    expect(env.map((e) => e.name).sort()).toEqual([
      "WEIR_JDBC_PASSWORD",
      "WEIR_JDBC_USER",
      "WEIR_KAFKA_PASSWORD",
      "WEIR_KAFKA_USERNAME",
    ]);
    expect(env[0]!.valueFrom).toEqual({
      secretKeyRef: { name: credentialsSecretName(jobId), key: expect.any(String) },
    });

    const configMap = (await readIn(ns, "v1", "ConfigMap", specConfigMapName(jobId))) as Resource & {
      data: Record<string, string>;
    };
    const runnerSpec = JSON.parse(configMap.data["job-spec.json"]!);
    expect(runnerSpec).toMatchObject({
      kind: "streaming-sql",
      jobId,
      kafka: {
        bootstrap: `${kafkaResourceName(kafkaId)}-kafka-bootstrap.${NS}.svc:9093`,
        securityProtocol: "SASL_SSL",
        truststore: "/etc/weir/kafka-ca/ca.crt",
      },
      checkpointDir: "/var/weir/job/checkpoint",
      sink: { type: "postgres", url: "jdbc:postgresql://db.example:5432/shop" },
    });
    expect(configMap.data["job-spec.json"]).not.toContain(SINK_PASSWORD);
    const secret = (await readIn(ns, "v1", "Secret", credentialsSecretName(jobId))) as Resource & {
      data: Record<string, string>;
    };
    const decoded = Object.fromEntries(
      Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]),
    );
    expect(decoded).toMatchObject({
      "kafka-username": username,
      "jdbc-user": "sink_user",
      "jdbc-password": SINK_PASSWORD,
    });
    expect(decoded["kafka-password"]).toMatch(/^.{20,}$/);
    kafkaPassword = decoded["kafka-password"]!;
    expect(await readIn(ns, "v1", "Secret", `${sparkApplicationName(jobId)}-kafka-ca`)).not.toBeNull();
    const job = await until(
      "STARTING or QUEUED on the operator",
      async () => {
        const j = await getJob();
        return ["QUEUED", "STARTING"].includes(j.status) && /Spark Operator/.test(j.statusReason) ? j : null;
      },
      30_000,
    );
    expect(JSON.stringify(job)).not.toContain(decoded["kafka-password"]);
  });

  test("the operator's RUNNING → Weir shows RUNNING with the UI address; a run interval opens", async () => {
    await sparkStatus({
      applicationState: { state: "RUNNING" },
      sparkApplicationId: "spark-7f00",
      driverInfo: { webUIAddress: "10.0.3.7:4040", podName: `${sparkApplicationName(jobId)}-driver` },
      executionAttempts: 1,
      lastSubmissionAttemptTime: "2026-11-30T01:00:00Z",
    });
    const j = await until("RUNNING", async () => ((await getJob()).status === "RUNNING" ? getJob() : null), 60_000);
    expect(j).toMatchObject({ applicationId: "spark-7f00", uiAddress: "10.0.3.7:4040", uiPath: null });
    const interval = await h.db.runInterval.findFirst({ where: { resourceId: jobId, endedAt: null } });
    expect(interval?.startedAt.toISOString()).toBe("2026-11-30T01:00:00.000Z");
  });

  test("the operator's FAILED with a message → Weir shows FAILED with it; start submits it anew", async () => {
    await sparkStatus({
      applicationState: { state: "FAILED", errorMessage: "driver container failed with ExitCode: 1, Reason: Error" },
      terminationTime: new Date().toISOString(),
    });
    const j = await until("FAILED", async () => ((await getJob()).status === "FAILED" ? getJob() : null), 60_000);
    expect(j.statusReason).toBe("Failed: driver container failed with ExitCode: 1, Reason: Error");
    expect(await h.db.runInterval.count({ where: { resourceId: jobId, endedAt: null } })).toBe(0);

    const res = await h.rest("POST", `/compute-clusters/${computeId}/jobs/${jobId}/start`, {
      as: { bearer },
      body: {},
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // The ended application is deleted and applied again: no status yet, as a new submission.
    await until(
      "a fresh SparkApplication",
      async () => {
        const app = await readApp();
        return !!app && !app.status?.applicationState;
      },
      60_000,
    );
    await until("not FAILED", async () => ["QUEUED", "STARTING"].includes((await getJob()).status), 30_000);
  });

  test("stop → the SparkApplication goes, its spec and Secret stay; start → it is back", async () => {
    const ns = computeNamespace(NS, computeId);
    expect(
      (await h.rest("POST", `/compute-clusters/${computeId}/jobs/${jobId}/stop`, { as: { bearer }, body: {} })).status,
    ).toBe(200);
    await until("STOPPED", async () => (await getJob()).status === "STOPPED", 60_000);
    expect(await readApp()).toBeNull();
    expect(await readIn(ns, "v1", "Secret", credentialsSecretName(jobId))).not.toBeNull();
    expect(await readIn(ns, "v1", "ConfigMap", specConfigMapName(jobId))).not.toBeNull();
    expect(
      (await h.rest("POST", `/compute-clusters/${computeId}/jobs/${jobId}/start`, { as: { bearer }, body: {} })).status,
    ).toBe(200);
    await until("the SparkApplication again", readApp, 60_000);
  });

  test("restart from scratch while it runs → attempt 1's application goes, attempt 2's is applied", async () => {
    expect((await readApp())?.metadata.labels?.["weir.dev/job-attempt"]).toBe("1");
    await sparkStatus({ applicationState: { state: "RUNNING" }, driverInfo: {}, executionAttempts: 1 });
    await until("RUNNING", async () => (await getJob()).status === "RUNNING", 60_000);
    const res = await h.rest("POST", `/compute-clusters/${computeId}/jobs/${jobId}/start`, {
      as: { bearer },
      body: { fromScratch: true },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const app = await until(
      "attempt 2's application",
      async () => {
        const a = await readApp();
        return a?.metadata.labels?.["weir.dev/job-attempt"] === "2" ? a : null;
      },
      60_000,
    );
    expect(app.status?.applicationState).toBeUndefined();
    const events = await h.db.resourceEvent.findMany({
      where: { kind: "Job", resourceId: jobId, reason: "CheckpointReset" },
    });
    expect(events.map((e) => e.message)).toEqual([
      "Restarting from scratch: deleted attempt 1's SparkApplication; attempt 2 starts with an empty checkpoint.",
    ]);
  });

  test("delete → the SparkApplication, ConfigMap and Secrets are gone, and so is the job", async () => {
    const ns = computeNamespace(NS, computeId);
    const res = await h.rest("DELETE", `/compute-clusters/${computeId}/jobs/${jobId}`, { as: { bearer } });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    await until(
      "the job gone",
      async () =>
        (await h.rest("GET", `/compute-clusters/${computeId}/jobs/${jobId}`, { as: { bearer } })).status === 404,
      60_000,
    );
    const selector = `weir.dev/job-id=${jobId}`;
    expect(await client.list("sparkoperator.k8s.io/v1beta2", "SparkApplication", ns, selector)).toEqual([]);
    expect(await client.list("v1", "ConfigMap", ns, selector)).toEqual([]);
    expect(await client.list("v1", "Secret", ns, selector)).toEqual([]);
  });

  test("deleting the compute cluster removes its quota, limits and namespace", async () => {
    const ns = computeNamespace(NS, computeId);
    const res = await h.rest("DELETE", `/compute-clusters/${computeId}`, { as: { bearer } });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    await until(
      "the compute cluster gone",
      async () => (await h.rest("GET", `/compute-clusters/${computeId}`, { as: { bearer } })).status === 404,
      60_000,
    );
    expect(await readIn(ns, "v1", "ResourceQuota", QUOTA_NAME)).toBeNull();
    expect(await readIn(ns, "v1", "LimitRange", LIMIT_RANGE_NAME)).toBeNull();
    // No controller-manager runs here, so the namespace stays Terminating rather than going.
    const namespace = await client.read<Resource & { metadata: { deletionTimestamp?: Date } }>({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: ns },
    });
    expect(namespace === null || !!namespace.metadata.deletionTimestamp).toBe(true);
  });

  test("no secret was ever printed or recorded in an event", async () => {
    expect(kafkaPassword).not.toBe("");
    expect(printed.join("\n")).not.toContain(kafkaPassword);
    const events = (await h.db.resourceEvent.findMany({ where: { kind: "Job" } })).map((e) => e.message);
    expect(JSON.stringify(events)).not.toContain(kafkaPassword);
    expect(JSON.stringify(events)).not.toContain(SINK_PASSWORD);
    const text = printed.join("\n");
    expect(text).not.toContain(SINK_PASSWORD);
  });
});
