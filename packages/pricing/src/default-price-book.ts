// Weir's first price book, seeded from public list prices of comparable managed services
// (see shared/reference/market.md). Prices are strings: money never passes through a float.

export type Dimension =
  | "BROKER_HOURS"
  | "STORAGE_GB_HOURS"
  | "DATA_IN_GB"
  | "DATA_OUT_GB"
  | "COMPUTE_NODE_HOURS"
  | "JOB_HOURS"
  | "CONNECT_WORKER_HOURS";

export interface PriceEntry {
  sku: string;
  dimension: Dimension;
  /** What `unitPrice` is per. */
  unit: "hour" | "GB-month" | "GB";
  unitPrice: string;
  description: string;
  vcpu?: number;
  memoryGib?: number;
}

const broker = (sku: string, vcpu: number, memoryGib: number, unitPrice: string): PriceEntry => ({
  sku,
  dimension: "BROKER_HOURS",
  unit: "hour",
  unitPrice,
  description: `Kafka broker, ${vcpu} vCPU, ${memoryGib} GiB`,
  vcpu,
  memoryGib,
});

const sparkNode = (sku: string, vcpu: number, memoryGib: number, instance: string, total: string): PriceEntry => ({
  sku,
  dimension: "COMPUTE_NODE_HOURS",
  unit: "hour",
  unitPrice: total,
  description: `Spark worker, ${vcpu} vCPU, ${memoryGib} GiB ($0.05 software + $${instance} instance)`,
  vcpu,
  memoryGib,
});

// Kafka Connect workers, priced like a managed Connect service's capacity units ($0.11 per hour for
// 1 vCPU and 4 GiB), doubling with each size.
const connectWorker = (sku: string, vcpu: number, memoryGib: number, unitPrice: string): PriceEntry => ({
  sku,
  dimension: "CONNECT_WORKER_HOURS",
  unit: "hour",
  unitPrice,
  description: `Kafka Connect worker, ${vcpu} vCPU, ${memoryGib} GiB`,
  vcpu,
  memoryGib,
});

export const defaultPriceBook: { effectiveFrom: string; notes: string; prices: PriceEntry[] } = {
  effectiveFrom: "2026-01-01T00:00:00.000Z",
  notes: "Seeded from public list prices (us-east-1) of managed Kafka and Spark services.",
  prices: [
    broker("kafka.t3.small", 2, 2, "0.0456"),
    broker("kafka.m5.large", 2, 8, "0.21"),
    broker("kafka.m5.xlarge", 4, 16, "0.42"),
    broker("kafka.m5.2xlarge", 8, 32, "0.84"),
    broker("kafka.m5.4xlarge", 16, 64, "1.68"),
    broker("kafka.m5.8xlarge", 32, 128, "3.36"),
    broker("kafka.m5.12xlarge", 48, 192, "5.04"),
    broker("kafka.m5.16xlarge", 64, 256, "6.72"),
    broker("kafka.m5.24xlarge", 96, 384, "10.08"),
    {
      sku: "kafka.storage",
      dimension: "STORAGE_GB_HOURS",
      unit: "GB-month",
      unitPrice: "0.10",
      description: "Broker storage, provisioned GB per month (GB-hours / hours in the month)",
    },
    {
      sku: "kafka.data-in",
      dimension: "DATA_IN_GB",
      unit: "GB",
      unitPrice: "0.00",
      description: "Data written to brokers (ingress is free)",
    },
    {
      sku: "kafka.data-out",
      dimension: "DATA_OUT_GB",
      unit: "GB",
      unitPrice: "0.10",
      description: "Data read from brokers",
    },
    sparkNode("t2.small", 1, 2, "0.023", "0.073"),
    sparkNode("t2.medium", 2, 4, "0.0464", "0.0964"),
    sparkNode("t2.large", 2, 8, "0.0928", "0.1428"),
    sparkNode("t2.xlarge", 4, 16, "0.1856", "0.2356"),
    sparkNode("t2.2xlarge", 8, 32, "0.371", "0.421"),
    // Metered so a job's runtime shows on the bill under its compute cluster, but free: the driver
    // and executors run on the compute cluster's nodes, already billed as Spark node hours.
    {
      sku: "spark-job-driver",
      dimension: "JOB_HOURS",
      unit: "hour",
      unitPrice: "0.00",
      description: "Spark job runtime (included: runs on the compute cluster's nodes, billed as Spark node hours)",
    },
    connectWorker("connect.1mcu", 1, 4, "0.11"),
    connectWorker("connect.2mcu", 2, 8, "0.22"),
    connectWorker("connect.4mcu", 4, 16, "0.44"),
    connectWorker("connect.8mcu", 8, 32, "0.88"),
  ],
};
