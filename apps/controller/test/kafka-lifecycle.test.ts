// One real 3-broker cluster on Kafka 3.9.2, created through the REST API with a plaintext loopback
// listener, taken through its life in order; each step leaves it ready for the next:
// 1. TLS by default: the CA downloaded from the API lets Debian's kcat produce and consume over
//    SASL_SSL; the same client without TLS, or trusting another CA, is refused; the loopback
//    SASL_PLAINTEXT listener answers on 127.0.0.1; keys are encrypted in Postgres and 0600 on disk.
// 2. A certificate rotation asked through the API rolls the brokers one at a time.
// 3. Broker configs: bad input is a 400 naming brokerConfig.<key> and changes nothing; a live key
//    (message.max.bytes) is applied with no process restarted; a restart-only key
//    (log.retention.hours) rolls the brokers one at a time, each exactly once.
// 4. An in-place rolling upgrade to 4.4.0 (roll.ts, then upgrade.ts raises metadata.version);
//    on 4.x, clients (@platformatic/kafka, kafkajs, Kafka 3.9's Java client) work, a downgrade is
//    refused and Debian 12's kcat is refused by Kafka 4's SCRAM.
// Every roll runs under an idempotent acks=all producer to an RF 3 / min.insync 2 topic, and every
// message it saw acknowledged is consumed afterwards.
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { env } from "@weir/env";
import {
  clientSecurityPairs,
  clusterDefaultConfigs,
  describeFeatures,
  finalizedMetadataLevel,
  KAFKA_RELEASES,
  nodeReleases,
  renderProperties,
  type KafkaVersion,
} from "@weir/runtime";
import { ensureKafka } from "@weir/runtime/artifacts";
import { createClusterCa } from "@weir/runtime/tls";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { handleRest } from "../../../packages/api/src/http.ts";
import { PEER_HEADER } from "../../../packages/api/src/request-guards.ts";
import {
  Consumer,
  MessagesStreamModes,
  Producer,
  stringDeserializers,
  stringSerializers,
} from "../../../packages/runtime/test/kafka-clients.ts";
import { connectionSnippets } from "../../web/src/app/(console)/clusters/[id]/connection-snippets.ts";
import {
  consumeAll,
  kafkajsFor,
  KafkaHarness,
  underLoad,
  weirAdminFor,
  withWeirAdmin,
  type ClusterAccess,
} from "./kafka-harness.ts";
import { markedPids } from "./support.ts";

const run = promisify(execFile);
const FROM: KafkaVersion = "3.9.2";
const TO: KafkaVersion = "4.4.0";

let k: KafkaHarness;
let clusterId: string;
let access: ClusterAccess;
/** The POST /clusters reply and the cluster as it first ran. */
let created: { status: number; body: { securityProtocol: string } };
let running: any;
/** What POST /clusters/{id}/admin-credential answered. */
let cred: { username: string; password: string; securityProtocol: string };
let caFile: string;

type Broker = { nodeId: number; pid: number; restartCount: number; kafkaVersion: string; address: string };
const pidsOf = (c: { brokers: Broker[] }) => c.brokers.map((b) => b.pid);

/** kcat's SASL options with the cluster's admin user; `tls` adds SASL_SSL trusting `ca`. */
const kcatAuth = (tls: { ca: string } | null) => [
  "-X",
  `security.protocol=${tls ? "SASL_SSL" : "SASL_PLAINTEXT"}`,
  ...(tls ? ["-X", `ssl.ca.location=${tls.ca}`] : []),
  "-X",
  "sasl.mechanisms=SCRAM-SHA-512",
  "-X",
  `sasl.username=${access.admin.username}`,
  "-X",
  `sasl.password=${access.admin.password}`,
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

/**
 * kcat -L: whether it succeeded and what it said. A refused client retries until the metadata
 * timeout, so it is short; the callers check that the refusal names its cause, not a timeout.
 */
const kcatList = (broker: string, args: string[]) =>
  run("kcat", ["-b", broker, ...args, "-L", "-m", "4"], { timeout: 30_000 }).then(
    (ok) => ({ ok: true, text: ok.stdout + ok.stderr }),
    (err: { stdout?: string; stderr?: string; message: string }) => ({
      ok: false,
      text: `${err.stdout ?? ""}${err.stderr ?? err.message}`,
    }),
  );

/** kcat -L that must fail; returns what it said. */
async function kcatRefused(broker: string, args: string[]): Promise<string> {
  const r = await kcatList(broker, args);
  expect(r.ok, `kcat ${args.join(" ")} should be refused, got: ${r.text.slice(0, 300)}`).toBe(false);
  return r.text;
}

/** Waits for the roll an action started: its RollingRestartDone (after `afterEventId`) and RUNNING. */
async function rollDone(afterEventId: string, onPoll: (c: { statusReason: string }) => void = () => undefined) {
  return k.until(
    "the roll to finish",
    async () => {
      const c = await k.getCluster();
      onPoll(c);
      const done = (await k.events(afterEventId)).some((e) => e.reason === "RollingRestartDone");
      return done && c.status === "RUNNING" && c;
    },
    420_000,
  );
}

beforeAll(async () => {
  k = await KafkaHarness.start("lifecycle");
  const c = await k.createCluster(
    {
      name: "secure",
      brokerCount: 3,
      brokerInstanceType: "kafka.t3.small",
      storageGbPerBroker: 20,
      kafkaVersion: FROM,
      plaintextLoopback: true,
    },
    (x) => x.status === "RUNNING" && Boolean(x.metadataVersion),
  );
  ({ created, running, access, cred } = c);
  clusterId = access.id;
  await k.createTopic(clusterId, "tls-check", 3, 3, { "min.insync.replicas": "2" });
}, 300_000);

afterAll(async () => {
  await k?.close();
}, 120_000);

describe("TLS by default", () => {
  test("kcat with the downloaded CA produces and consumes; no TLS or another CA is refused; the loopback listener is plaintext", async () => {
    expect(created.status).toBe(201);
    expect(created.body.securityProtocol).toBe("SASL_SSL");
    expect(running.tls.caCertificateAvailable).toBe(true);
    expect(new Date(running.tls.certificatesExpireAt).getTime()).toBeGreaterThan(Date.now() + 360 * 86_400_000);
    expect(cred.securityProtocol).toBe("SASL_SSL");

    // The CA, downloaded as a user would (a PEM file, not JSON).
    const res = await handleRest(
      k.h.domain,
      new Request(`http://weir.test/api/v1/clusters/${clusterId}/ca-certificate`, {
        headers: { authorization: `Bearer ${k.bearer}`, [PEER_HEADER]: "203.0.113.7" },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-pem-file");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="secure-ca.pem"');
    const pem = await res.text();
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n?$/);
    // The clients below trust the CA from the row: the one a user downloads.
    expect(pem.trim()).toBe(access.ca?.trim());
    caFile = path.join(k.dataDir, "secure-ca.pem");
    fs.writeFileSync(caFile, pem);

    // Keys: encrypted in Postgres, 0600 on disk.
    const row = await k.db.kafkaCluster.findUniqueOrThrow({ where: { id: clusterId }, include: { brokers: true } });
    expect(row.caKeyEncrypted).not.toContain("PRIVATE KEY");
    for (const b of row.brokers) {
      expect(b.certKeyEncrypted).not.toContain("PRIVATE KEY");
      const keystore = path.join(k.runtime.nodeDir(clusterId, b.nodeId), "tls", "keystore.pem");
      expect(fs.statSync(keystore).mode & 0o777).toBe(0o600);
    }

    // The topic (made in beforeAll through the API) is READY: the topic reconciler's Admin
    // client speaks TLS too. kcat over SASL_SSL trusting the downloaded CA, as the snippet says.
    const bootstrap = access.bootstrap.join(",");
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
      cwd: k.dataDir,
      timeout: 60_000,
    });
    const pasted = await run("sh", ["-c", `${snippets["kcat-consume"]!.replace(/^#.*\n/gm, "")} -e -q`], {
      cwd: k.dataDir,
      timeout: 60_000,
    });
    expect(pasted.stdout.split("\n").filter(Boolean).sort()).toEqual(["one", "pasted", "two"]);

    // The same client without TLS is refused, and so is one that trusts another CA.
    const first = access.bootstrap[0]!;
    expect(await kcatRefused(first, kcatAuth(null))).toMatch(/security\.protocol|SSL listener/);
    const other = await createClusterCa({ clusterId: "other", clusterName: "other" });
    const otherFile = path.join(k.dataDir, "other-ca.pem");
    fs.writeFileSync(otherFile, other.certPem);
    const said = await kcatRefused(first, kcatAuth({ ca: otherFile }));
    expect(said).toMatch(/certificate verify failed|SSL handshake failed/i);

    // The loopback listener, asked for at creation: SASL_PLAINTEXT on 127.0.0.1 only.
    const loopback = running.loopbackBootstrapServers as string;
    expect(loopback.split(",")).toHaveLength(3);
    for (const a of loopback.split(",")) expect(a).toMatch(/^127\.0\.0\.1:\d+$/);
    await kcatProduce(loopback, null, "tls-check", ["three"]);
    expect((await kcatConsume(loopback, null, "tls-check")).sort()).toEqual(["one", "pasted", "three", "two"]);
    expect(await kcatRefused(loopback.split(",")[0]!, kcatAuth(tls))).toMatch(
      /SSL handshake failed|PLAINTEXT broker listener|wrong version number/i,
    );
  }, 300_000);

  test("a requested rotation rolls the brokers under acks=all load; no acknowledged message lost", async () => {
    expect(caFile, "the first test downloaded the CA").toBeDefined();
    const kafka = kafkajsFor(access, access.admin, "weir-tls-test");
    const before = await k.db.broker.findMany({ where: { clusterId }, orderBy: { nodeId: "asc" } });
    const pidsBefore = markedPids(clusterId).sort();

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const load = await underLoad(
      k,
      (value, key) => producer.send({ topic: "tls-check", acks: -1, messages: [{ key, value }] }),
      async () => {
        // A rotation asked on a stale generation is refused, naming it; nothing is reissued.
        const current = await k.getCluster();
        const stale = await k.rest("POST", `/clusters/${clusterId}/rotate-certificates`, {
          generation: current.generation - 1,
        });
        expect(stale.status).toBe(409);
        expect(Object.keys(stale.body.error.fields ?? {})).toEqual(["generation"]);
        expect(
          (await k.db.kafkaCluster.findUniqueOrThrow({ where: { id: clusterId } })).certRotationRequestedAt,
        ).toBeNull();

        const mark = await k.lastEventId();
        const r = await k.rest("POST", `/clusters/${clusterId}/rotate-certificates`, {});
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        return rollDone(mark);
      },
    ).finally(() => producer.disconnect());

    // Every broker has a new certificate from the same CA and runs a new process.
    const after = await k.db.broker.findMany({ where: { clusterId }, orderBy: { nodeId: "asc" } });
    for (const [i, b] of after.entries()) {
      expect(b.certPem).not.toBe(before[i]!.certPem);
      expect(b.certIssuedAt!.getTime()).toBeGreaterThan(before[i]!.certIssuedAt!.getTime());
    }
    for (const pid of markedPids(clusterId)) expect(pidsBefore).not.toContain(pid);
    expect((await k.events()).map((e) => e.message).join("\n")).toMatch(/New certificates for 3 nodes/);
    // The downloaded CA still verifies the brokers' new certificates.
    expect(await kcatConsume(access.bootstrap.join(","), { ca: caFile }, "tls-check")).toContain("m-0");

    const seen = await consumeAll(k, kafka, "tls-check", load.acked);
    const lost = load.acked.filter((v) => !seen.has(v));
    expect(lost, `${lost.length} of ${load.acked.length} acknowledged messages missing`).toEqual([]);
    console.log(`tls rotation: ${load.acked.length} acknowledged, ${load.failed} sends retried`);
  }, 600_000);
});

describe("cluster broker configs", () => {
  test("bad input is a 400 naming brokerConfig.<key>, and nothing is applied", async () => {
    const before = await k.getCluster();
    const cases: [Record<string, unknown>, string][] = [
      [{ "log.flush.interval.ms": 1000 }, "brokerConfig.log.flush.interval.ms"],
      [{ "message.max.bytes": 10 }, "brokerConfig.message.max.bytes"],
      [{ "auto.create.topics.enable": "sometimes" }, "brokerConfig.auto.create.topics.enable"],
      [{ "default.replication.factor": 4 }, "brokerConfig.default.replication.factor"],
      [{ "min.insync.replicas": 3, "default.replication.factor": 2 }, "brokerConfig.min.insync.replicas"],
      // A valid key next to a bad one: neither is written.
      [{ "message.max.bytes": 2_000_000, "num.partitions": 0 }, "brokerConfig.num.partitions"],
    ];
    for (const [brokerConfig, field] of cases) {
      const r = await k.patch({ brokerConfig });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(Object.keys(r.body.error.fields ?? {})).toContain(field);
    }
    const after = await k.getCluster();
    expect(after.generation).toBe(before.generation);
    expect(after.brokerConfig).toEqual({});
    expect(pidsOf(after)).toEqual(pidsOf(before));
  });

  test("a live key is applied by every broker with no restart", async () => {
    const before = await k.getCluster();
    const r = await k.patch({ brokerConfig: { "message.max.bytes": 2_000_000 } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.brokerConfig).toEqual({ "message.max.bytes": "2000000" });
    await k.until("message.max.bytes as the cluster-wide default", () =>
      withWeirAdmin(access, async (a) => (await clusterDefaultConfigs(a))["message.max.bytes"] === "2000000"),
    );
    // Each broker's own view of the config says the dynamic default, once the change has reached
    // it through the metadata log (a moment after the cluster-wide default reads so).
    const brokerViews = () =>
      withWeirAdmin(access, async (a) =>
        (
          await a.admin.describeConfigs({
            resources: [1, 2, 3].map((n) => ({
              resourceType: 4,
              resourceName: String(n),
              configurationKeys: ["message.max.bytes"],
            })),
          })
        ).map((d) => d.configs.find((c) => c.name === "message.max.bytes")?.value),
      );
    let views: unknown[] = [];
    await k
      .until(
        "message.max.bytes in every broker's view",
        async () => {
          views = await brokerViews();
          return views.every((v) => v === "2000000");
        },
        60_000,
      )
      .catch(() => undefined);
    expect(views).toEqual(["2000000", "2000000", "2000000"]);
    expect((await k.events()).map((e) => e.message).join("\n")).toMatch(/Applied live.*message\.max\.bytes=2000000/);
    const after = await k.until("RUNNING", async () => {
      const c = await k.getCluster();
      return c.status === "RUNNING" && c.observedGeneration === c.generation && c;
    });
    expect(pidsOf(after)).toEqual(pidsOf(before));
    expect(markedPids(clusterId).sort()).toEqual([...pidsOf(before)].sort());
  }, 120_000);

  test("a restart key rolls the brokers one at a time under acks=all load; no acknowledged message lost", async () => {
    await k.createTopic(clusterId, "payments", 3, 3, { "min.insync.replicas": "2" });
    const kafka = kafkajsFor(access, access.admin, "weir-rolling-test");
    const before = await k.getCluster();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const reasons = new Set<string>();
    let mark = "";
    const load = await underLoad(
      k,
      (value, key) => producer.send({ topic: "payments", acks: -1, messages: [{ key, value }] }),
      async () => {
        mark = await k.lastEventId();
        const r = await k.patch({ brokerConfig: { "log.retention.hours": 72 } });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body.brokerConfig).toEqual({ "message.max.bytes": "2000000", "log.retention.hours": "72" });
        return rollDone(mark, (c) => {
          const m = /Restarting broker \d of 3/.exec(c.statusReason);
          if (m) reasons.add(m[0]);
        });
      },
    ).finally(() => producer.disconnect());

    // Every broker restarted exactly once, by the roll (not a crash), in order.
    for (const b of load.result.brokers as Broker[]) {
      expect(pidsOf(before)).not.toContain(b.pid);
      expect(b.restartCount).toBe(0);
    }
    const rollEvents = (await k.events(mark)).filter((e) => e.reason === "RollingRestart").map((e) => e.message);
    const starts = rollEvents.filter((m) => m.startsWith("Restarting broker"));
    expect(starts.map((m) => /Restarting broker (\d) of 3/.exec(m)?.[1]).sort()).toEqual(["1", "2", "3"]);
    expect(rollEvents.filter((m) => m.startsWith("Restarted broker"))).toHaveLength(3);
    // The console's status showed the progress while it rolled.
    expect(reasons.size).toBeGreaterThanOrEqual(2);

    // The new setting is what each broker started with.
    const described = await withWeirAdmin(access, (a) =>
      a.admin.describeConfigs({
        resources: [1, 2, 3].map((n) => ({
          resourceType: 4,
          resourceName: String(n),
          configurationKeys: ["log.retention.hours"],
        })),
      }),
    );
    expect(described.map((d) => d.configs[0]?.value)).toEqual(["72", "72", "72"]);
    // The live key survived the restarts.
    expect((await withWeirAdmin(access, clusterDefaultConfigs))["message.max.bytes"]).toBe("2000000");

    const seen = await consumeAll(k, kafka, "payments", load.acked);
    const lost = load.acked.filter((v) => !seen.has(v));
    expect(lost, `${lost.length} of ${load.acked.length} acknowledged messages missing`).toEqual([]);
    console.log(
      `rolling: ${load.acked.length} acknowledged (${load.failed} sends retried), progress seen: ${[...reasons].join(", ")}`,
    );
  }, 600_000);
});

describe("Kafka upgrade 3.9.2 → 4.x", () => {
  /** @platformatic/kafka's options for the cluster as `user`. */
  const clientOptions = (user = access.admin) => ({
    bootstrapBrokers: access.bootstrap,
    sasl: { mechanism: "SCRAM-SHA-512" as const, username: user.username, password: user.password },
    ...(access.ca ? { tls: { ca: access.ca } } : {}),
    connectTimeout: 5000,
    requestTimeout: 15_000,
  });

  const brokerAddresses = (c: { brokers: Broker[] }) =>
    c.brokers.map((b) => {
      const [host, port] = b.address.split(":");
      return { nodeId: b.nodeId, host: host!, port: Number(port) };
    });

  /** Reads `topic` from the beginning as `user` with @platformatic/kafka until every value in `want` was seen. */
  async function consumeAllPlatformatic(
    topic: string,
    want: string[],
    user = access.admin,
    groupId = `check-${Math.random().toString(36).slice(2)}`,
  ): Promise<Set<string>> {
    const consumer = new Consumer({
      clientId: "weir-upgrade-check",
      groupId,
      deserializers: stringDeserializers,
      ...clientOptions(user),
    });
    const seen = new Set<string>();
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST });
    try {
      const done = (async () => {
        for await (const m of stream) {
          seen.add(m.value);
          if (want.every((v) => seen.has(v))) return;
        }
      })();
      await Promise.race([
        done,
        k.until(`${want.length} messages of ${topic}`, async () => want.every((v) => seen.has(v)), 90_000),
      ]);
    } finally {
      await stream.close().catch(() => undefined);
      await consumer.close().catch(() => undefined);
    }
    return seen;
  }

  test("a version that is not offered is refused with 400 naming kafkaVersion, nothing restarted", async () => {
    const before = markedPids(clusterId).sort();
    const c0 = await k.getCluster();
    expect(c0.kafkaVersion).toBe(FROM);
    expect(c0.metadataVersion).toBe(KAFKA_RELEASES[FROM].metadataVersion.name);
    expect(c0.brokers.map((b: Broker) => b.kafkaVersion)).toEqual([FROM, FROM, FROM]);
    expect(c0.upgrade).toBeNull();
    expect(c0.upgradableTo).toEqual([TO]);

    for (const v of ["4.0.0", "3.9", ""]) {
      const r = await k.patch({ kafkaVersion: v });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(Object.keys(r.body.error.fields ?? {})).toContain("kafkaVersion");
    }
    const both = await k.patch({ kafkaVersion: TO, brokerCount: 4 });
    expect(both.status).toBe(400);
    expect(Object.keys(both.body.error.fields ?? {})).toContain("kafkaVersion");

    const c = await k.getCluster();
    expect(c.kafkaVersion).toBe(FROM);
    expect(c.generation).toBe(c0.generation);
    expect(markedPids(clusterId).sort()).toEqual(before);
  });

  test("rolls every node onto 4.x under an idempotent acks=all producer, then raises metadata.version; every acknowledged message is consumed", async () => {
    const topic = "orders";
    await k.createTopic(clusterId, topic, 3, 3, { "min.insync.replicas": "2" });
    const producer = new Producer({
      clientId: "weir-upgrade-load",
      serializers: stringSerializers,
      idempotent: true,
      acks: -1,
      retries: 20,
      retryDelay: 250,
      ...clientOptions(),
    });
    const reasons = new Set<string>();
    const progress = new Set<string>();
    let pidsBefore = new Map<number, number>();
    let patchedAt = 0;
    let upgradedAt = 0;
    const load = await underLoad(
      k,
      (value, key) => producer.send({ messages: [{ topic, key, value }] }),
      async () => {
        pidsBefore = new Map(((await k.getCluster()).brokers as Broker[]).map((b) => [b.nodeId, b.pid]));
        patchedAt = Date.now();
        const up = await k.patch({ kafkaVersion: TO });
        expect(up.status, JSON.stringify(up.body)).toBe(200);
        expect(up.body.kafkaVersion).toBe(TO);
        expect(up.body.status).toBe("UPDATING");
        // Progress as the console shows it, while it happens.
        const done = await k.until(
          "every node on 4.x and metadata.version raised",
          async () => {
            const c = await k.getCluster();
            reasons.add(c.statusReason);
            if (c.upgrade) progress.add(`${c.upgrade.to}: ${c.upgrade.brokersDone} of ${c.upgrade.brokers}`);
            return (
              c.status === "RUNNING" &&
              c.metadataVersion === KAFKA_RELEASES[TO].metadataVersion.name &&
              (c.brokers as Broker[]).every((b) => b.kafkaVersion === TO) &&
              c
            );
          },
          400_000,
        );
        upgradedAt = Date.now();
        return done;
      },
    ).finally(() => producer.close());
    const done = load.result;

    expect([...reasons].some((r) => /^Upgrading: broker 2 of 3 \(node \d\) to Kafka 4\.4\.0/.test(r))).toBe(true);
    // The API's upgrade progress counted the brokers on the new release as they came back.
    expect(progress).toContain(`${TO}: 1 of 3`);
    expect(progress).toContain(`${TO}: 2 of 3`);
    expect(done.upgrade).toBeNull();
    expect(done.upgradableTo).toEqual([]);
    // Every broker restarted (new process) exactly for the upgrade.
    for (const b of done.brokers as Broker[]) expect(b.pid).not.toBe(pidsBefore.get(b.nodeId));

    // What Kafka itself says: each broker's binaries and the cluster's finalized metadata.version.
    const a = weirAdminFor(access);
    try {
      const releases = await nodeReleases(a, brokerAddresses(done));
      expect(releases.map((r) => [r.nodeId, r.version])).toEqual([
        [1, TO],
        [2, TO],
        [3, TO],
      ]);
      expect(finalizedMetadataLevel(await describeFeatures(a))).toBe(KAFKA_RELEASES[TO].metadataVersion.level);
    } finally {
      await a.close();
    }
    const raised = (await k.events()).find((e) => e.reason === "MetadataVersionRaised");
    expect(raised?.message).toContain(
      `from ${KAFKA_RELEASES[FROM].metadataVersion.name} to ${KAFKA_RELEASES[TO].metadataVersion.name}`,
    );

    const seen = await consumeAllPlatformatic(topic, load.acked);
    const lost = load.acked.filter((v) => !seen.has(v));
    console.info(
      `upgrade ${FROM} → ${TO} (${access.ca ? "SASL_SSL" : "SASL_PLAINTEXT"}): PATCH → metadata.version raised in ${((upgradedAt - patchedAt) / 1000).toFixed(0)} s; ${load.acked.length} messages acknowledged (${load.ackedByEnd} by then), ${load.failed} sends retried, ${lost.length} lost`,
    );
    expect(
      lost,
      `${lost.length} of ${load.acked.length} acknowledged messages lost (${load.failed} sends retried)`,
    ).toEqual([]);
  }, 600_000);

  test("on 4.x, a Kafka user with ACLs from the API produces and consumes; a downgrade is refused with 409", async () => {
    const c = await k.getCluster();
    expect(c.kafkaVersion).toBe(TO);
    const topic = "after-upgrade";
    expect(
      (await k.rest("POST", `/clusters/${clusterId}/topics`, { name: topic, partitions: 1, replicationFactor: 3 }))
        .status,
    ).toBe(201);
    const u = await k.rest("POST", `/clusters/${clusterId}/users`, { name: "app" });
    expect(u.status, JSON.stringify(u.body)).toBe(201);
    const user = { username: "app", password: u.body.password as string };
    for (const preset of ["produce", "consume"]) {
      const r = await k.rest("POST", `/clusters/${clusterId}/acls/presets`, {
        preset,
        principal: "User:app",
        topic,
        group: "app-group",
      });
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    }
    await k.until("topic, user and ACLs applied", async () => {
      const t = (await k.rest("GET", `/clusters/${clusterId}/topics/${topic}`)).body;
      const users = (await k.rest("GET", `/clusters/${clusterId}/users`)).body.items;
      const acls = await k.db.acl.findMany({ where: { clusterId, principal: "User:app" } });
      return (
        t.status === "READY" &&
        users.find((x: { name: string }) => x.name === "app")?.status === "READY" &&
        acls.length >= 3 &&
        acls.every((x) => x.status === "READY")
      );
    });

    const producer = new Producer({
      clientId: "weir-app",
      serializers: stringSerializers,
      acks: -1,
      retries: 10,
      retryDelay: 500,
      ...clientOptions(user),
    });
    try {
      await producer.send({ messages: [{ topic, value: "hello from 4.x" }] });
    } finally {
      await producer.close();
    }
    // kafkajs, as the console's client notes say, works with Kafka 4 too.
    const kp = kafkajsFor(access, user, "weir-kafkajs").producer();
    await kp.connect();
    await kp.send({ topic, acks: -1, messages: [{ value: "hello from kafkajs" }] });
    await kp.disconnect();
    // Kafka 3.9's Java client (the one Connect workers and Spark jobs carry) against the 4.x
    // brokers, configured with clientSecurityProps as Weir configures them.
    const k39 = ensureKafka(env().WEIR_CACHE_DIR, FROM);
    const propsFile = path.join(k.dataDir, "client.properties");
    const security = { protocol: access.ca ? ("SASL_SSL" as const) : ("SASL_PLAINTEXT" as const), caPem: access.ca };
    fs.writeFileSync(propsFile, renderProperties([...clientSecurityPairs({ ...security, ...user }), ["acks", "all"]]));
    const java = await new Promise<{ code: number | null; err: string }>((resolve, reject) => {
      const child = spawn(k39.java, [
        "-Xmx256m",
        "-cp",
        k39.classpath,
        "kafka.tools.ConsoleProducer",
        "--bootstrap-server",
        access.bootstrap.join(","),
        "--topic",
        topic,
        "--producer.config",
        propsFile,
      ]);
      let err = "";
      child.stderr.on("data", (b: Buffer) => (err += b.toString()));
      child.on("error", reject);
      child.on("exit", (code) => resolve({ code, err }));
      child.stdin.end("hello from java 3.9\n");
    });
    expect(java.code, java.err.slice(-2000)).toBe(0);

    const all = ["hello from 4.x", "hello from java 3.9", "hello from kafkajs"];
    const seen = await consumeAllPlatformatic(topic, all, user, "app-group");
    expect([...seen].sort()).toEqual(all);

    const before = markedPids(clusterId).sort();
    const down = await k.patch({ kafkaVersion: FROM });
    expect(down.status, JSON.stringify(down.body)).toBe(409);
    expect(Object.keys(down.body.error.fields ?? {})).toContain("kafkaVersion");
    expect((await k.getCluster()).kafkaVersion).toBe(TO);
    expect(markedPids(clusterId).sort()).toEqual(before);
  }, 240_000);

  test("Debian's kcat (librdkafka before 2.6.1) is refused by Kafka 4 with 'invalid credentials', as the console says", async () => {
    const { stdout } = await run("kcat", ["-V"]);
    const librdkafka = /librdkafka version ([\d.]+)/.exec(stdout)?.[1] ?? "0";
    const [maj, min, patchLevel] = librdkafka.split(".").map(Number);
    const old = maj! < 2 || (maj === 2 && (min! < 6 || (min === 6 && patchLevel! < 1)));
    const res = await kcatList(access.bootstrap[0]!, kcatAuth(access.ca ? { ca: caFile } : null));
    if (old) {
      expect(res.ok).toBe(false);
      expect(res.text).toMatch(/invalid credentials/);
    } else {
      expect(res.ok, res.text).toBe(true);
    }
  });
});
