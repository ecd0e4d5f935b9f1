// Weir on Kubernetes against a real API server: kube-apiserver and etcd built from the Go module
// proxy (infra/k8s/tools/build.sh), Strimzi's and the Spark Operator's own CRDs generated from
// Maven Central and the Go proxy. No operator runs here (it needs nodes that run containers): the
// test stands in for Strimzi by writing `status` through the /status subresource, exactly as the
// operator would. Everything else is real: the REST handlers, Postgres, the controller, the
// driver's server-side apply with strict validation, the CRDs' schemas.
import { resetEnv } from "@weir/env";
import { seedPriceBook } from "@weir/domain";
import {
  KubernetesClient,
  KubernetesKafkaRuntime,
  KubernetesRejectedError,
  KubernetesSparkJobs,
  KubernetesComputeRuntime,
  computeNamespace,
  jobSpecConfigMap,
  jobStatusFromSparkApplication,
  k8sName,
  kafkaResourceName,
  sparkApplicationName,
  sparkApplicationResource,
  userSecretName,
  type SparkApplicationStatus,
  kafkaTopicResource,
  kafkaUserResource,
  poolName,
  strimziClusterResources,
  type K8sObject,
} from "@weir/runtime/k8s";
import { LocalKafkaRuntime } from "@weir/runtime/local";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { startHarness } from "../../../packages/api/test/harness.ts";
import {
  lintChart,
  renderChart,
  startApiServer,
  writeStatus as writeResourceStatus,
  type ApiServer,
} from "../../../packages/runtime/test/k8s/apiserver.ts";
import { startTestController, until, type TestController } from "./support.ts";

const SECRET = "test-secret-key-0123456789abcdef0123456789";
const NS = "weir";
/** The chart's controller, as the API server's RBAC knows a service account. */
const CONTROLLER_SA = "system:serviceaccount:weir:weir-weir-controller";
process.env.WEIR_SECRET_KEY = SECRET;
process.env.WEIR_RUNTIME = "kubernetes";
resetEnv();

let api: ApiServer;
let client: KubernetesClient;
let h: Awaited<ReturnType<typeof startHarness>>;
let tc: TestController;
let bearer: string;
let driver: KubernetesKafkaRuntime;

const STRIMZI = { group: "kafka.strimzi.io", version: "v1beta2", namespace: NS };

/** What the Strimzi operator would write: status through the /status subresource. */
async function writeStatus(plural: string, name: string, status: Record<string, unknown>) {
  await writeResourceStatus(api.kubeConfig(), { ...STRIMZI, plural, name }, status);
}

async function read(kind: string, name: string): Promise<(K8sObject & { metadata: { generation: number } }) | null> {
  return client.read({ apiVersion: "kafka.strimzi.io/v1beta2", kind, metadata: { name, namespace: NS } });
}

const sampleInput = (clusterId: string) => ({
  clusterId,
  namespace: NS,
  kafkaVersion: "3.9.2",
  nodes: [
    { nodeId: 1, roles: "broker,controller" as const },
    { nodeId: 2, roles: "broker,controller" as const },
    { nodeId: 3, roles: "broker,controller" as const },
    { nodeId: 4, roles: "broker" as const },
  ],
  storageGbPerBroker: 100,
  instanceType: { vcpu: 2, memoryGib: 8 },
  defaultReplication: 3,
  adminUsername: "weir-admin",
  adminPassword: "s3cret-password",
});

// Missing binaries fail every test with the build instruction (a failed beforeAll would only skip
// them, and skipped tests are not counted as failures).
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
  api = await startApiServer({ users: [CONTROLLER_SA] });
  // The API offers Kubernetes only when a Kubernetes API is configured.
  process.env.WEIR_KUBECONFIG = api.kubeconfigPath;
  resetEnv();
  const kc = api.kubeConfig();
  client = new KubernetesClient(kc);
  await client.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
  driver = new KubernetesKafkaRuntime(kc, NS);
  h = await startHarness();
  await seedPriceBook(h.db);
  const me = await h.signUp("k8s-owner");
  const runtime = new LocalKafkaRuntime({ dataDir: "/nonexistent", cacheDir: "/nonexistent" });
  tc = await startTestController(h, { runtime, kubernetes: driver, secretKey: SECRET }, () => undefined);
  await until("org ready", async () => (await h.db.project.count({ where: { orgId: me.orgId } })) > 0, 30_000);
  await h.db.project.updateMany({ where: { orgId: me.orgId }, data: { maxBrokersPerCluster: 9 } });
  bearer = await h.apiKey(me, "ADMIN");
}

afterAll(async () => {
  await tc?.stop();
  await h?.close();
  await api?.stop();
});

describe("Strimzi builders against Strimzi 0.45's own CRDs", () => {
  test("the cluster's resources, a topic and a user with ACLs pass strict server-side apply", async () => {
    const id = "0f0e0d0c-0000-4000-8000-000000000001";
    const input = sampleInput(id);
    for (const r of strimziClusterResources(input)) await client.apply(r);
    await client.apply(
      kafkaTopicResource({
        ...input,
        topic: "Orders.v1_raw",
        partitions: 6,
        replicationFactor: 3,
        config: { "retention.ms": "86400000" },
      }),
    );
    await client.apply(
      kafkaUserResource({
        ...input,
        username: "orders-app",
        acls: [
          {
            resourceType: "TOPIC",
            resourceName: "orders",
            patternType: "PREFIXED",
            operation: "READ",
            permission: "ALLOW",
            host: "*",
          },
          {
            resourceType: "GROUP",
            resourceName: "orders-app",
            patternType: "LITERAL",
            operation: "READ",
            permission: "ALLOW",
            host: "*",
          },
          {
            resourceType: "CLUSTER",
            resourceName: "kafka-cluster",
            patternType: "LITERAL",
            operation: "DESCRIBE_CONFIGS",
            permission: "DENY",
            host: "*",
          },
          {
            resourceType: "TRANSACTIONAL_ID",
            resourceName: "tx",
            patternType: "LITERAL",
            operation: "WRITE",
            permission: "ALLOW",
            host: "*",
          },
        ],
      }),
    );
    const kafka = await read("Kafka", kafkaResourceName(id));
    expect(kafka?.metadata.annotations).toMatchObject({
      "strimzi.io/kraft": "enabled",
      "strimzi.io/node-pools": "enabled",
    });
    const brokers = await read("KafkaNodePool", poolName(id, "brokers"));
    expect(brokers?.spec).toMatchObject({ replicas: 1, roles: ["broker"] });
    expect((await read("KafkaNodePool", poolName(id, "combined")))?.spec).toMatchObject({ replicas: 3 });
    await driver.deleteGroup(id);
    expect(await read("Kafka", kafkaResourceName(id))).toBeNull();
  });

  test("a bad spec is refused by the server's validation, in the server's words", async () => {
    const id = "0f0e0d0c-0000-4000-8000-000000000002";
    const [, kafka] = strimziClusterResources(sampleInput(id));
    const spec = structuredClone(kafka!.spec) as { kafka: { listeners: { authentication: { type: string } }[] } };
    spec.kafka.listeners[0]!.authentication.type = "scram-sha-256";
    const err = await client.apply({ ...kafka!, spec }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubernetesRejectedError);
    expect((err as Error).message).toMatch(/Kubernetes refused Kafka weir\/weir-.*Unsupported value: "scram-sha-256"/);
    // Strict validation: a field the CRD does not define is an error, not dropped.
    const unknown = await client.apply({ ...kafka!, spec: { ...kafka!.spec!, kafkaa: {} } }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(KubernetesRejectedError);
    // (a type or field error under server-side apply is the "typed patch" refusal)
    expect((unknown as Error).message).toMatch(/\.spec\.kafkaa: field not declared in schema/);
  });
});

describe("a Kafka cluster on Kubernetes through Weir's REST API", () => {
  let id: string;
  const get = async () => (await h.rest("GET", `/clusters/${id}`, { as: { bearer } })).body;

  test("create → Kafka and node pools exist; the operator's Ready status → RUNNING with its servers", async () => {
    const res = await h.rest("POST", "/clusters", {
      as: { bearer },
      body: { name: "orders-k8s", brokerCount: 4, brokerInstanceType: "kafka.m5.large", storageGbPerBroker: 50 },
    });
    expect(res.status).toBe(201);
    id = res.body.id;
    expect(res.body.runtime).toBe("kubernetes");
    const name = kafkaResourceName(id);
    const kafka = await until("the Kafka resource", () => read("Kafka", name), 60_000);
    expect(kafka.spec).toMatchObject({
      kafka: {
        version: "3.9.2",
        listeners: [{ name: "tls", tls: true, authentication: { type: "scram-sha-512" } }],
        authorization: { type: "simple", superUsers: [`${name}-admin`] },
      },
    });
    const brokers = await until("the brokers pool", () => read("KafkaNodePool", poolName(id, "brokers")), 30_000);
    const controllers = (await read("KafkaNodePool", poolName(id, "controllers")))!;
    expect(brokers.spec).toMatchObject({
      replicas: 4,
      roles: ["broker"],
      storage: { type: "jbod", volumes: [{ size: "50Gi", kraftMetadata: "shared" }] },
      resources: { requests: { cpu: "2", memory: "8Gi" } },
    });
    expect(controllers.spec).toMatchObject({ replicas: 3, roles: ["controller"] });
    expect(await read("KafkaUser", `${name}-admin`)).not.toBeNull();
    expect((await get()).status).toBe("PROVISIONING");

    const servers = `${name}-kafka-bootstrap.${NS}.svc:9093`;
    await writeStatus("kafkanodepools", poolName(id, "controllers"), {
      observedGeneration: controllers.metadata.generation,
      nodeIds: [9001, 9002, 9003],
      replicas: 3,
    });
    await writeStatus("kafkanodepools", poolName(id, "brokers"), {
      observedGeneration: brokers.metadata.generation,
      nodeIds: [1, 2, 3, 4],
      replicas: 4,
    });
    await writeStatus("kafkas", name, {
      observedGeneration: kafka.metadata.generation,
      conditions: [{ type: "Ready", status: "True", lastTransitionTime: new Date().toISOString() }],
      listeners: [
        {
          name: "tls",
          bootstrapServers: servers,
          addresses: [{ host: `${name}-kafka-bootstrap.${NS}.svc`, port: 9093 }],
        },
      ],
      kafkaVersion: "3.9.2",
    });
    const running = await until("RUNNING", async () => ((await get()).status === "RUNNING" ? get() : null), 60_000);
    expect(running.bootstrapServers).toBe(servers);
    expect(running.securityProtocol).toBe("SASL_SSL");
    expect(running.brokers.map((b: { nodeId: number; status: string }) => [b.nodeId, b.status])).toEqual([
      [1, "RUNNING"],
      [2, "RUNNING"],
      [3, "RUNNING"],
      [4, "RUNNING"],
    ]);
    // Metering: each broker has an open run interval from the cluster's Ready time.
    expect(await h.db.runInterval.count({ where: { resourceId: id, dimension: "BROKER_HOURS", endedAt: null } })).toBe(
      4,
    );
  });

  test("scale → the brokers pool's replicas change; the operator catching up → RUNNING", async () => {
    const res = await h.rest("PATCH", `/clusters/${id}`, { as: { bearer }, body: { brokerCount: 5 } });
    expect(res.status).toBe(200);
    const pool = await until(
      "5 replicas",
      async () => {
        const p = await read("KafkaNodePool", poolName(id, "brokers"));
        return (p?.spec as { replicas: number }).replicas === 5 ? p : null;
      },
      60_000,
    );
    expect(pool.metadata.annotations?.["strimzi.io/next-node-ids"]).toBe("[1-8999]");
    await until("UPDATING", async () => (await get()).status === "UPDATING", 30_000);
    await writeStatus("kafkanodepools", poolName(id, "brokers"), {
      observedGeneration: pool.metadata.generation,
      nodeIds: [1, 2, 3, 4, 5],
      replicas: 5,
    });
    const c = await until(
      "RUNNING with 5 brokers",
      async () => {
        const c = await get();
        return c.status === "RUNNING" && c.brokers.length === 5 ? c : null;
      },
      60_000,
    );
    expect(c.brokers.at(-1)).toMatchObject({ nodeId: 5, status: "RUNNING" });
  });

  test("topic, user, ACL → KafkaTopic and KafkaUser; the operators' Ready → READY; topic delete → gone", async () => {
    const name = kafkaResourceName(id);
    const ready = (generation: number) => ({
      observedGeneration: generation,
      conditions: [{ type: "Ready", status: "True", lastTransitionTime: new Date().toISOString() }],
    });
    expect(
      (
        await h.rest("POST", `/clusters/${id}/topics`, {
          as: { bearer },
          body: { name: "orders", partitions: 6, replicationFactor: 3 },
        })
      ).status,
    ).toBe(201);
    const user = await h.rest("POST", `/clusters/${id}/users`, { as: { bearer }, body: { name: "orders-app" } });
    expect(user.status).toBe(201);
    const acl = await h.rest("POST", `/clusters/${id}/acls`, {
      as: { bearer },
      body: { principal: "User:orders-app", resourceType: "TOPIC", resourceName: "orders", operation: "READ" },
    });
    expect(acl.status).toBe(201);

    const topicName = k8sName(name, "orders");
    const topic = await until("the KafkaTopic", () => read("KafkaTopic", topicName), 60_000);
    expect(topic.spec).toEqual({ topicName: "orders", partitions: 6, replicas: 3, config: {} });
    const kafkaUser = await until(
      "the KafkaUser with its ACL",
      async () => {
        const u = await read("KafkaUser", "orders-app");
        return (u?.spec as { authorization?: { acls: unknown[] } })?.authorization?.acls.length === 1 ? u : null;
      },
      60_000,
    );
    expect(kafkaUser.spec).toMatchObject({
      authentication: {
        type: "scram-sha-512",
        password: { valueFrom: { secretKeyRef: { name: userSecretName(id, "orders-app"), key: "password" } } },
      },
      authorization: {
        type: "simple",
        acls: [
          { resource: { type: "topic", name: "orders", patternType: "literal" }, operations: ["Read"], type: "allow" },
        ],
      },
    });
    // The password the API returned once is what the User Operator reads.
    const secret = await client.read<K8sObject & { data: Record<string, string> }>({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: userSecretName(id, "orders-app"), namespace: NS },
    });
    expect(Buffer.from(secret!.data.password!, "base64").toString()).toBe(user.body.password);
    const statusOf = () => h.db.topic.findFirst({ where: { clusterId: id, name: "orders" } });
    expect((await statusOf())?.status).toBe("PROVISIONING");

    await writeStatus("kafkatopics", topicName, ready(topic.metadata.generation));
    await writeStatus("kafkausers", "orders-app", ready(kafkaUser.metadata.generation));
    await until("topic READY", async () => (await statusOf())?.status === "READY", 30_000);
    await until(
      "user and ACL READY",
      async () =>
        (await h.db.kafkaUser.findFirst({ where: { clusterId: id, name: "orders-app" } }))?.status === "READY" &&
        (await h.db.acl.findFirst({ where: { clusterId: id } }))?.status === "READY",
      30_000,
    );
    expect(
      (await h.rest("DELETE", `/clusters/${id}/topics/orders?confirm=orders`, { as: { bearer } })).status,
    ).toBeLessThan(300);
    await until("the KafkaTopic gone", async () => (await read("KafkaTopic", topicName)) === null, 30_000);
    await until("the topic row gone", async () => (await statusOf()) === null, 30_000);
  });

  test("scale in → the pool shrinks; the node Strimzi removed leaves Weir's rows and its run interval ends", async () => {
    expect((await h.rest("PATCH", `/clusters/${id}`, { as: { bearer }, body: { brokerCount: 4 } })).status).toBe(200);
    const pool = await until(
      "4 replicas",
      async () => {
        const p = await read("KafkaNodePool", poolName(id, "brokers"));
        return (p?.spec as { replicas: number }).replicas === 4 ? p : null;
      },
      60_000,
    );
    await writeStatus("kafkanodepools", poolName(id, "brokers"), {
      observedGeneration: pool.metadata.generation,
      nodeIds: [1, 2, 3, 4],
      replicas: 4,
    });
    const c = await until(
      "RUNNING with 4 brokers",
      async () => {
        const c = await get();
        return c.status === "RUNNING" && c.brokers.length === 4 ? c : null;
      },
      60_000,
    );
    expect(c.brokers.map((b: { nodeId: number }) => b.nodeId)).toEqual([1, 2, 3, 4]);
    expect(await h.db.runInterval.count({ where: { resourceId: id, dimension: "BROKER_HOURS", endedAt: null } })).toBe(
      4,
    );
  });

  test("delete → every resource Weir created is gone, and so is the cluster", async () => {
    const res = await h.rest("DELETE", `/clusters/${id}`, { as: { bearer } });
    expect(res.status).toBeLessThan(300);
    await until(
      "the cluster gone",
      async () => (await h.rest("GET", `/clusters/${id}`, { as: { bearer } })).status === 404,
      60_000,
    );
    const selector = `weir.dev/kafka-cluster-id=${id}`;
    for (const kind of ["Kafka", "KafkaNodePool", "KafkaUser", "KafkaTopic"]) {
      expect(await client.list("kafka.strimzi.io/v1beta2", kind, NS, selector)).toEqual([]);
    }
    expect(await client.list("v1", "Secret", NS, selector)).toEqual([]);
  });

  test("a manifest the server refuses fails the cluster with the server's message", async () => {
    const res = await h.rest("POST", "/clusters", {
      as: { bearer },
      body: { name: "bad-k8s", brokerCount: 1, brokerInstanceType: "kafka.m5.large", storageGbPerBroker: 20 },
    });
    const badId = res.body.id as string;
    await until(
      "its identity",
      () => h.db.kafkaCluster.findFirst({ where: { id: badId, adminPasswordEncrypted: { not: null } } }),
      30_000,
    );
    // An admin user name no Kubernetes object can carry (as an older Weir might have stored).
    await h.db.kafkaCluster.update({
      where: { id: badId },
      data: { adminUsername: "weir_admin", status: "PROVISIONING" },
    });
    tc.controller.enqueue({ kind: "KafkaCluster", id: badId });
    const failed = await until(
      "FAILED",
      async () => {
        const c = (await h.rest("GET", `/clusters/${badId}`, { as: { bearer } })).body;
        return c.status === "FAILED" ? c : null;
      },
      60_000,
    );
    expect(failed.statusReason).toMatch(
      /Kubernetes refused KafkaUser weir\/weir_admin: .*metadata.name: Invalid value/,
    );
    await driver.deleteGroup(badId);
  });
});

describe("a job as a Spark Operator SparkApplication, against the operator's own CRD", () => {
  const jobId = "5a5a5a5a-0000-4000-8000-000000000001";
  const name = sparkApplicationName(jobId);
  const app = (restartPolicy: "never" | "on-failure" | "always") =>
    sparkApplicationResource({
      jobId,
      computeClusterId: "6b6b6b6b-0000-4000-8000-000000000001",
      namespace: NS,
      image: "registry.example/weir/spark-job:4.2.0",
      connectorJars: ["spark-sql-kafka-0-10_2.13-4.2.0.jar", "kafka-clients-3.9.2.jar", "commons-pool2-2.13.1.jar"],
      specConfigMap: `${name}-spec`,
      cores: 2,
      driverMemoryMb: 1024,
      executorMemoryMb: 2048,
      executors: 2,
      restartPolicy,
      serviceAccount: "weir-spark",
    });
  const SPARK = { group: "sparkoperator.k8s.io", version: "v1beta2", namespace: NS, plural: "sparkapplications", name };
  const readApp = async () =>
    (await client.read<K8sObject & { status?: SparkApplicationStatus }>({
      apiVersion: "sparkoperator.k8s.io/v1beta2",
      kind: "SparkApplication",
      metadata: { name, namespace: NS },
    }))!;

  test("every restart policy's application passes strict apply; its status maps to Weir's job statuses", async () => {
    await client.apply(
      jobSpecConfigMap({ jobId, namespace: NS, name: `${name}-spec`, spec: { kind: "streaming-sql" } }),
    );
    for (const p of ["never", "always", "on-failure"] as const) await client.apply(app(p));
    const applied = await readApp();
    expect(applied.spec).toMatchObject({
      type: "Python",
      mainApplicationFile: "local:///opt/weir/weir_job_runner.py",
      restartPolicy: { type: "OnFailure", onFailureRetries: 5 },
      executor: { cores: 2, instances: 2, memory: "2048m" },
    });
    expect(jobStatusFromSparkApplication(applied.status)).toMatchObject({ status: "QUEUED" });

    await writeResourceStatus(api.kubeConfig(), SPARK, {
      applicationState: { state: "RUNNING" },
      sparkApplicationId: "spark-0123",
      driverInfo: { webUIAddress: "10.0.0.7:4040", podName: `${name}-driver` },
      executionAttempts: 1,
    });
    expect(jobStatusFromSparkApplication((await readApp()).status)).toEqual({
      status: "RUNNING",
      statusReason: "Running",
      applicationId: "spark-0123",
      uiAddress: "10.0.0.7:4040",
      attempts: 1,
    });
    await writeResourceStatus(api.kubeConfig(), SPARK, {
      applicationState: { state: "FAILED", errorMessage: "driver container failed with ExitCode: 1, Reason: Error" },
    });
    expect(jobStatusFromSparkApplication((await readApp()).status)).toMatchObject({
      status: "FAILED",
      statusReason: "driver container failed with ExitCode: 1, Reason: Error",
    });
  });

  test("a misspelt application type is refused by the CRD's enum", async () => {
    const bad = app("never");
    const err = await client
      .apply({ ...bad, spec: { ...(bad.spec as object), type: "Pyhton" } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubernetesRejectedError);
    expect((err as Error).message).toMatch(/spec.type: Unsupported value: "Pyhton"/);
  });

  test("the jobs driver applies, reads the operator's status back, and deletes what it made", async () => {
    const jobs = new KubernetesSparkJobs(client, NS);
    const computeClusterId = "6b6b6b6b-0000-4000-8000-000000000001";
    const namespace = computeNamespace(NS, computeClusterId);
    await client.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
    const otherJob = "7c7c7c7c-0000-4000-8000-000000000002";
    const other = sparkApplicationName(otherJob);
    await jobs.applyJob({
      computeClusterId,
      jobId: otherJob,
      attempt: 1,
      cores: 1,
      driverMemoryMb: 512,
      executorMemoryMb: 512,
      restartPolicy: "never",
      kafkaClusterId: null,
      run: { kind: "pyspark-script", jobId: otherJob, args: [], scriptSource: "print(1)" },
      credentials: {},
    });
    expect(await jobs.observeJob(computeClusterId, otherJob)).toMatchObject({ status: "QUEUED", terminal: false });
    await writeResourceStatus(
      api.kubeConfig(),
      { ...SPARK, namespace, name: other },
      // The CRD requires driverInfo in a status; the operator always writes it.
      { applicationState: { state: "SUBMISSION_FAILED", errorMessage: "image pull back-off" }, driverInfo: {} },
    );
    expect(await jobs.observeJob(computeClusterId, otherJob)).toMatchObject({
      status: "FAILED",
      statusReason: "The operator could not submit the application: image pull back-off",
      terminal: true,
    });
    await jobs.removeJob(computeClusterId, otherJob);
    expect(await jobs.observeJob(computeClusterId, otherJob)).toBeNull();
    expect(await client.list("v1", "ConfigMap", namespace, `weir.dev/job-id=${otherJob}`)).toEqual([]);
    expect(await client.list("v1", "Secret", namespace, `weir.dev/job-id=${otherJob}`)).toEqual([]);
  });
});

describe("Weir's Helm chart", () => {
  const values = {
    databaseUrl: "postgres://weir:pw@postgres:5432/weir",
    secretKey: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    workloadNamespace: "weir-workloads",
  };

  test("lints, and every manifest it renders passes the real API server's strict validation", async () => {
    expect(await lintChart(values)).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    const objects = await renderChart("weir", NS, values);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      "ClusterRole/weir-spark-driver",
      "ClusterRole/weir-weir-compute",
      "ClusterRoleBinding/weir-weir-compute",
      "Deployment/weir-weir-console",
      "Deployment/weir-weir-controller",
      "Role/weir-weir-driver",
      "RoleBinding/weir-weir-driver",
      "Secret/weir-weir-secrets",
      "Service/weir-weir-console",
      "ServiceAccount/weir-weir-controller",
    ]);
    await client.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "weir-workloads" } });
    for (const o of objects) {
      await client.apply({
        ...o,
        apiVersion: o.apiVersion!,
        kind: o.kind!,
        metadata: { ...o.metadata, namespace: o.metadata.namespace ?? NS },
      });
    }
    // Without a Secret the chart refuses to render.
    await expect(renderChart("weir", NS, { workloadNamespace: "w" })).rejects.toThrow(/set existingSecret/);
  });

  test("the controller's RBAC is enough for the driver, and no more", async () => {
    const asController = api.kubeConfig(CONTROLLER_SA);
    const limited = new KubernetesKafkaRuntime(asController, "weir-workloads");
    const id = "0f0e0d0c-0000-4000-8000-000000000003";
    const input = sampleInput(id);
    await limited.applyCluster({ ...input, admin: { username: input.adminUsername, password: input.adminPassword } });
    expect((await limited.observeCluster(id)).exists).toBe(true);
    await limited.deleteGroup(id);
    expect((await limited.observeCluster(id)).exists).toBe(false);
    // A compute cluster (its namespace, quota, limits, the drivers' account bound to their role)
    // and a job in it.
    const compute = new KubernetesComputeRuntime(asController, "weir-workloads");
    const computeClusterId = "6b6b6b6b-0000-4000-8000-000000000003";
    await compute.applyComputeCluster({ computeClusterId, workers: 2, instanceType: { vcpu: 2, memoryGib: 8 } });
    expect((await compute.observeComputeCluster(computeClusterId)).ready).toBe(true);
    const jobs = new KubernetesSparkJobs(asController, "weir-workloads");
    const jobId = "7c7c7c7c-0000-4000-8000-000000000003";
    await jobs.applyJob({
      computeClusterId,
      jobId,
      attempt: 1,
      cores: 1,
      driverMemoryMb: 512,
      executorMemoryMb: 512,
      restartPolicy: "always",
      kafkaClusterId: null,
      run: { kind: "pyspark-script", jobId, args: [], scriptSource: "print(1)" },
      credentials: { username: "u", password: "p" },
    });
    expect(await jobs.observeJob(computeClusterId, jobId)).not.toBeNull();
    await jobs.removeJob(computeClusterId, jobId);
    await compute.deleteComputeCluster(computeClusterId);
    // Pods, or Strimzi's resources outside the workload namespace: forbidden.
    const c = new KubernetesClient(asController);
    await expect(c.list("v1", "Pod", "weir-workloads", "")).rejects.toThrow(/forbidden/);
    await expect(
      c.apply(
        kafkaTopicResource({ ...input, namespace: NS, topic: "x", partitions: 1, replicationFactor: 1, config: {} }),
      ),
    ).rejects.toThrow(/forbidden/);
  });
});
