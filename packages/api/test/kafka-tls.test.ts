// TLS of Kafka clusters through the API, on rows only (no controller runs; the real brokers are
// apps/controller/test/kafka-lifecycle.test.ts): the CA download as PEM, or why there is none; a
// rotation asked for, audited and refused where it cannot apply; another tenant sees nothing.
import { ensureDefaultProject, seedPriceBook } from "@weir/domain";
import { createClusterCa } from "@weir/runtime/tls";
import { afterAll, beforeAll, expect, test } from "vitest";
import { handleRest } from "../src/http.ts";
import { PEER_HEADER } from "../src/request-guards.ts";
import { startHarness } from "./harness.ts";

let h: Awaited<ReturnType<typeof startHarness>>;
beforeAll(async () => {
  h = await startHarness();
  await seedPriceBook(h.db);
});
afterAll(() => h.close());

test("CA download, rotation and their refusals", async () => {
  const owner = await h.signUp("tls-api");
  const stranger = await h.signUp("tls-stranger");
  await ensureDefaultProject(h.db, owner.orgId);
  const bearer = await h.apiKey(owner, "ADMIN");
  const r = await h.rest("POST", "/clusters", {
    body: { name: "orders", brokerCount: 1, brokerInstanceType: "kafka.t3.small", storageGbPerBroker: 20 },
    as: { bearer },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  expect(r.body.securityProtocol).toBe("SASL_SSL");
  expect(r.body.tls).toEqual({ caCertificateAvailable: false, certificatesExpireAt: null });
  expect(r.body.plaintextLoopback).toBe(false);
  const id = r.body.id as string;

  const download = async (as = bearer) => {
    const res = await handleRest(
      h.domain,
      new Request(`http://weir.test/api/v1/clusters/${id}/ca-certificate`, {
        headers: { authorization: `Bearer ${as}`, [PEER_HEADER]: "203.0.113.7" },
      }),
    );
    return { status: res.status, type: res.headers.get("content-type"), text: await res.text(), res };
  };
  // No CA yet: the controller makes it at the first pass.
  expect((await download()).status).toBe(503);

  const ca = await createClusterCa({ clusterId: id, clusterName: r.body.name });
  await h.db.kafkaCluster.update({ where: { id }, data: { caCertPem: ca.certPem, status: "RUNNING" } });
  const ok = await download();
  expect(ok.status).toBe(200);
  expect(ok.type).toBe("application/x-pem-file");
  expect(ok.text).toBe(ca.certPem);
  expect(ok.res.headers.get("content-disposition")).toBe(`attachment; filename="${r.body.name}-ca.pem"`);
  expect((await h.rest("GET", `/clusters/${id}`, { as: { bearer } })).body.tls.caCertificateAvailable).toBe(true);
  const cred = await h.rest("POST", `/clusters/${id}/admin-credential`, { body: {}, as: { bearer } });
  // The credential is not ready (no controller ran), so no answer carries the CA yet.
  expect(cred.status).toBe(409);

  // Another tenant: 404, as for a missing cluster.
  const strangerKey = await h.apiKey(stranger, "ADMIN");
  expect((await download(strangerKey)).status).toBe(404);
  expect(
    (await h.rest("POST", `/clusters/${id}/rotate-certificates`, { body: {}, as: { bearer: strangerKey } })).status,
  ).toBe(404);

  // A rotation: the generation moves, the request time is recorded, the audit log says so.
  const before = (await h.rest("GET", `/clusters/${id}`, { as: { bearer } })).body;
  const rotated = await h.rest("POST", `/clusters/${id}/rotate-certificates`, {
    body: { generation: before.generation },
    as: { bearer },
  });
  expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
  expect(rotated.body.generation).toBe(before.generation + 1);
  expect((await h.db.kafkaCluster.findUniqueOrThrow({ where: { id } })).certRotationRequestedAt).not.toBeNull();
  const audit = await h.rest("GET", "/audit-events?action=kafka_cluster.rotate_certificates", { as: { bearer } });
  expect(audit.body.items).toHaveLength(1);

  // A cluster made before TLS has no CA and nothing to rotate: 409.
  await h.db.kafkaCluster.update({ where: { id }, data: { securityProtocol: "SASL_PLAINTEXT" } });
  expect((await download()).status).toBe(409);
  const plain = await h.rest("POST", `/clusters/${id}/rotate-certificates`, { body: {}, as: { bearer } });
  expect(plain.status).toBe(409);
  expect(plain.body.error.message).toMatch(/SASL_PLAINTEXT/);
  expect((await h.rest("GET", `/clusters/${id}`, { as: { bearer } })).body.securityProtocol).toBe("SASL_PLAINTEXT");
});
