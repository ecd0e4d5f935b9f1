// Output schemas: what the API promises to return (and what openapi.json documents).
import { z } from "zod";

export const role = z.enum(["OWNER", "ADMIN", "DEVELOPER", "VIEWER"]);
export const status = z.enum(["PROVISIONING", "READY", "RUNNING", "UPDATING", "DEGRADED", "DELETING", "FAILED"]);

export const user = z.object({ id: z.string(), email: z.string(), name: z.string(), createdAt: z.date() });

export const organization = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  status,
  statusReason: z.string(),
  generation: z.number(),
  observedGeneration: z.number(),
  createdAt: z.date(),
  role,
});

export const resourceEvent = z.object({
  id: z.string(),
  type: z.enum(["NORMAL", "WARNING"]),
  reason: z.string(),
  message: z.string(),
  createdAt: z.date(),
});

export const organizationDetail = organization.extend({
  conditions: z.array(z.unknown()),
  events: z.array(resourceEvent),
});

export const project = z.object({
  id: z.string(),
  name: z.string(),
  isDefault: z.boolean(),
  maxKafkaClusters: z.number(),
  maxBrokersPerCluster: z.number(),
  maxStorageGbPerBroker: z.number(),
  maxComputeClusters: z.number(),
  maxWorkersPerCluster: z.number(),
  createdAt: z.date(),
});

export const member = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role,
  joinedAt: z.date(),
});

export const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  prefix: z.string(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});

export const auditEvent = z.object({
  id: z.string(),
  actorType: z.enum(["USER", "API_KEY", "SYSTEM"]),
  actorId: z.string().nullable(),
  actorLabel: z.string(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string().nullable(),
  resourceName: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.date(),
});

// ---------------------------------------------------------------- pricing and billing
// Money and quantities are decimal strings ("453.60"), never floats.

const dimension = z.enum([
  "BROKER_HOURS",
  "STORAGE_GB_HOURS",
  "DATA_IN_GB",
  "DATA_OUT_GB",
  "COMPUTE_NODE_HOURS",
  "JOB_HOURS",
  "CONNECT_WORKER_HOURS",
]);

export const price = z.object({
  sku: z.string(),
  dimension,
  unit: z.string(),
  unitPrice: z.string(),
  description: z.string(),
  vcpu: z.number().optional(),
  memoryGib: z.number().optional(),
});

export const priceBookVersion = z.object({
  id: z.string(),
  version: z.number(),
  effectiveFrom: z.date(),
  notes: z.string(),
});

export const priceBook = priceBookVersion.extend({ currency: z.string(), prices: z.array(price) });

export const line = z.object({
  resourceKind: z.string(),
  resourceId: z.string(),
  resourceName: z.string(),
  dimension,
  sku: z.string(),
  quantity: z.string(),
  unit: z.string(),
  unitPrice: z.string(),
  amount: z.string(),
});

const priced = z.object({
  currency: z.string(),
  priceBookVersion: z.number(),
  lines: z.array(line.extend({ description: z.string() })),
  subtotal: z.string(),
  total: z.string(),
});

const clusterOption = z.object({
  brokers: z.number(),
  instanceType: z.string(),
  storageGbPerBroker: z.number(),
  fits: z.boolean(),
  reasoning: z.string(),
  perBroker: z.object({ throughputMBps: z.number(), partitions: z.number(), storageGb: z.number() }),
  limits: z.object({ throughputMBps: z.number(), partitions: z.number(), storageGb: z.number(), brokers: z.number() }),
  /** Project quota fields that stand in the way of creating this option. */
  quotaBlocks: z.array(z.enum(["maxBrokersPerCluster", "maxStorageGbPerBroker"])),
  estimate: priced,
});

export const estimate = z.object({
  priceBookVersion: z.number(),
  currency: z.string(),
  fits: z.boolean(),
  summary: z.string(),
  hoursInMonth: z.number(),
  traffic: z.object({
    ingressMBps: z.number(),
    egressMBps: z.number(),
    brokerTrafficMBps: z.number(),
    retainedGb: z.number(),
  }),
  dataInGb: z.string(),
  dataOutGb: z.string(),
  recommended: clusterOption.nullable(),
  options: z.array(clusterOption),
  /** The project quota the estimate respects (what every new project gets). */
  quota: z.object({ maxBrokersPerCluster: z.number(), maxStorageGbPerBroker: z.number() }).nullable(),
});

export const usage = z.object({
  month: z.string(),
  granularity: z.enum(["hour", "day", "month"]),
  items: z.array(
    z.object({
      periodStart: z.date(),
      resourceKind: z.string(),
      resourceId: z.string(),
      resourceName: z.string(),
      dimension,
      sku: z.string(),
      quantity: z.string(),
      unit: z.string(),
    }),
  ),
});

export const csvExport = z.object({ filename: z.string(), contentType: z.string(), csv: z.string() });

export const invoice = z.object({
  id: z.string(),
  month: z.string(),
  periodStart: z.date(),
  periodEnd: z.date(),
  status: z.enum(["OPEN", "FINAL"]),
  currency: z.string(),
  subtotal: z.string(),
  total: z.string(),
  priceBookVersion: z.number(),
  finalizedAt: z.date().nullable(),
});

export const invoiceDetail = invoice.extend({ lines: z.array(line) });

export const budget = z.object({
  monthlyAmount: z.string(),
  thresholdPercent: z.number(),
  thresholdAmount: z.string(),
  monthToDate: z.string(),
  percentUsed: z.number(),
  crossed: z.boolean(),
  notifiedForMonth: z.boolean(),
});

export const billingSummary = z.object({
  month: z.string(),
  periodStart: z.date(),
  periodEnd: z.date(),
  currency: z.string(),
  priceBookVersion: z.number(),
  invoiceId: z.string().nullable(),
  status: z.enum(["OPEN", "FINAL"]),
  monthToDate: z.string(),
  forecast: z.string(),
  forecastLines: z.array(line),
  dailySpend: z.array(
    z.object({ day: z.string(), resourceId: z.string(), resourceName: z.string(), amount: z.string() }),
  ),
  budget: budget.nullable(),
});

// ---------------------------------------------------------------- Kafka clusters

export const condition = z.object({
  type: z.string(),
  status: z.enum(["True", "False", "Unknown"]),
  reason: z.string(),
  message: z.string(),
  lastTransitionTime: z.string(),
  observedGeneration: z.number(),
});

export const brokerNode = z.object({
  nodeId: z.number(),
  roles: z.string(),
  /** The zone (broker.rack) the node runs in. */
  zone: z.string(),
  address: z.string().nullable(),
  status,
  statusReason: z.string(),
  pid: z.number().nullable(),
  startedAt: z.date().nullable(),
  restartCount: z.number(),
  diskUsedBytes: z.number(),
  kafkaVersion: z
    .string()
    .nullable()
    .describe("The Kafka release the node's process was started with (null: not recorded yet)"),
});

export const kafkaCluster = z.object({
  id: z.string(),
  name: z.string(),
  projectId: z.string(),
  projectName: z.string().nullable(),
  kafkaVersion: z.string(),
  metadataVersion: z
    .string()
    .nullable()
    .describe(
      "The metadata.version the cluster runs at, as Kafka reports it (raised at the end of an upgrade); null until read",
    ),
  upgrade: z
    .object({ to: z.string(), brokersDone: z.number(), brokers: z.number() })
    .nullable()
    .describe("An in-place Kafka upgrade in progress: the release, and how many brokers run it so far"),
  upgradableTo: z
    .array(z.string())
    .describe("The releases this cluster can be upgraded to in place (PATCH kafkaVersion)"),
  brokerCount: z.number(),
  brokerInstanceType: z.string(),
  storageGbPerBroker: z.number(),
  /** storageGbPerBroker in bytes: what each broker's log dirs are watched against. */
  storageQuotaBytes: z.number(),
  storageProtection: z.enum(["retention-bytes", "alert-only"]),
  /** Zones the brokers are spread over (1-3). */
  zoneCount: z.number(),
  brokerConfig: z
    .record(z.string(), z.string())
    .describe("The user's cluster-level broker config overrides in force; Weir's defaults for every other key"),
  saslMechanism: z.string(),
  securityProtocol: z
    .enum(["SASL_SSL", "SASL_PLAINTEXT"])
    .describe(
      "The client listener: SASL_SSL (new clusters; trust the cluster's CA, GET /clusters/{id}/ca-certificate) or SASL_PLAINTEXT (clusters created before TLS)",
    ),
  tls: z.object({
    caCertificateAvailable: z
      .boolean()
      .describe("The cluster's CA certificate can be downloaded (GET /clusters/{id}/ca-certificate)"),
    certificatesExpireAt: z
      .date()
      .nullable()
      .describe("When the first broker certificate expires; Weir renews them 30 days before, one broker at a time"),
  }),
  plaintextLoopback: z.boolean().describe("The brokers also listen on SASL_PLAINTEXT on 127.0.0.1"),
  loopbackBootstrapServers: z
    .string()
    .nullable()
    .describe("The SASL_PLAINTEXT loopback listeners (plaintextLoopback clusters), for clients on the Weir host"),
  /** The driver that runs the cluster: processes on the controller's host, or Strimzi on Kubernetes. */
  runtime: z.enum(["local", "kubernetes"]),
  bootstrapServers: z.string().nullable(),
  status,
  statusReason: z.string(),
  generation: z.number(),
  observedGeneration: z.number(),
  conditions: z.array(condition),
  progress: z.object({ done: z.number(), total: z.number() }),
  createdAt: z.date(),
  updatedAt: z.date(),
  brokers: z.array(brokerNode),
  controllers: z.array(z.object({ nodeId: z.number(), status, combined: z.boolean() })),
});

export const clusterOptions = z.object({
  kafkaVersions: z.array(z.string()),
  defaultKafkaVersion: z.string(),
  instanceTypes: z.array(z.object({ sku: z.string(), vcpu: z.number(), memoryGib: z.number(), hourly: z.string() })),
  minStorageGb: z.number(),
  maxStorageGb: z.number(),
  maxBrokers: z.number(),
  runtimes: z
    .array(z.enum(["local", "kubernetes"]))
    .describe("The runtimes a new cluster may have (kubernetes only when a Kubernetes API is configured)"),
  defaultRuntime: z.enum(["local", "kubernetes"]).describe("WEIR_RUNTIME: what a cluster gets when none is named"),
});

export const adminCredential = z.object({
  username: z.string(),
  password: z.string(),
  mechanism: z.string(),
  securityProtocol: z.string(),
  caCertificatePem: z
    .string()
    .nullable()
    .describe("SASL_SSL: the cluster's CA certificate (PEM) its clients trust, as GET /clusters/{id}/ca-certificate"),
  bootstrapServers: z.string().nullable(),
});

export const clusterMetrics = z.object({
  storageQuotaBytes: z.number(),
  samples: z.array(
    z.object({
      at: z.date(),
      bytesInPerSec: z.number(),
      bytesOutPerSec: z.number(),
      messagesInPerSec: z.number(),
      partitions: z.number(),
      underReplicated: z.number(),
      diskUsedBytes: z.number(),
    }),
  ),
});
