// `pnpm start` as a user runs it, with two 3-broker Kafka clusters: a controller killed with
// SIGKILL is restarted and adopts the brokers; Ctrl-C (SIGINT to the whole process group) stops
// every process, brokers included; the next start brings the clusters back; SIGTERM to the
// launcher alone stops everything too. Heavy (six broker JVMs): it cleans up whatever it started,
// even when a test fails.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "@weir/env";
import { Kafka, logLevel } from "kafkajs";
import {
  freePort,
  isRunning,
  listProcesses,
  markedProcesses,
  processTree,
  roleOf,
  waitFor,
  type ProcInfo,
} from "../lib/processes.ts";

const BROKERS = 3;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-start-test-"));
let port = 0;
let pgPort = 0;
const W = () => `http://127.0.0.1:${port}/api/v1`;

interface Run {
  child: ChildProcess;
  output: () => string;
}
let run: Run | undefined;
/** Every process any run started (the tree below pnpm), so afterAll can make sure they are gone. */
const seen = new Map<string, ProcInfo>();
const clusterIds: string[] = [];
let auth: Record<string, string> = {};

function startWeir(): Run {
  const child = spawn("pnpm", ["start"], {
    cwd: repoRoot,
    // Its own process group, as a shell gives a foreground job, so the test can signal the group.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      EMBEDDED_PG_PORT: String(pgPort),
      WEIR_DATA_DIR: dataDir,
      WEIR_CACHE_DIR: process.env.WEIR_CACHE_DIR ?? path.join(repoRoot, ".weir/cache"),
      WEIR_CONTROLLER_RESYNC_SECONDS: "5",
    },
  });
  let output = "";
  child.stdout!.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (output += b.toString()));
  return { child, output: () => output };
}

/** The processes of a run: pnpm, the bootstrap, the launcher, the console, the controller, Postgres. */
function track(r: Run): ProcInfo[] {
  const tree = processTree(r.child.pid!);
  for (const p of tree) seen.set(`${p.pid}:${p.startTime}`, p);
  return tree;
}

const alive = (procs: Iterable<ProcInfo>) => [...procs].filter(isRunning);
const ofRole = (r: Run, role: ReturnType<typeof roleOf>) => track(r).filter((p) => roleOf(p) === role);
const brokersOf = (clusterId: string) => markedProcesses(`${clusterId}:`);
const ourBrokers = () => clusterIds.flatMap(brokersOf);

async function ready(r: Run): Promise<void> {
  // The first start may build the console (about a minute on two cores).
  await waitFor(
    "`pnpm start` to be ready",
    () => {
      if (r.child.exitCode !== null) throw new Error(`pnpm start exited (${r.child.exitCode}):\n${r.output()}`);
      return r.output().includes("[weir] ready");
    },
    600_000,
  );
  track(r);
}

async function api(method: string, p: string, body?: unknown, headers = auth): Promise<Response> {
  return fetch(`${W()}${p}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function cluster(id: string): Promise<{ status: string; brokers: unknown[] }> {
  const res = await api("GET", `/clusters/${id}`);
  if (!res.ok) throw new Error(`GET /clusters/${id}: ${res.status}`);
  return (await res.json()) as { status: string; brokers: unknown[] };
}

async function createCluster(name: string): Promise<string> {
  const res = await api("POST", "/clusters", {
    name,
    brokerCount: BROKERS,
    brokerInstanceType: "kafka.t3.small",
    storageGbPerBroker: 20,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { id } = (await res.json()) as { id: string };
  clusterIds.push(id);
  return id;
}

const running = (id: string, timeoutMs = 300_000) =>
  waitFor(`cluster ${id} RUNNING`, async () => (await cluster(id)).status === "RUNNING", timeoutMs, 500);

/** The brokers the cluster itself reports over the Kafka protocol, with its admin credential. */
async function kafkaBrokers(id: string): Promise<number> {
  const res = await api("POST", `/clusters/${id}/admin-credential`, {});
  const cred = (await res.json()) as {
    username: string;
    password: string;
    bootstrapServers: string;
    caCertificatePem: string | null;
  };
  const admin = new Kafka({
    clientId: "start-test",
    brokers: cred.bootstrapServers.split(","),
    // A new cluster is SASL_SSL: trust its CA, as the answer gives it.
    ...(cred.caCertificatePem ? { ssl: { ca: [cred.caCertificatePem] } } : {}),
    sasl: { mechanism: "scram-sha-512", username: cred.username, password: cred.password },
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  }).admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.length;
  } finally {
    await admin.disconnect();
  }
}

/** Serving again after a start: RUNNING, and every broker answering over the Kafka protocol. */
const serving = (id: string) =>
  waitFor(
    `cluster ${id} serving with ${BROKERS} brokers`,
    async () => (await cluster(id)).status === "RUNNING" && (await kafkaBrokers(id)) === BROKERS,
    300_000,
    1000,
  );

/** One broker process per node: as many processes as nodes, no node twice. */
function expectOneProcessPerNode(id: string) {
  const nodes = brokersOf(id).map((p) => p.cmdline.find((a) => a.startsWith("-Dweir.node="))!);
  expect(nodes).toHaveLength(BROKERS);
  expect(new Set(nodes).size).toBe(BROKERS);
}

/** Ctrl-C or SIGTERM, then every process of the run and every broker of ours must be gone. */
async function stopAndCheck(r: Run, send: () => void): Promise<void> {
  const tree = track(r);
  const groups = new Set(tree.map((p) => p.pgid));
  const brokers = ourBrokers();
  send();
  await waitFor("pnpm start to exit", () => r.child.exitCode !== null || r.child.signalCode !== null, 150_000);
  await waitFor(
    "every process of the run and every broker to exit",
    () => alive([...seen.values(), ...brokers]).length === 0,
    30_000,
  );
  expect(r.child.exitCode, r.output()).toBe(0);
  expect(ourBrokers()).toEqual([]);
  expect(listProcesses().filter((p) => groups.has(p.pgid))).toEqual([]);
  expect(r.output()).toContain(`[weir] stopped ${BROKERS * 2} instance(s)`);
  // In order: the instances, then the database.
  expect(r.output().indexOf("[weir] stopped the database")).toBeGreaterThan(r.output().indexOf("instance(s)"));
}

beforeAll(async () => {
  port = await freePort();
  pgPort = await freePort();
  run = startWeir();
  await ready(run);
  const signUp = await api(
    "POST",
    "/auth/sign-up",
    { email: "start@example.com", password: "a long password", name: "Start" },
    {},
  );
  expect(signUp.status, await signUp.clone().text()).toBe(201);
  const cookie = signUp.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const key = await api("POST", "/api-keys", { name: "start-test", role: "ADMIN" }, { cookie });
  expect(key.status, await key.clone().text()).toBe(201);
  auth = { authorization: `Bearer ${((await key.json()) as { key: string }).key}` };
  // A new organisation is READY once the controller has made its default project; until then a
  // cluster is refused with 409 "still being set up" (seen in CI when sign-up beat the controller).
  await waitFor(
    "the organisation to be ready",
    async () => ((await (await api("GET", "/organizations/current")).json()) as { status: string }).status === "READY",
    120_000,
  );
}, 700_000);

afterAll(async () => {
  if (run && run.child.exitCode === null && run.child.signalCode === null) {
    try {
      process.kill(-run.child.pid!, "SIGINT");
    } catch {
      // gone
    }
    await waitFor(
      "the last run to exit",
      () => run!.child.exitCode !== null || run!.child.signalCode !== null,
      120_000,
    ).catch(() => undefined);
  }
  // Whatever is left, by what we saw started, by our clusters' markers, or by our data directory.
  const leftovers = [
    ...alive(seen.values()),
    ...ourBrokers(),
    ...listProcesses().filter((p) => p.cmdline.some((a) => a.includes(dataDir))),
  ];
  for (const p of leftovers) {
    try {
      if (isRunning(p)) process.kill(p.pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 200_000);

describe("pnpm start", () => {
  it("restarts a controller killed mid-provision; the brokers keep running and are adopted, the console keeps serving", async () => {
    const first = await createCluster("first");
    await running(first);
    const firstBrokers = brokersOf(first)
      .map((p) => p.pid)
      .sort();
    expect(firstBrokers).toHaveLength(BROKERS);

    const second = await createCluster("second");
    await waitFor(
      "the second cluster to be part-way through provisioning",
      async () => (await cluster(second)).status === "PROVISIONING" && brokersOf(second).length > 0,
      120_000,
      200,
    );
    const [controller] = ofRole(run!, "controller");
    expect(controller).toBeDefined();
    process.kill(controller!.pid, "SIGKILL");

    // The console answers all along while the launcher starts a new controller.
    let consoleFailures = 0;
    const newController = await waitFor(
      "a new controller",
      async () => {
        if (
          !(await api("GET", "/clusters").then(
            (r) => r.ok,
            () => false,
          ))
        )
          consoleFailures++;
        return ofRole(run!, "controller").find((p) => p.pid !== controller!.pid);
      },
      60_000,
    );
    expect(newController.pid).not.toBe(controller!.pid);
    expect(run!.output()).toMatch(/\[weir\] controller killed by SIGKILL: starting it again in 1 s/);

    await running(second);
    expect(consoleFailures).toBe(0);
    expect(await kafkaBrokers(second)).toBe(BROKERS);
    expectOneProcessPerNode(first);
    expectOneProcessPerNode(second);
    // The first cluster's brokers were adopted, not restarted.
    expect(
      brokersOf(first)
        .map((p) => p.pid)
        .sort(),
    ).toEqual(firstBrokers);
  }, 600_000);

  it("Ctrl-C (SIGINT to the process group) stops the console, the controller, every broker and the database", async () => {
    await stopAndCheck(run!, () => process.kill(-run!.child.pid!, "SIGINT"));
  }, 200_000);

  it("the next start brings both clusters back, and SIGTERM to the launcher alone stops everything", async () => {
    run = startWeir();
    await ready(run);
    // Statuses still say RUNNING from before the stop: what counts is the brokers answering.
    for (const id of clusterIds) await serving(id);
    for (const id of clusterIds) expectOneProcessPerNode(id);
    const [launcher] = ofRole(run, "launcher").filter((p) => p.cmdline.some((a) => a.endsWith("dist/start.mjs")));
    expect(launcher).toBeDefined();
    await stopAndCheck(run, () => process.kill(launcher!.pid, "SIGTERM"));
  }, 700_000);
});
