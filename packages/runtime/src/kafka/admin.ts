// Weir's Kafka Admin client: the one way the control plane talks to a cluster (SCRAM-SHA-512
// with the cluster's admin credential), so the same code manages local brokers or any Kafka.
// @platformatic/kafka's Admin covers most calls; DescribeCluster and the partition
// reassignment APIs are sent as raw protocol requests through its Connection.
import {
  Admin,
  Connection,
  alterPartitionReassignmentsV0,
  describeClusterV1,
  listPartitionReassignmentsV0,
  metadataV12,
  unregisterBrokerV0,
  type Broker,
} from "@platformatic/kafka";

export interface ClusterDescription {
  clusterId: string;
  controllerId: number;
  /** `rack` is the broker's broker.rack (its zone), null when not set. */
  brokers: { nodeId: number; host: string; port: number; rack: string | null }[];
}

export interface TopicPartitions {
  name: string;
  partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[];
}

export interface AdminOptions {
  bootstrap: string[];
  username: string;
  password: string;
  /** Per-request timeout; short by default so a dead broker is noticed quickly. */
  timeoutMs?: number;
  /** SASL_SSL: the cluster's CA (PEM), the only one trusted; absent: SASL_PLAINTEXT. */
  ca?: string;
}

function parseBroker(hostPort: string): Broker {
  const i = hostPort.lastIndexOf(":");
  return { host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) };
}

export class KafkaAdmin {
  readonly admin: Admin;
  readonly opts: AdminOptions;

  constructor(opts: AdminOptions) {
    this.opts = opts;
    this.admin = new Admin({
      clientId: "weir-controller",
      bootstrapBrokers: opts.bootstrap,
      sasl: { mechanism: "SCRAM-SHA-512", username: opts.username, password: opts.password },
      ...(opts.ca ? { tls: { ca: opts.ca } } : {}),
      connectTimeout: opts.timeoutMs ?? 5_000,
      requestTimeout: opts.timeoutMs ?? 10_000,
      timeout: opts.timeoutMs ?? 10_000,
      retries: 1,
      retryDelay: 200,
      metadataMaxAge: 1_000,
    });
    this.admin.on("error", () => undefined);
  }

  /** One raw connection, kept open and shared: a SASL handshake per request would cost more than the request. */
  private raw: Promise<Connection> | null = null;

  private connectRaw(): Promise<Connection> {
    this.raw ??= (async () => {
      let lastError: unknown;
      for (const hostPort of this.opts.bootstrap) {
        const { host, port } = parseBroker(hostPort);
        const conn = new Connection("weir-controller", {
          sasl: { mechanism: "SCRAM-SHA-512", username: this.opts.username, password: this.opts.password },
          ...(this.opts.ca ? { tls: { ca: this.opts.ca } } : {}),
          connectTimeout: this.opts.timeoutMs ?? 5_000,
          requestTimeout: this.opts.timeoutMs ?? 10_000,
        });
        // Without a listener an 'error' event would be thrown as an uncaught exception.
        conn.on("error", () => undefined);
        try {
          await conn.connect(host, port);
          return conn;
        } catch (err) {
          lastError = err;
          await conn.close().catch(() => undefined);
        }
      }
      throw lastError instanceof Error ? lastError : new Error("No broker of the cluster answered");
    })();
    this.raw.catch(() => (this.raw = null));
    return this.raw;
  }

  /** Runs a raw request on the shared connection; a broken connection is replaced once. */
  async withConnection<T>(fn: (c: Connection) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const conn = await this.connectRaw();
      try {
        return await fn(conn);
      } catch (err) {
        // Kafka answered (with an error in the response): the connection is fine.
        if ((err as { response?: unknown }).response !== undefined || attempt > 0) throw err;
        if (this.raw) void this.raw.then((c) => c.close()).catch(() => undefined);
        this.raw = null;
      }
    }
  }

  /** The brokers registered (and not fenced) in the cluster, through DescribeCluster. */
  async describeCluster(): Promise<ClusterDescription> {
    const res = await this.withConnection((c) => describeClusterV1.api.async(c, false, 1));
    return {
      clusterId: res.clusterId,
      controllerId: res.controllerId,
      brokers: res.brokers
        .map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack ?? null }))
        .sort((a, b) => a.nodeId - b.nodeId),
    };
  }

  /**
   * Every topic, internal ones included, with its partitions' leader, replicas and in-sync
   * replicas: one Metadata request for the whole cluster, whatever the topic count.
   */
  async topics(): Promise<(TopicPartitions & { internal: boolean })[]> {
    const res = await this.withConnection((c) => metadataV12.api.async(c, null, false, false));
    return res.topics
      .filter((t) => t.name && t.errorCode === 0)
      .map((t) => ({
        name: t.name!,
        internal: t.isInternal,
        partitions: t.partitions
          .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes }))
          .sort((x, y) => x.partition - y.partition),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Removes a stopped broker from the cluster's metadata (KRaft keeps it fenced otherwise). */
  async unregisterBroker(nodeId: number): Promise<void> {
    const res = await this.withConnection((c) => unregisterBrokerV0.api.async(c, nodeId));
    if (res.errorCode !== 0)
      throw new Error(`Kafka refused to unregister broker ${nodeId}: ${res.errorMessage ?? res.errorCode}`);
  }

  /** Moves partitions to new replica sets; Kafka copies the data, then switches. */
  async reassign(moves: { topic: string; partition: number; replicas: number[] }[]): Promise<void> {
    if (moves.length === 0) return;
    const byTopic = new Map<string, { partitionIndex: number; replicas: number[] }[]>();
    for (const m of moves) {
      const list = byTopic.get(m.topic) ?? [];
      list.push({ partitionIndex: m.partition, replicas: m.replicas });
      byTopic.set(m.topic, list);
    }
    const topics = [...byTopic].map(([name, partitions]) => ({ name, partitions }));
    const res = await this.withConnection((c) => alterPartitionReassignmentsV0.api.async(c, 30_000, false, topics));
    const failed = res.responses.flatMap((t) =>
      t.partitions
        .filter((p) => p.errorCode !== 0)
        .map((p) => `${t.name}-${p.partitionIndex}: ${p.errorMessage ?? p.errorCode}`),
    );
    if (res.errorCode !== 0 || failed.length > 0) {
      throw new Error(`Kafka refused the partition moves: ${res.errorMessage ?? failed.join("; ")}`);
    }
  }

  /** How many partition reassignments are still copying data. */
  async reassignmentsInProgress(): Promise<number> {
    const res = await this.withConnection((c) =>
      // null asks for every reassignment in progress (the protocol's nullable array).
      listPartitionReassignmentsV0.api.async(c, 30_000, null as unknown as []),
    );
    return res.topics.reduce((n, t) => n + t.partitions.length, 0);
  }

  async close(): Promise<void> {
    const raw = this.raw;
    this.raw = null;
    await raw?.then((c) => c.close()).catch(() => undefined);
    await this.admin.close().catch(() => undefined);
  }
}
