// What the controller's Kafka cluster tests share: a real API over a fresh database, a signed-up
// owner with an ADMIN key, a real controller with the local runtime, and a cluster created
// through the REST API and waited for; then the clients that reach it (Weir's Admin, kafkajs),
// an acks=all producer kept running through a roll, and a consumer that reads everything back.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { seedPriceBook } from "@weir/domain";
import { env, overrideEnv } from "@weir/env";
import { KafkaAdmin } from "@weir/runtime";
import { LocalKafkaRuntime } from "@weir/runtime/local";
import { Kafka, logLevel } from "kafkajs";
import { startHarness } from "../../../packages/api/test/harness.ts";
import { startTestController, until as waitUntil, type TestController } from "./support.ts";

export const TEST_SECRET = "test-secret-key-0123456789abcdef0123456789";

/** How a test's clients reach a cluster: its addresses, its admin credential and (SASL_SSL) its CA. */
export interface ClusterAccess {
  id: string;
  bootstrap: string[];
  ca: string | null;
  admin: { username: string; password: string };
}

export interface ResourceEvent {
  id: string;
  reason: string;
  message: string;
}

type Cluster = any; // the REST answer, as JSON

export class KafkaHarness {
  /** The last status seen, for timeout messages. */
  lastSeen = "";
  /** The cluster `until` reports the recent events of on a timeout. */
  clusterId: string | undefined;

  /** The running controller's local runtime and the controller (replaced by startController). */
  runtime!: LocalKafkaRuntime;
  tc!: TestController;

  private constructor(
    readonly h: Awaited<ReturnType<typeof startHarness>>,
    readonly dataDir: string,
    public bearer = "",
  ) {}

  /**
   * Sets the test secret (and `extraEnv`) before anything reads the env, then starts the API,
   * signs `name`-owner up and starts a controller with the local Kafka runtime.
   */
  static async start(name: string, extraEnv: Record<string, string> = {}): Promise<KafkaHarness> {
    overrideEnv({ WEIR_SECRET_KEY: TEST_SECRET, ...extraEnv });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `weir-${name}-`));
    const h = await startHarness();
    await seedPriceBook(h.db);
    const me = await h.signUp(`${name}-owner`);
    const k = new KafkaHarness(h, dataDir);
    await k.startController();
    // The organisation's default project comes from the controller.
    await waitUntil("org ready", async () => (await h.db.project.count({ where: { orgId: me.orgId } })) > 0, 30_000);
    k.bearer = await h.apiKey(me, "ADMIN");
    return k;
  }

  /** A controller (and local runtime) over the same data, as a new controller process would be. */
  async startController() {
    const runtime = new LocalKafkaRuntime({ dataDir: this.dataDir, cacheDir: env().WEIR_CACHE_DIR });
    this.runtime = runtime;
    this.tc = await startTestController(this.h, { runtime, secretKey: TEST_SECRET }, (wake) =>
      runtime.onExit((id) => wake("KafkaCluster", id)),
    );
  }

  /** Stops the controller; the brokers it runs keep running. */
  stopController() {
    return this.tc.stop();
  }

  get db() {
    return this.h.db;
  }

  rest(method: string, urlPath: string, body?: unknown) {
    return this.h.rest(method, urlPath, { ...(body === undefined ? {} : { body }), as: { bearer: this.bearer } });
  }

  /** Waits for a condition; on a timeout the error carries the last status and the cluster's recent events. */
  async until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 120_000): Promise<T> {
    try {
      return await waitUntil(what, fn, ms, () => this.lastSeen);
    } catch (err) {
      const recent = this.clusterId ? (await this.events().catch(() => [])).slice(0, 15) : [];
      throw new Error(`${String(err)}\nRecent events:\n${recent.map((e) => `${e.reason}: ${e.message}`).join("\n")}`);
    }
  }

  async getCluster(id = this.clusterId): Promise<Cluster> {
    const c = (await this.rest("GET", `/clusters/${id}`)).body;
    this.lastSeen = `${c.status}: ${c.statusReason}`;
    return c;
  }

  /** The cluster's events, newest first; with `afterId`, only those written after that event. */
  async events(afterId?: string, id = this.clusterId): Promise<ResourceEvent[]> {
    const items = (await this.rest("GET", `/clusters/${id}/events`)).body.items as ResourceEvent[];
    return afterId === undefined ? items : items.filter((e) => BigInt(e.id) > BigInt(afterId));
  }

  /** The id of the newest event so far, to read only what an action writes after it. */
  async lastEventId(id = this.clusterId): Promise<string> {
    return (await this.events(undefined, id))[0]?.id ?? "0";
  }

  patch(body: Record<string, unknown>, id = this.clusterId) {
    return this.rest("PATCH", `/clusters/${id}`, body);
  }

  /**
   * Creates a cluster through the API, waits until `ready` says so (RUNNING by default) and asks
   * for its admin credential. Returns the POST's reply, the cluster as then and how to reach it.
   */
  async createCluster(
    body: Record<string, unknown>,
    ready: (c: Cluster) => boolean = (c) => c.status === "RUNNING",
    ms = 240_000,
  ) {
    const created = await this.rest("POST", "/clusters", body);
    if (created.status !== 201) throw new Error(`POST /clusters: ${created.status} ${JSON.stringify(created.body)}`);
    const id = created.body.id as string;
    this.clusterId = id;
    const running = await this.until(
      "the new cluster ready",
      async () => {
        const c = await this.getCluster(id);
        return ready(c) && c;
      },
      ms,
    );
    const cred = (await this.rest("POST", `/clusters/${id}/admin-credential`, {})).body;
    const row = await this.db.kafkaCluster.findUniqueOrThrow({ where: { id } });
    const access: ClusterAccess = {
      id,
      bootstrap: (running.bootstrapServers as string).split(","),
      ca: row.securityProtocol === "SASL_SSL" ? row.caCertPem : null,
      admin: { username: cred.username, password: cred.password },
    };
    return { created, running, cred, access };
  }

  /** A topic through the API (the topic reconciler creates it), waited for until READY. */
  async createTopic(id: string, name: string, partitions: number, replicationFactor: number, configs = {}) {
    const r = await this.rest("POST", `/clusters/${id}/topics`, { name, partitions, replicationFactor, configs });
    if (r.status !== 201) throw new Error(`POST topic ${name}: ${r.status} ${JSON.stringify(r.body)}`);
    await this.until(`topic ${name} READY`, async () => {
      const g = await this.rest("GET", `/clusters/${id}/topics/${name}`);
      return g.body?.status === "READY";
    });
  }

  /** Deletes every cluster's processes, stops the controller, the API and removes the data. */
  async close() {
    try {
      for (const c of await this.db.kafkaCluster.findMany()) await this.runtime?.deleteGroup(c.id);
      await this.tc?.stop();
    } finally {
      await this.h.close();
      fs.rmSync(this.dataDir, { recursive: true, force: true });
    }
  }
}

/** kafkajs for the cluster as `user` (its admin by default), trusting its CA on SASL_SSL. */
export function kafkajsFor(access: ClusterAccess, user = access.admin, clientId = "weir-test"): Kafka {
  return new Kafka({
    clientId,
    brokers: access.bootstrap,
    ssl: access.ca ? { ca: [access.ca] } : false,
    sasl: { mechanism: "scram-sha-512", username: user.username, password: user.password },
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 2000 },
    connectionTimeout: 5000,
  });
}

/** Weir's own Admin client (what the reconcilers use) for the cluster, as its admin. */
export function weirAdminFor(access: ClusterAccess): KafkaAdmin {
  return new KafkaAdmin({
    bootstrap: access.bootstrap,
    ...access.admin,
    ...(access.ca ? { ca: access.ca } : {}),
  });
}

export async function withWeirAdmin<T>(access: ClusterAccess, fn: (a: KafkaAdmin) => Promise<T>): Promise<T> {
  const a = weirAdminFor(access);
  try {
    return await fn(a);
  } finally {
    await a.close();
  }
}

export interface LoadResult<T> {
  /** What `action` returned. */
  result: T;
  /** Every value the producer saw acknowledged, in order. */
  acked: string[];
  /** How many were acknowledged when `action` returned. */
  ackedByEnd: number;
  /** Sends that failed and were sent again under the same value. */
  failed: number;
}

/**
 * Runs `action` while a producer sends numbered values (m-0, m-1, …) one at a time through `send`:
 * from 20 acknowledged before it to 20 more after it. A failed send is retried under the same
 * value, so every value in `acked` was acknowledged once (perhaps written twice).
 */
export async function underLoad<T>(
  k: KafkaHarness,
  send: (value: string, key: string) => Promise<unknown>,
  action: () => Promise<T>,
): Promise<LoadResult<T>> {
  const acked: string[] = [];
  let failed = 0;
  let stop = false;
  const sending = (async () => {
    for (let n = 0; !stop;) {
      const value = `m-${n}`;
      try {
        await send(value, String(n % 7));
        acked.push(value);
        n++;
      } catch {
        failed++;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  })();
  try {
    await k.until("the producer running", async () => acked.length >= 20, 60_000);
    const result = await action();
    const ackedByEnd = acked.length;
    await k.until("more acknowledged after it", async () => acked.length >= ackedByEnd + 20, 60_000);
    return { result, acked, ackedByEnd, failed };
  } finally {
    stop = true;
    await sending;
  }
}

/**
 * Reads `topic` from the beginning with kafkajs until `expected` distinct values (a count) or every
 * value given were seen, or 90 s passed: the caller's assertion names what is missing. Distinct
 * values, as a consumer group that rebalances may deliver a message twice.
 */
export async function consumeAll(k: KafkaHarness, kafka: Kafka, topic: string, expected: number | string[]) {
  const consumer = kafka.consumer({ groupId: `check-${Math.random().toString(36).slice(2)}` });
  const seen = new Set<string>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.add(message.value!.toString()) });
    await k.until(
      typeof expected === "number" ? `${expected} distinct messages` : `${expected.length} given messages`,
      async () => (typeof expected === "number" ? seen.size >= expected : expected.every((v) => seen.has(v))),
      90_000,
    );
  } catch {
    // The caller's assertion names what is missing.
  } finally {
    await consumer.disconnect();
  }
  return seen;
}
