// TLS by default, on one real 3-broker cluster created through the REST API with a plaintext
// loopback listener: the CA downloaded from the API lets Debian's kcat produce and consume over
// SASL_SSL; the same client without TLS, or trusting another CA, is refused; the loopback
// SASL_PLAINTEXT listener answers on 127.0.0.1; keys are encrypted in Postgres and 0600 on disk.
// Then a certificate rotation asked through the API rolls the brokers one at a time under an
// idempotent acks=all producer to an RF 3 / min.insync 2 topic, and every acknowledged message
// is consumed afterwards.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { env, resetEnv } from "@weir/env";
import { seedPriceBook } from "@weir/domain";
import { LocalKafkaRuntime } from "@weir/runtime/local";
import { createClusterCa } from "@weir/runtime/tls";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { handleRest } from "../../../packages/api/src/http.ts";
import { PEER_HEADER } from "../../../packages/api/src/request-guards.ts";
import { startHarness } from "../../../packages/api/test/harness.ts";
import { connectionSnippets } from "../../web/src/app/(console)/clusters/[id]/connection-snippets.ts";
import { markedPids, startTestController, until as waitUntil, type TestController } from "./support.ts";

const run = promisify(execFile);
const SECRET = "test-secret-key-0123456789abcdef0123456789";
process.env.WEIR_SECRET_KEY = SECRET;
resetEnv();

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-tls-"));
let h: Awaited<ReturnType<typeof startHarness>>;
let bearer: string;
let runtime: LocalKafkaRuntime;
let tc: TestController;
let clusterId: string;
let bootstrap: string;
let cred: { username: string; password: string };
let caFile: string;
let kafka: Kafka;

let lastSeen = "";
const until = <T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 120_000) =>
  waitUntil(what, fn, ms, () => lastSeen);
const getCluster = async () => {
  const c = (await h.rest("GET", `/clusters/${clusterId}`, { as: { bearer } })).body;
  lastSeen = `${c.status}: ${c.statusReason}`;
  return c;
};
const events = async () =>
  (await h.rest("GET", `/clusters/${clusterId}/events`, { as: { bearer } })).body.items as {
    reason: string;
    message: string;
  }[];

/** kcat's SASL options with the cluster's admin user; `tls` adds SASL_SSL trusting `ca`. */
const kcatAuth = (tls: { ca: string } | null) => [
  "-X",
  `security.protocol=${tls ? "SASL_SSL" : "SASL_PLAINTEXT"}`,
  ...(tls ? ["-X", `ssl.ca.location=${tls.ca}`] : []),
  "-X",
  "sasl.mechanisms=SCRAM-SHA-512",
  "-X",
  `sasl.username=${cred.username}`,
  "-X",
  `sasl.password=${cred.password}`,
];

async function kcatProduce(broker: string, tls: { ca: string } | null, topic: string, lines: string[]) {
  const p = execFile("kcat", ["-b", broker, ...kcatAuth(tls), "-P", "-t", topic, "-X", "message.timeout.ms=20000"]);
  p.stdin!.end(lines.map((l) => `${l}\n`).join(""));
  let stderr = "";
  p.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => p.on("exit", resolve));
  if (code !== 0) throw new Error(`kcat produce exit ${code}: ${stderr}`);
}

async function kcatConsume(broker: string, tls: { ca: string } | null, topic: string): Promise<string[]> {
  const { stdout } = await run(
    "kcat",
    ["-b", broker, ...kcatAuth(tls), "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%s\n"],
    { timeout: 60_000 },
  );
  return stdout.split("\n").filter(Boolean);
}

/** kcat -L that must fail; returns what it said. */
async function kcatRefused(broker: string, args: string[]): Promise<string> {
  const r = await run("kcat", ["-b", broker, ...args, "-L", "-m", "8"], { timeout: 30_000 }).then(
    (ok) => ({ ok: true, text: ok.stdout }),
    (err: { stderr?: string; message: string }) => ({ ok: false, text: err.stderr ?? err.message }),
  );
  expect(r.ok, `kcat ${args.join(" ")} should be refused, got: ${r.text.slice(0, 300)}`).toBe(false);
  return r.text;
}

beforeAll(async () => {
  h = await startHarness();
  await seedPriceBook(h.db);
  const me = await h.signUp("tls-owner");
  runtime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
  tc = await startTestController(h, { runtime, secretKey: SECRET }, (wake) =>
    runtime.onExit((id) => wake("KafkaCluster", id)),
  );
  await until("org ready", async () => (await h.db.project.count({ where: { orgId: me.orgId } })) > 0, 30_000);
  bearer = await h.apiKey(me, "ADMIN");
}, 180_000);

afterAll(async () => {
  try {
    if (clusterId) await runtime.deleteGroup(clusterId);
    await tc?.stop();
  } finally {
    await h?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);

describe("TLS by default", () => {
  test("kcat with the downloaded CA produces and consumes; no TLS or another CA is refused; the loopback listener is plaintext", async () => {
    const r = await h.rest("POST", "/clusters", {
      body: {
        name: "secure",
        brokerCount: 3,
        brokerInstanceType: "kafka.t3.small",
        storageGbPerBroker: 20,
        plaintextLoopback: true,
      },
      as: { bearer },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.securityProtocol).toBe("SASL_SSL");
    clusterId = r.body.id;
    const running = await until(
      "RUNNING",
      async () => {
        const c = await getCluster();
        return c.status === "RUNNING" && c;
      },
      180_000,
    );
    expect(running.tls.caCertificateAvailable).toBe(true);
    expect(new Date(running.tls.certificatesExpireAt).getTime()).toBeGreaterThan(Date.now() + 360 * 86_400_000);
    bootstrap = running.bootstrapServers;
    cred = (await h.rest("POST", `/clusters/${clusterId}/admin-credential`, { body: {}, as: { bearer } })).body;
    expect((cred as unknown as { securityProtocol: string }).securityProtocol).toBe("SASL_SSL");

    // The CA, downloaded as a user would (a PEM file, not JSON).
    const res = await handleRest(
      h.domain,
      new Request(`http://weir.test/api/v1/clusters/${clusterId}/ca-certificate`, {
        headers: { authorization: `Bearer ${bearer}`, [PEER_HEADER]: "203.0.113.7" },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-pem-file");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="secure-ca.pem"');
    const pem = await res.text();
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n?$/);
    caFile = path.join(dataDir, "secure-ca.pem");
    fs.writeFileSync(caFile, pem);

    // Keys: encrypted in Postgres, 0600 on disk.
    const row = await h.db.kafkaCluster.findUniqueOrThrow({ where: { id: clusterId }, include: { brokers: true } });
    expect(row.caKeyEncrypted).not.toContain("PRIVATE KEY");
    for (const b of row.brokers) {
      expect(b.certKeyEncrypted).not.toContain("PRIVATE KEY");
      const keystore = path.join(runtime.nodeDir(clusterId, b.nodeId), "tls", "keystore.pem");
      expect(fs.statSync(keystore).mode & 0o777).toBe(0o600);
    }

    // A topic through the API: the topic reconciler's Admin client speaks TLS too.
    const t = await h.rest("POST", `/clusters/${clusterId}/topics`, {
      body: { name: "tls-check", partitions: 3, replicationFactor: 3, configs: { "min.insync.replicas": "2" } },
      as: { bearer },
    });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    await until("topic READY", async () => {
      const g = await h.rest("GET", `/clusters/${clusterId}/topics/tls-check`, { as: { bearer } });
      return g.body?.status === "READY";
    });

    // kcat over SASL_SSL trusting the downloaded CA, as the snippet says.
    const tls = { ca: caFile };
    await kcatProduce(bootstrap, tls, "tls-check", ["one", "two"]);
    expect((await kcatConsume(bootstrap, tls, "tls-check")).sort()).toEqual(["one", "two"]);

    // The console's kcat snippets, pasted into a shell in the folder the CA was downloaded to.
    const snippets = Object.fromEntries(
      connectionSnippets({
        bootstrapServers: bootstrap,
        securityProtocol: running.securityProtocol,
        mechanism: running.saslMechanism,
        username: cred.username,
        password: cred.password,
        topic: "tls-check",
        caFile: "secure-ca.pem",
      }).map((x) => [x.id, x.code]),
    );
    await run("sh", ["-c", `printf 'pasted\\n' | ${snippets["kcat-produce"]!.replace(/^#.*\n/gm, "")}`], {
      cwd: dataDir,
      timeout: 60_000,
    });
    const pasted = await run("sh", ["-c", `${snippets["kcat-consume"]!.replace(/^#.*\n/gm, "")} -e -q`], {
      cwd: dataDir,
      timeout: 60_000,
    });
    expect(pasted.stdout.split("\n").filter(Boolean).sort()).toEqual(["one", "pasted", "two"]);

    // The same client without TLS is refused, and so is one that trusts another CA.
    const first = bootstrap.split(",")[0]!;
    await kcatRefused(first, kcatAuth(null));
    const other = await createClusterCa({ clusterId: "other", clusterName: "other" });
    const otherFile = path.join(dataDir, "other-ca.pem");
    fs.writeFileSync(otherFile, other.certPem);
    const said = await kcatRefused(first, kcatAuth({ ca: otherFile }));
    expect(said).toMatch(/certificate verify failed|SSL handshake failed/i);

    // The loopback listener, asked for at creation: SASL_PLAINTEXT on 127.0.0.1 only.
    const loopback = running.loopbackBootstrapServers as string;
    expect(loopback.split(",")).toHaveLength(3);
    for (const a of loopback.split(",")) expect(a).toMatch(/^127\.0\.0\.1:\d+$/);
    await kcatProduce(loopback, null, "tls-check", ["three"]);
    expect((await kcatConsume(loopback, null, "tls-check")).sort()).toEqual(["one", "pasted", "three", "two"]);
    await kcatRefused(loopback.split(",")[0]!, kcatAuth(tls));
  }, 300_000);

  test("a requested rotation rolls the brokers under acks=all load; no acknowledged message lost", async () => {
    expect(clusterId, "the first test created the cluster").toBeDefined();
    const pem = fs.readFileSync(caFile, "utf8");
    kafka = new Kafka({
      clientId: "weir-tls-test",
      brokers: bootstrap.split(","),
      ssl: { ca: [pem] },
      sasl: { mechanism: "scram-sha-512", username: cred.username, password: cred.password },
      logLevel: logLevel.NOTHING,
      retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 2000 },
      connectionTimeout: 5000,
    });
    const before = await h.db.broker.findMany({ where: { clusterId }, orderBy: { nodeId: "asc" } });
    const pidsBefore = markedPids(clusterId).sort();

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const acked: string[] = [];
    let failed = 0;
    let stop = false;
    const sending = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          await producer.send({ topic: "tls-check", acks: -1, messages: [{ key: String(i % 5), value: `m-${i}` }] });
          acked.push(`m-${i}`);
        } catch {
          failed++;
        }
      }
    })();
    await until("the producer running", async () => acked.length >= 20, 60_000);

    // A rotation asked on a stale generation is refused, naming it; nothing is reissued.
    const current = await getCluster();
    const stale = await h.rest("POST", `/clusters/${clusterId}/rotate-certificates`, {
      body: { generation: current.generation - 1 },
      as: { bearer },
    });
    expect(stale.status).toBe(409);
    expect(Object.keys(stale.body.error.fields ?? {})).toEqual(["generation"]);
    expect(
      (await h.db.kafkaCluster.findUniqueOrThrow({ where: { id: clusterId } })).certRotationRequestedAt,
    ).toBeNull();

    const r = await h.rest("POST", `/clusters/${clusterId}/rotate-certificates`, { body: {}, as: { bearer } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await until(
      "the roll to finish",
      async () => {
        const c = await getCluster();
        const done = (await events()).some((e) => e.reason === "RollingRestartDone");
        return done && c.status === "RUNNING" && c;
      },
      420_000,
    );
    const ackedByRollEnd = acked.length;
    await until("more acknowledged after the roll", async () => acked.length > ackedByRollEnd + 20, 60_000);
    stop = true;
    await sending;
    await producer.disconnect();

    // Every broker has a new certificate from the same CA and runs a new process.
    const after = await h.db.broker.findMany({ where: { clusterId }, orderBy: { nodeId: "asc" } });
    for (const [i, b] of after.entries()) {
      expect(b.certPem).not.toBe(before[i]!.certPem);
      expect(b.certIssuedAt!.getTime()).toBeGreaterThan(before[i]!.certIssuedAt!.getTime());
    }
    for (const pid of markedPids(clusterId)) expect(pidsBefore).not.toContain(pid);
    expect((await events()).map((e) => e.message).join("\n")).toMatch(/New certificates for 3 nodes/);
    // The downloaded CA still verifies the brokers' new certificates.
    expect(await kcatConsume(bootstrap, { ca: caFile }, "tls-check")).toContain("m-0");

    const consumer = kafka.consumer({ groupId: `check-${Date.now()}` });
    const seen = new Set<string>();
    await consumer.connect();
    await consumer.subscribe({ topic: "tls-check", fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.add(message.value!.toString()) });
    await until(`${acked.length} acknowledged messages`, async () => acked.every((v) => seen.has(v)), 90_000).catch(
      () => undefined,
    );
    await consumer.disconnect();
    const lost = acked.filter((v) => !seen.has(v));
    expect(lost, `${lost.length} of ${acked.length} acknowledged messages missing`).toEqual([]);
    console.log(`tls rotation: ${acked.length} acknowledged, ${failed} sends failed (not counted)`);
  }, 600_000);
});
