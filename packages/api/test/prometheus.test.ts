// GET /api/v1/clusters/{id}/metrics/prometheus against a real one-broker cluster (a real controller
// runs it): the answer parses with a real Prometheus text parser (parse-prometheus-text-format), the
// names and labels are the stable ones the README's scrape config and infra/grafana rely on, the
// broker's byte and message counters move after a produce, and the route has the API's guards
// (API key, the organisation's scope, 400 naming the id, 405) on both transports (handleRest and
// the console server's serveRest), and is in openapi.json as text/plain.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { env, repoRoot, overrideEnv } from "@weir/env";
import { seedPriceBook } from "@weir/domain";
import { LocalKafkaRuntime } from "@weir/runtime/local";
import { Kafka, logLevel } from "kafkajs";
import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestController, until, type TestController } from "../../../apps/controller/test/support.ts";
import { clusterClientSecurity } from "../../../apps/controller/test/tls-clients.ts";
import { handleRest, serveRest } from "../src/http.ts";
import { startHarness } from "./harness.ts";

const SECRET = "test-secret-key-0123456789abcdef0123456789";
overrideEnv({ WEIR_SECRET_KEY: SECRET });

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-prometheus-"));
let h: Awaited<ReturnType<typeof startHarness>>;
let runtime: LocalKafkaRuntime;
let tc: TestController | undefined;
let bearer: string;
let otherBearer: string;
let clusterId: string;
let kafka: Kafka;

async function scrape(id = clusterId, key = bearer, method = "GET") {
  const res = await handleRest(
    h.domain,
    new Request(`http://weir.test/api/v1/clusters/${id}/metrics/prometheus`, {
      method,
      headers: { authorization: `Bearer ${key}`, "user-agent": "prometheus-test" },
    }),
  );
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text(), headers: res.headers };
}

const family = (families: ParsedFamily[], name: string) => families.find((f) => f.name === name);
const valueOf = (families: ParsedFamily[], name: string, broker?: string) =>
  Number(family(families, name)?.metrics.find((m) => broker === undefined || m.labels?.broker === broker)?.value);

beforeAll(async () => {
  h = await startHarness();
  await seedPriceBook(h.db);
  const me = await h.signUp("prometheus-owner");
  const other = await h.signUp("prometheus-other");
  runtime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
  tc = await startTestController(h, { runtime, secretKey: SECRET }, (wake) =>
    runtime.onExit((id) => wake("KafkaCluster", id)),
  );
  await until("orgs ready", async () => (await h.db.project.count()) >= 2, 30_000);
  bearer = await h.apiKey(me, "VIEWER");
  otherBearer = await h.apiKey(other, "ADMIN");
  const admin = await h.apiKey(me, "ADMIN");
  const r = await h.rest("POST", "/clusters", {
    body: { name: "metrics", brokerCount: 1, brokerInstanceType: "kafka.t3.small", storageGbPerBroker: 20 },
    as: { bearer: admin },
  });
  expect(r.status).toBe(201);
  clusterId = r.body.id;
  const running = await until(
    "RUNNING",
    async () => {
      const c = (await h.rest("GET", `/clusters/${clusterId}`, { as: { bearer } })).body;
      return c.status === "RUNNING" && c;
    },
    180_000,
  );
  const cred = (await h.rest("POST", `/clusters/${clusterId}/admin-credential`, { body: {}, as: { bearer: admin } }))
    .body;
  kafka = new Kafka({
    clientId: "weir-prometheus-test",
    brokers: running.bootstrapServers.split(","),
    ssl: (await clusterClientSecurity(h.db, clusterId)).ssl,
    sasl: { mechanism: "scram-sha-512", username: cred.username, password: cred.password },
    logLevel: logLevel.NOTHING,
    retry: { retries: 20, initialRetryTime: 200, maxRetryTime: 2000 },
  });
}, 240_000);

afterAll(async () => {
  try {
    for (const c of await h.db.kafkaCluster.findMany()) await runtime.deleteGroup(c.id);
    await tc?.stop();
  } finally {
    await h.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);

describe("the Prometheus endpoint", () => {
  test("text format with stable names and labels; the broker's counters move after a produce", async () => {
    const before = await scrape();
    expect(before.status, before.text).toBe(200);
    expect(before.type).toMatch(/^text\/plain; version=0\.0\.4/);
    // Counted against the key's per-minute limit, as every API call is.
    expect(Number(before.headers.get("ratelimit-limit"))).toBeGreaterThan(0);
    expect(before.headers.get("ratelimit-remaining")).not.toBeNull();
    const parsed = parsePrometheusTextFormat(before.text);
    for (const name of [
      "weir_kafka_cluster_info",
      "weir_kafka_cluster_up",
      "weir_kafka_cluster_brokers",
      "weir_kafka_broker_up",
      "weir_kafka_broker_storage_bytes",
      "weir_kafka_broker_disk_used_bytes",
      "weir_kafka_broker_bytes_in_total",
      "weir_kafka_broker_bytes_out_total",
      "weir_kafka_broker_messages_in_total",
      "weir_kafka_broker_partitions",
      "weir_kafka_broker_under_replicated_partitions",
    ]) {
      expect(family(parsed, name), name).toBeDefined();
    }
    expect(family(parsed, "weir_kafka_broker_bytes_in_total")!.type).toBe("COUNTER");
    expect(family(parsed, "weir_kafka_broker_up")!.metrics[0]!.labels).toEqual({
      cluster: "metrics",
      cluster_id: clusterId,
      broker: "1",
    });
    expect(valueOf(parsed, "weir_kafka_cluster_up")).toBe(1);
    expect(valueOf(parsed, "weir_kafka_broker_storage_bytes", "1")).toBe(20 * 1024 ** 3);
    const bytesBefore = valueOf(parsed, "weir_kafka_broker_bytes_in_total", "1");
    const messagesBefore = valueOf(parsed, "weir_kafka_broker_messages_in_total", "1");

    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "scraped", numPartitions: 1, replicationFactor: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await until(
      "produced",
      () =>
        producer
          .send({
            topic: "scraped",
            acks: -1,
            messages: Array.from({ length: 200 }, (_, i) => ({ value: `m-${i}`.padEnd(1000, "x") })),
          })
          .then(() => true),
      60_000,
    );
    await producer.disconnect();

    const after = await until(
      "counters moved",
      async () => {
        const p = parsePrometheusTextFormat((await scrape()).text);
        return valueOf(p, "weir_kafka_broker_messages_in_total", "1") >= messagesBefore + 200 && p;
      },
      30_000,
    );
    expect(valueOf(after, "weir_kafka_broker_bytes_in_total", "1")).toBeGreaterThanOrEqual(bytesBefore + 200_000);
    expect(valueOf(after, "weir_kafka_broker_partitions", "1")).toBeGreaterThanOrEqual(1);

    // The Grafana dashboard asks only for names this endpoint serves.
    const dashboard = fs.readFileSync(path.join(repoRoot, "infra/grafana/weir-kafka.json"), "utf8");
    const asked = new Set(dashboard.match(/weir_kafka_\w+/g));
    expect(asked.size).toBeGreaterThan(5);
    for (const name of asked) expect(family(after, name), `dashboard metric ${name}`).toBeDefined();
  }, 120_000);

  test("the API's guards: a key, the organisation's scope, the id named, GET only", async () => {
    const none = await handleRest(
      h.domain,
      new Request(`http://weir.test/api/v1/clusters/${clusterId}/metrics/prometheus`),
    );
    expect(none.status).toBe(401);
    expect((await none.json()).error.code).toBe("UNAUTHENTICATED");
    const foreign = await scrape(clusterId, otherBearer);
    expect(foreign.status).toBe(404);
    const badId = await scrape("not-a-uuid");
    expect(badId.status).toBe(400);
    expect(JSON.parse(badId.text).error.fields).toHaveProperty("id");
    const post = await scrape(clusterId, bearer, "POST");
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
  });

  test("the console's Node server answers it too; openapi.json documents it as text/plain", async () => {
    const server = http.createServer((req, res) => void serveRest(h.domain, req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/clusters/${clusterId}/metrics/prometheus`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(family(parsePrometheusTextFormat(await res.text()), "weir_kafka_broker_bytes_in_total")).toBeDefined();
    } finally {
      server.close();
    }
    const doc = (await h.rest("GET", "/openapi.json")).body;
    const op = doc.paths["/clusters/{id}/metrics/prometheus"].get;
    expect(Object.keys(op.responses["200"].content)).toEqual(["text/plain"]);
    expect(op.security).toEqual([{ bearer: [] }, { session: [] }]);
  });
});
