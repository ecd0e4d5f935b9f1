// pnpm bench:topics — what Weir's desired-state path costs over raw Kafka, and whether lists
// stay fast at scale. One process: embedded Postgres, one local Kafka broker, the Topic
// reconciler in a Controller, the REST handler.
//   1. 1,000 topics created through POST /clusters/{id}/topics, timed until all are READY
//      (reconciled into Kafka), next to two baselines in the same run with the Admin API
//      directly: one CreateTopics request carrying all 1,000 (the fastest way by hand, run
//      first, on the emptiest broker) and 8 clients each creating topics one request at a time.
//   2. The topics page (GET /clusters/{id}/topics, 50 per page) at 5,000 topics, and the
//      consumer groups page at 1,000 groups: server time per page, median of 20.
import { kafkaAdmins } from "@weir/runtime";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { handleRest } from "@weir/api/http";
import { Controller } from "@weir/controller";
import { createDb } from "@weir/db";
import { createTestDatabase, prepareTemplate, startTestPostgres, TEMPLATE_DB } from "@weir/db/testing";
import { createDomain, encryptSecret, ensureDefaultProject } from "@weir/domain";
import { env, resetEnv } from "@weir/env";
import {
  KafkaAdmin,
  commitGroupOffsets,
  createTopics,
  initialNodes,
  newKafkaClusterId,
  topicRequestCounts,
} from "@weir/runtime";
import { LocalKafkaRuntime, freePorts } from "@weir/runtime/local";
import { topicReconciler } from "../apps/controller/src/reconcilers/topic.ts";

const N = Number(process.argv[2] ?? 1000);
const TOTAL = Number(process.argv[3] ?? 5000);
const GROUPS = Number(process.argv[4] ?? 1000);
const CONCURRENCY = 8;
const SECRET = randomBytes(32).toString("hex");
process.env.WEIR_SECRET_KEY = SECRET;
resetEnv();

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

const seconds = (ns: bigint) => Number(ns) / 1e9;

async function main() {
  const server = await startTestPostgres();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-bench-topics-"));
  const runtime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
  const runtimeId = randomUUID();
  let controller: Controller | undefined;
  let admin: KafkaAdmin | undefined;
  try {
    await prepareTemplate(server.url);
    const url = await createTestDatabase(server.url(TEMPLATE_DB), "bench");
    const db = createDb(url, 8);
    const domain = createDomain(db);
    const meta = { ip: null, userAgent: null };
    const { organization, user } = await domain.accounts.signUp(
      { email: "bench@example.com", password: "a long password", name: "Bench" },
      meta,
    );
    await ensureDefaultProject(db, organization.id);
    const scope = {
      principal: { kind: "user" as const, userId: user.id, email: user.email, name: user.name, sessionId: "" },
      meta,
      orgId: organization.id,
      role: "OWNER" as const,
    };
    const { key } = await domain.apiKeys.create(scope, { name: "bench", role: "ADMIN" });

    const ports = await freePorts(3);
    const password = randomBytes(12).toString("hex");
    const kafkaClusterId = newKafkaClusterId(randomBytes(16));
    const spec = {
      clusterId: runtimeId,
      kafkaClusterId,
      kafkaVersion: "3.9.2",
      defaultReplication: 1,
      admin: { username: "weir-admin", password },
      // 16 GiB scales to a 1 GiB heap in the local driver: room for 7,000 partitions.
      instanceType: { sku: "kafka.m5.2xlarge", vcpu: 8, memoryGib: 16 },
      nodes: initialNodes(1).map((n) => ({
        ...n,
        host: "127.0.0.1",
        port: ports[0]!,
        controllerPort: ports[1]!,
        metricsPort: ports[2]!,
      })),
    };
    await runtime.ensureNode(spec, 1);
    const bootstrap = `127.0.0.1:${ports[0]}`;
    admin = new KafkaAdmin({ bootstrap: [bootstrap], username: "weir-admin", password, timeoutMs: 30_000 });
    for (let i = 0; ; i++) {
      const ok = await admin.describeCluster().then(
        (d) => d.brokers.length === 1,
        () => false,
      );
      if (ok) break;
      if (i > 300) throw new Error("broker did not start");
      await new Promise((r) => setTimeout(r, 300));
    }
    const project = await db.project.findFirstOrThrow({ where: { orgId: organization.id } });
    const cluster = await db.kafkaCluster.create({
      data: {
        orgId: organization.id,
        projectId: project.id,
        name: "bench",
        kafkaVersion: "3.9.2",
        brokerCount: 1,
        brokerInstanceType: "kafka.m5.2xlarge",
        storageGbPerBroker: 100,
        bootstrapServers: bootstrap,
        kafkaClusterId,
        adminUsername: "weir-admin",
        adminPasswordEncrypted: encryptSecret(password, SECRET),
        // The broker started above listens on SASL_PLAINTEXT (its spec asks for no TLS).
        securityProtocol: "SASL_PLAINTEXT",
        status: "RUNNING",
      },
    });
    controller = new Controller({
      db,
      databaseUrl: url,
      reconcilers: [topicReconciler({ secretKey: SECRET })],
      concurrency: env().WEIR_CONTROLLER_CONCURRENCY,
      resyncIntervalMs: 600_000,
    });
    await controller.start();

    const rest = async (method: string, p: string, body?: unknown) => {
      const res = await handleRest(
        domain,
        new Request(`http://bench/api/v1/clusters/${cluster.id}${p}`, {
          method,
          headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        }),
      );
      const json = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };

    console.log(`1 local Kafka 3.9.2 broker, ${CONCURRENCY} clients at once, ${N} topics of 1 partition each\n`);
    const names = (prefix: string) =>
      Array.from({ length: N }, (_, i) => `${prefix}.topic-${String(i).padStart(5, "0")}`);

    // Baseline 1: one CreateTopics request carrying all N.
    const batchedNames = names("batched");
    const b0 = process.hrtime.bigint();
    const refused = (
      await createTopics(
        admin,
        batchedNames.map((name) => ({ name, partitions: 1, replicationFactor: 1, configs: {} })),
      )
    ).filter(Boolean);
    if (refused.length > 0) throw new Error(`the batched CreateTopics refused ${refused.length}: ${refused[0]}`);
    const b1 = process.hrtime.bigint();

    const restNames = names("rest");
    const before = topicRequestCounts().creates;
    const t0 = process.hrtime.bigint();
    await pool(restNames, CONCURRENCY, (name) => rest("POST", "/topics", { name, partitions: 1 }));
    const accepted = process.hrtime.bigint();
    for (;;) {
      const ready = await db.topic.count({ where: { clusterId: cluster.id, status: "READY" } });
      if (ready >= N) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const reconciled = process.hrtime.bigint();
    const after = topicRequestCounts().creates;

    // Baseline 2: 8 clients, one CreateTopics per topic (the Admin client's own call, not batched).
    const directNames = names("direct");
    const d0 = process.hrtime.bigint();
    await pool(directNames, CONCURRENCY, (name) =>
      admin!.admin.createTopics({ topics: [name], partitions: 1, replicas: 1 }),
    );
    const d1 = process.hrtime.bigint();

    const restAccept = seconds(accepted - t0);
    const restAll = seconds(reconciled - t0);
    const batched = seconds(b1 - b0);
    const direct = seconds(d1 - d0);
    const line = (label: string, s: number) =>
      console.log(`${label.padEnd(64)} ${s.toFixed(2).padStart(7)} s  ${(N / s).toFixed(0).padStart(5)} topics/s`);
    line(`REST: ${N} POSTs accepted (validated with Kafka, saved)`, restAccept);
    line(`REST: until all ${N} are READY (reconciled into Kafka)`, restAll);
    line(`Admin API directly: one CreateTopics request carrying all ${N}`, batched);
    line(`Admin API directly: ${CONCURRENCY} clients, one CreateTopics per topic`, direct);
    console.log(
      `CreateTopics requests Weir sent (validations and creates): ${after.requests - before.requests} for ${after.items - before.items} topics`,
    );
    console.log(`ratio REST-until-reconciled / one batched request: ${(restAll / batched).toFixed(2)}x (goal ≤ 1.5x)`);
    console.log(
      `ratio REST-until-reconciled / ${CONCURRENCY} clients one at a time: ${(restAll / direct).toFixed(2)}x\n`,
    );
    if (TOTAL === 0) return;

    // Fill up to TOTAL topics (created outside Weir: the page lists them as unmanaged).
    const fill = Array.from(
      { length: Math.max(0, TOTAL - 3 * N) },
      (_, i) => `bulk.topic-${String(i).padStart(5, "0")}`,
    );
    for (let i = 0; i < fill.length; i += 250) {
      await admin.admin.createTopics({ topics: fill.slice(i, i + 250), partitions: 1, replicas: 1 });
    }
    const groupIds = Array.from({ length: GROUPS }, (_, i) => `bench-group-${String(i).padStart(4, "0")}`);
    // The first group commit makes Kafka create __consumer_offsets; wait for its coordinator.
    for (let i = 0; ; i++) {
      const ok = await commitGroupOffsets(admin, groupIds[0]!, [
        { topic: restNames[0]!, partition: 0, offset: 0n },
      ]).then(
        () => true,
        () => false,
      );
      if (ok) break;
      if (i > 100) throw new Error("the group coordinator did not come up");
      await new Promise((r) => setTimeout(r, 500));
    }
    await pool(groupIds, CONCURRENCY, (g) =>
      commitGroupOffsets(admin!, g, [{ topic: restNames[groupIds.indexOf(g) % N]!, partition: 0, offset: 0n }]),
    );

    async function median(label: string, p: string) {
      const times: number[] = [];
      let body: Record<string, unknown> = {};
      for (let i = 0; i < 22; i++) {
        const s = process.hrtime.bigint();
        body = await rest("GET", p);
        if (i >= 2) times.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
      times.sort((a, b) => a - b);
      const m = times[Math.floor(times.length / 2)]!;
      console.log(`${label.padEnd(58)} ${m.toFixed(1).padStart(7)} ms  (total ${String(body.total).padStart(5)})`);
    }
    const total = (await rest("GET", "/topics?pageSize=1")).total;
    console.log(`topics page at ${String(total)} topics (${N} managed), median of 20 calls, server time:`);
    await median("  GET /topics?page=1&pageSize=50", "/topics?page=1&pageSize=50");
    await median("  GET /topics?page=60&pageSize=50", "/topics?page=60&pageSize=50");
    await median("  GET /topics?search=topic-0042&pageSize=50", "/topics?search=topic-0042&pageSize=50");
    await median("  GET /topics?filter=unmanaged&pageSize=50", "/topics?filter=unmanaged&pageSize=50");
    console.log(`consumer groups page at ${GROUPS} groups:`);
    await median("  GET /consumer-groups?page=1&pageSize=25", "/consumer-groups?page=1&pageSize=25");
    await median("  GET /consumer-groups?search=group-09&pageSize=25", "/consumer-groups?search=group-09&pageSize=25");
    console.log(
      "\nAdmin calls per page: topics 2 (Metadata for the names, Metadata for the page's partitions);" +
        " groups 4 (ListGroups, DescribeGroups, OffsetFetch, ListOffsets for the page).",
    );
    await db.$disconnect();
  } finally {
    await controller?.stop();
    await admin?.close();
    await kafkaAdmins.close();
    await runtime.deleteGroup(runtimeId);
    fs.rmSync(dataDir, { recursive: true, force: true });
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
