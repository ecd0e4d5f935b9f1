// The hot reads that skip Prisma's includes (one SQL query per list) answer exactly what the
// per-resource reads, which keep them, answer for the same rows.
import { ensureDefaultProject } from "@weir/domain";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startHarness } from "./harness.ts";

let h: Awaited<ReturnType<typeof startHarness>>;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

test("GET /clusters lists each cluster exactly as GET /clusters/{id} shows it, newest first", async () => {
  const owner = await h.signUp("lister");
  const other = await h.signUp("stranger");
  for (const who of [owner, other]) {
    await ensureDefaultProject(h.db, who.orgId);
    const project = await h.db.project.findFirstOrThrow({ where: { orgId: who.orgId, isDefault: true } });
    // Rows only (no controller runs): clusters with and without brokers, brokers of every role,
    // timestamps, a large disk figure, conditions and a bootstrap address.
    await h.db.$executeRaw`
      INSERT INTO kafka_clusters (id, org_id, project_id, name, kafka_version, broker_count, broker_instance_type,
                                  storage_gb_per_broker, updated_at, created_at, conditions, bootstrap_servers)
      SELECT gen_random_uuid(), ${who.orgId}::uuid, ${project.id}::uuid, 'list-' || i, '3.9.2', 3, 'kafka.t3.small',
             20, now(), now() - i * interval '1 minute',
             '[{"type":"Ready","status":"False","reason":"Starting","message":"m",
                "lastTransitionTime":"2026-01-01T00:00:00.000Z","observedGeneration":1}]'::jsonb,
             CASE WHEN i % 2 = 0 THEN '127.0.0.1:9092' END
      FROM generate_series(1, 4) AS i`;
    await h.db.$executeRaw`
      INSERT INTO brokers (id, cluster_id, node_id, roles, port, status, started_at, disk_used_bytes, pid,
                           last_restart_at, updated_at)
      SELECT gen_random_uuid(), c.id, n,
             CASE WHEN n = 4 THEN 'controller' WHEN n = 3 THEN 'broker' ELSE 'broker,controller' END,
             CASE WHEN n < 4 THEN 9000 + n END,
             (CASE WHEN n = 1 THEN 'RUNNING' WHEN n = 2 THEN 'FAILED' ELSE 'PROVISIONING' END)::"ResourceStatus",
             now() - n * interval '1.234 seconds', 12345678901, 4000 + n, now(), now()
      FROM kafka_clusters c, generate_series(1, 4) AS n
      WHERE c.org_id = ${who.orgId}::uuid AND c.name <> 'list-3'`;
  }
  const list = await h.rest("GET", "/clusters", { as: owner });
  expect(list.status).toBe(200);
  expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(["list-1", "list-2", "list-3", "list-4"]);
  for (const item of list.body.items) {
    const one = await h.rest("GET", `/clusters/${item.id}`, { as: owner });
    expect(item).toEqual(one.body);
  }
  const withBrokers = list.body.items.find((c: { name: string }) => c.name === "list-1");
  expect(withBrokers.brokers.map((b: { nodeId: number }) => b.nodeId)).toEqual([1, 2, 3]);
  expect(withBrokers.controllers).toHaveLength(3);
  expect(list.body.items.find((c: { name: string }) => c.name === "list-3").brokers).toEqual([]);
});
