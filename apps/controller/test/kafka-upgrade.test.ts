// An in-place rolling upgrade of a real 3-node cluster from Kafka 3.9.2 to 4.x, below the browser:
// the REST handlers take the PATCH, the controller rolls the nodes onto the new binaries one at a
// time (roll.ts) and raises metadata.version once every broker runs the new release (upgrade.ts).
// An idempotent acks=all producer writes to an RF 3 / min.insync 2 topic throughout; afterwards
// every acknowledged message is consumed. Clients are @platformatic/kafka's (it authenticates
// with SCRAM against Kafka 4; Debian 12's kcat does not, which the last test shows). One cluster
// for the file.
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import {
  Consumer,
  MessagesStreamModes,
  Producer,
  stringDeserializers,
  stringSerializers,
} from "../../../packages/runtime/test/kafka-clients.ts";
import { seedPriceBook } from "@weir/domain";
import { env, resetEnv } from "@weir/env";
import {
  clientSecurityPairs,
  describeFeatures,
  finalizedMetadataLevel,
  KafkaAdmin,
  KAFKA_RELEASES,
  nodeReleases,
  renderProperties,
  type KafkaVersion,
} from "@weir/runtime";
import { ensureKafka } from "@weir/runtime/artifacts";
import { LocalKafkaRuntime } from "@weir/runtime/local";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHarness } from "../../../packages/api/test/harness.ts";
import { markedPids, startTestController, until as waitUntil, type TestController } from "./support.ts";

const run = promisify(execFile);
const SECRET = "test-secret-key-0123456789abcdef0123456789";
process.env.WEIR_SECRET_KEY = SECRET;
resetEnv();

const FROM: KafkaVersion = "3.9.2";
const TO: KafkaVersion = "4.4.0";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-upgrade-"));
let h: Awaited<ReturnType<typeof startHarness>>;
let bearer: string;
let runtime: LocalKafkaRuntime;
let tc: TestController;
let clusterId: string;
/** How clients reach the cluster: its addresses, SASL credential and (SASL_SSL) its CA. */
let conn: { bootstrap: string[]; ca: string | null };
let admin: { username: string; password: string };

let lastSeen = "";
const until = <T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 180_000) =>
  waitUntil(what, fn, ms, () => lastSeen);

const getCluster = async () => {
  const c = (await h.rest("GET", `/clusters/${clusterId}`, { as: { bearer } })).body;
  lastSeen = `${c.status}: ${c.statusReason}`;
  return c;
};
const patch = (body: Record<string, unknown>) => h.rest("PATCH", `/clusters/${clusterId}`, { body, as: { bearer } });

const clientOptions = (user = admin) => ({
  bootstrapBrokers: conn.bootstrap,
  sasl: { mechanism: "SCRAM-SHA-512" as const, username: user.username, password: user.password },
  ...(conn.ca ? { tls: { ca: conn.ca } } : {}),
  connectTimeout: 5000,
  requestTimeout: 15_000,
});

const weirAdmin = () =>
  new KafkaAdmin({ bootstrap: conn.bootstrap, ...admin, ...(conn.ca ? { ca: conn.ca } : {}), timeoutMs: 8000 });

const brokerAddresses = (c: { brokers: { nodeId: number; address: string }[] }) =>
  c.brokers.map((b) => {
    const [host, port] = b.address.split(":");
    return { nodeId: b.nodeId, host: host!, port: Number(port) };
  });

/** Reads `topic` from the beginning as `user` until every value in `want` was seen. */
async function consumeAll(
  topic: string,
  want: string[],
  user = admin,
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
      until(`${want.length} messages of ${topic}`, async () => want.every((v) => seen.has(v)), 90_000),
    ]);
  } finally {
    await stream.close().catch(() => undefined);
    await consumer.close().catch(() => undefined);
  }
  return seen;
}

beforeAll(async () => {
  h = await startHarness();
  await seedPriceBook(h.db);
  const me = await h.signUp("upgrade-owner");
  runtime = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
  tc = await startTestController(h, { runtime, secretKey: SECRET }, (wake) =>
    runtime.onExit((id) => wake("KafkaCluster", id)),
  );
  await until("org ready", async () => (await h.db.project.count({ where: { orgId: me.orgId } })) > 0, 30_000);
  bearer = await h.apiKey(me, "ADMIN");

  const r = await h.rest("POST", "/clusters", {
    body: {
      name: "upgrade",
      brokerCount: 3,
      brokerInstanceType: "kafka.t3.small",
      storageGbPerBroker: 20,
      kafkaVersion: FROM,
    },
    as: { bearer },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  clusterId = r.body.id;
  const running = await until("RUNNING at 3.9.2", async () => {
    const c = await getCluster();
    return c.status === "RUNNING" && c.metadataVersion && c;
  });
  const row = await h.db.kafkaCluster.findUniqueOrThrow({ where: { id: clusterId } });
  conn = {
    bootstrap: running.bootstrapServers.split(","),
    ca: running.securityProtocol === "SASL_SSL" ? row.caCertPem : null,
  };
  const cred = await h.rest("POST", `/clusters/${clusterId}/admin-credential`, { body: {}, as: { bearer } });
  admin = { username: cred.body.username, password: cred.body.password };
}, 240_000);

afterAll(async () => {
  try {
    if (clusterId) await runtime.deleteGroup(clusterId);
    await tc.stop();
  } finally {
    await h.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);

describe("Kafka upgrade 3.9.2 → 4.x", () => {
  test("a version that is not offered is refused with 400 naming kafkaVersion, nothing restarted", async () => {
    const before = markedPids(clusterId).sort();
    const c0 = await getCluster();
    expect(c0.kafkaVersion).toBe(FROM);
    expect(c0.metadataVersion).toBe(KAFKA_RELEASES[FROM].metadataVersion.name);
    expect(c0.brokers.map((b: { kafkaVersion: string }) => b.kafkaVersion)).toEqual([FROM, FROM, FROM]);
    expect(c0.upgrade).toBeNull();
    expect(c0.upgradableTo).toEqual([TO]);

    for (const v of ["4.0.0", "3.9", ""]) {
      const r = await patch({ kafkaVersion: v });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(Object.keys(r.body.error.fields ?? {})).toContain("kafkaVersion");
    }
    const both = await patch({ kafkaVersion: TO, brokerCount: 4 });
    expect(both.status).toBe(400);
    expect(Object.keys(both.body.error.fields ?? {})).toContain("kafkaVersion");

    const c = await getCluster();
    expect(c.kafkaVersion).toBe(FROM);
    expect(c.generation).toBe(c0.generation);
    expect(markedPids(clusterId).sort()).toEqual(before);
  });

  test("rolls every node onto 4.x under an idempotent acks=all producer, then raises metadata.version; every acknowledged message is consumed", async () => {
    const topic = "orders";
    const t = await h.rest("POST", `/clusters/${clusterId}/topics`, {
      body: { name: topic, partitions: 3, replicationFactor: 3, configs: { "min.insync.replicas": "2" } },
      as: { bearer },
    });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    await until("topic ready", async () => {
      const r = await h.rest("GET", `/clusters/${clusterId}/topics/${topic}`, { as: { bearer } });
      return r.body.status === "READY";
    });

    const producer = new Producer({
      clientId: "weir-upgrade-load",
      serializers: stringSerializers,
      idempotent: true,
      acks: -1,
      retries: 20,
      retryDelay: 250,
      ...clientOptions(),
    });
    const acked: string[] = [];
    let failures = 0;
    let stop = false;
    const load = (async () => {
      let n = 0;
      while (!stop) {
        const value = `m-${n}`;
        try {
          await producer.send({ messages: [{ topic, key: String(n % 7), value }] });
          acked.push(value);
          n++;
        } catch {
          // Not acknowledged: sent again under the same value (the idempotent producer keeps one copy).
          failures++;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    })();

    await until("first acknowledged messages", async () => acked.length >= 20, 60_000);
    const pidsBefore = new Map(
      (await getCluster()).brokers.map((b: { nodeId: number; pid: number }) => [b.nodeId, b.pid]),
    );
    const patchedAt = Date.now();
    const up = await patch({ kafkaVersion: TO });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body.kafkaVersion).toBe(TO);
    expect(up.body.status).toBe("UPDATING");

    // Progress as the console shows it, while it happens.
    const reasons = new Set<string>();
    const progress = new Set<string>();
    const done = await until(
      "every node on 4.x and metadata.version raised",
      async () => {
        const c = await getCluster();
        reasons.add(c.statusReason);
        if (c.upgrade) progress.add(`${c.upgrade.to}: ${c.upgrade.brokersDone} of ${c.upgrade.brokers}`);
        return (
          c.status === "RUNNING" &&
          c.metadataVersion === KAFKA_RELEASES[TO].metadataVersion.name &&
          c.brokers.every((b: { kafkaVersion: string }) => b.kafkaVersion === TO) &&
          c
        );
      },
      400_000,
    );
    const upgradeSeconds = (Date.now() - patchedAt) / 1000;
    const acksAtEnd = acked.length;
    await until("messages acknowledged after the upgrade", async () => acked.length >= acksAtEnd + 20, 60_000);
    stop = true;
    await load;
    await producer.close();

    expect([...reasons].some((r) => /^Upgrading: broker 2 of 3 \(node \d\) to Kafka 4\.4\.0/.test(r))).toBe(true);
    // The API's upgrade progress counted the brokers on the new release as they came back.
    expect(progress).toContain(`${TO}: 1 of 3`);
    expect(progress).toContain(`${TO}: 2 of 3`);
    expect(done.upgrade).toBeNull();
    expect(done.upgradableTo).toEqual([]);
    // Every broker restarted (new process) exactly for the upgrade.
    for (const b of done.brokers as { nodeId: number; pid: number; kafkaVersion: string }[]) {
      expect(b.pid).not.toBe(pidsBefore.get(b.nodeId));
    }

    // What Kafka itself says: each broker's binaries and the cluster's finalized metadata.version.
    const a = weirAdmin();
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
    const events = (await h.rest("GET", `/clusters/${clusterId}/events`, { as: { bearer } })).body.items;
    const raised = events.find((e: { reason: string }) => e.reason === "MetadataVersionRaised");
    expect(raised?.message).toContain(
      `from ${KAFKA_RELEASES[FROM].metadataVersion.name} to ${KAFKA_RELEASES[TO].metadataVersion.name}`,
    );

    const seen = await consumeAll(topic, acked);
    const lost = acked.filter((v) => !seen.has(v));
    console.info(
      `upgrade ${FROM} → ${TO} (${conn.ca ? "SASL_SSL" : "SASL_PLAINTEXT"}): PATCH → metadata.version raised in ${upgradeSeconds.toFixed(0)} s; ${acked.length} messages acknowledged (${acksAtEnd} by then), ${failures} sends retried, ${lost.length} lost`,
    );
    expect(lost, `${lost.length} of ${acked.length} acknowledged messages lost (${failures} sends retried)`).toEqual(
      [],
    );
  }, 600_000);

  test("on 4.x, a Kafka user with ACLs from the API produces and consumes; a downgrade is refused with 409", async () => {
    const c = await getCluster();
    expect(c.kafkaVersion).toBe(TO);
    const topic = "after-upgrade";
    expect(
      (
        await h.rest("POST", `/clusters/${clusterId}/topics`, {
          body: { name: topic, partitions: 1, replicationFactor: 3 },
          as: { bearer },
        })
      ).status,
    ).toBe(201);
    const u = await h.rest("POST", `/clusters/${clusterId}/users`, { body: { name: "app" }, as: { bearer } });
    expect(u.status, JSON.stringify(u.body)).toBe(201);
    const user = { username: "app", password: u.body.password as string };
    for (const preset of ["produce", "consume"]) {
      const r = await h.rest("POST", `/clusters/${clusterId}/acls/presets`, {
        body: { preset, principal: "User:app", topic, group: "app-group" },
        as: { bearer },
      });
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    }
    await until("topic, user and ACLs applied", async () => {
      const t = (await h.rest("GET", `/clusters/${clusterId}/topics/${topic}`, { as: { bearer } })).body;
      const users = (await h.rest("GET", `/clusters/${clusterId}/users`, { as: { bearer } })).body.items;
      const acls = await h.db.acl.findMany({ where: { clusterId, principal: "User:app" } });
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
    const kjs = new Kafka({
      clientId: "weir-kafkajs",
      brokers: conn.bootstrap,
      ssl: conn.ca ? { ca: [conn.ca] } : false,
      sasl: { mechanism: "scram-sha-512", username: user.username, password: user.password },
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    const kp = kjs.producer();
    await kp.connect();
    await kp.send({ topic, acks: -1, messages: [{ value: "hello from kafkajs" }] });
    await kp.disconnect();
    // Kafka 3.9's Java client (the one Connect workers and Spark jobs carry) against the 4.x
    // brokers, configured with clientSecurityProps as Weir configures them.
    const k39 = ensureKafka(env().WEIR_CACHE_DIR, FROM);
    const propsFile = path.join(dataDir, "client.properties");
    const security = { protocol: conn.ca ? ("SASL_SSL" as const) : ("SASL_PLAINTEXT" as const), caPem: conn.ca };
    fs.writeFileSync(propsFile, renderProperties([...clientSecurityPairs({ ...security, ...user }), ["acks", "all"]]));
    const java = await new Promise<{ code: number | null; err: string }>((resolve, reject) => {
      const child = spawn(k39.java, [
        "-Xmx256m",
        "-cp",
        k39.classpath,
        "kafka.tools.ConsoleProducer",
        "--bootstrap-server",
        conn.bootstrap.join(","),
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
    const seen = await consumeAll(topic, all, user, "app-group");
    expect([...seen].sort()).toEqual(all);

    const before = markedPids(clusterId).sort();
    const down = await patch({ kafkaVersion: FROM });
    expect(down.status, JSON.stringify(down.body)).toBe(409);
    expect(Object.keys(down.body.error.fields ?? {})).toContain("kafkaVersion");
    expect((await getCluster()).kafkaVersion).toBe(TO);
    expect(markedPids(clusterId).sort()).toEqual(before);
  }, 240_000);

  test("Debian's kcat (librdkafka before 2.6.1) is refused by Kafka 4 with 'invalid credentials', as the console says", async () => {
    const args = [
      "-b",
      conn.bootstrap[0]!,
      "-X",
      `security.protocol=${conn.ca ? "SASL_SSL" : "SASL_PLAINTEXT"}`,
      "-X",
      "sasl.mechanisms=SCRAM-SHA-512",
      "-X",
      `sasl.username=${admin.username}`,
      "-X",
      `sasl.password=${admin.password}`,
      "-m",
      "5",
      "-L",
    ];
    if (conn.ca) {
      const caFile = path.join(dataDir, "ca.pem");
      fs.writeFileSync(caFile, conn.ca);
      args.push("-X", `ssl.ca.location=${caFile}`);
    }
    const { stdout } = await run("kcat", ["-V"]);
    const librdkafka = /librdkafka version ([\d.]+)/.exec(stdout)?.[1] ?? "0";
    const [maj, min, patchLevel] = librdkafka.split(".").map(Number);
    const old = maj! < 2 || (maj === 2 && (min! < 6 || (min === 6 && patchLevel! < 1)));
    const res = await run("kcat", args).then(
      (r) => ({ ok: true, text: r.stdout + r.stderr }),
      (e: { stdout?: string; stderr?: string }) => ({ ok: false, text: `${e.stdout ?? ""}${e.stderr ?? ""}` }),
    );
    if (old) {
      expect(res.ok).toBe(false);
      expect(res.text).toMatch(/invalid credentials/);
    } else {
      expect(res.ok, res.text).toBe(true);
    }
  });
});
