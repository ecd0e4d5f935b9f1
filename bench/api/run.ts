// pnpm bench:api — the REST API under load, next to its floor, in one run on one machine.
//
// Starts a real Postgres (migrated), seeds an organisation with an API key, 20 Kafka clusters
// (rows only: no controller runs, so nothing is provisioned), 5,000 topics in one of them and
// 100,000 audit events, then starts the built console (`next start`, production) and, as the floor,
// a bare Node HTTP server with `pg` answering the same lists with the same SQL (bench/api/floor.mjs).
// autocannon drives each scenario at 1, 10 and 50 connections for a few seconds: requests/s, p50,
// p99, and Weir's throughput as a ratio of the floor's. Then one address hammers sign-in with
// wrong passwords while another user lists clusters, and the other user's p99 is shown with and
// without the hammer. The console's RSS is read before and after.
//
//   pnpm bench:api [--duration 5] [--topics 5000] [--audit 100000] [--web DIR] [--no-build]
//                  [--only REGEX] [--no-hammer] [--profile DIR] [--console-flags "FLAGS"]
//
// --web runs the console built in another checkout (e.g. a worktree of an older commit, built with
// `pnpm build` there) against the same seeded database, for before/after figures. --only keeps the
// scenarios whose name matches; --profile runs the console under `node --cpu-prof`, writing its
// profile to DIR when it stops (read it with `node bench/api/profile-summary.mjs DIR/*.cpuprofile`).
// The console runs with `pnpm start`'s Node flags (scripts/lib/node-flags.ts); --console-flags
// replaces them (an empty string: Node's defaults).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { createDb } from "@weir/db";
import { createTestDatabase, prepareTemplate, startTestPostgres, TEMPLATE_DB } from "@weir/db/testing";
import { createDomain, ensureDefaultProject, seedPriceBook, type OrgScope } from "@weir/domain";
import { repoRoot } from "@weir/env";
import { NODE_FLAGS } from "../../scripts/lib/node-flags.ts";
import { freePort, processTree, waitFor } from "../../scripts/lib/processes.ts";
import { secretKey } from "../lib/stack.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const DURATION = Number(arg("duration", "5"));
const TOPICS = Number(arg("topics", "5000"));
const AUDIT = Number(arg("audit", "100000"));
const WEB_DIR = path.resolve(arg("web", path.join(repoRoot, "apps/web")));
const CONCURRENCY = (process.argv.includes("--concurrency") ? arg("concurrency", "") : "1,10,50")
  .split(",")
  .map(Number);
const ONLY = new RegExp(arg("only", "."));
const HAMMER = !process.argv.includes("--no-hammer");
/** The console's Node flags: those of `pnpm start` unless `--console-flags "…"` replaces them. */
const CONSOLE_FLAGS = process.argv.includes("--console-flags")
  ? arg("console-flags", "").split(/\s+/).filter(Boolean)
  : NODE_FLAGS.console;
const PROFILE_DIR = process.argv.includes("--profile") ? path.resolve(arg("profile", "bench-profile")) : null;
const PASSWORD = "a long bench password";

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, connections: number, opts: Partial<autocannon.Options> = {}): Promise<Figures> {
  const r = await autocannon({ url, connections, duration: DURATION, ...opts });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

const rssMb = (pid: number) => processTree(pid).reduce((s, p) => s + p.rssKb, 0) / 1024;

function start(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; out: () => string } {
  let out = "";
  const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  return { child, out: () => out };
}

async function main() {
  if (!process.argv.includes("--no-build") && WEB_DIR === path.join(repoRoot, "apps/web")) {
    console.log("building (pnpm build: compiles what changed)…");
    const b = spawnSync("node", ["scripts/build.mjs"], { cwd: repoRoot, stdio: "inherit" });
    if (b.status !== 0) throw new Error("pnpm build failed");
  }

  const server = await startTestPostgres();
  const children: ChildProcess[] = [];
  try {
    await prepareTemplate(server.url);
    const url = await createTestDatabase(server.url(TEMPLATE_DB), "benchapi");
    const db = createDb(url, 4);
    await seedPriceBook(db);
    const domain = createDomain(db);
    const { organization, user } = await domain.accounts.signUp(
      { email: "bench@example.com", password: PASSWORD, name: "Bench" },
      { ip: "192.0.2.1", userAgent: "bench" },
    );
    await ensureDefaultProject(db, organization.id);
    const project = await db.project.findFirstOrThrow({ where: { orgId: organization.id, isDefault: true } });
    const scope: OrgScope = {
      principal: { kind: "user", userId: user.id, email: user.email, name: user.name, sessionId: "" },
      meta: { ip: "192.0.2.1", userAgent: "bench" },
      orgId: organization.id,
      role: "OWNER",
    };
    const { key } = await domain.apiKeys.create(scope, { name: "bench", role: "ADMIN" });
    // The default per-key limit (6,000 a minute) would answer most of this load with 429.
    await db.$executeRaw`UPDATE organizations SET api_key_requests_per_minute = 1000000000 WHERE id = ${organization.id}::uuid`;
    const t0 = Date.now();
    await db.$executeRaw`
      INSERT INTO kafka_clusters (id, org_id, project_id, name, kafka_version, broker_count, broker_instance_type,
                                  storage_gb_per_broker, updated_at)
      SELECT gen_random_uuid(), ${organization.id}::uuid, ${project.id}::uuid, 'bench-' || i, '3.9.2', 3,
             'kafka.t3.small', 20, now()
      FROM generate_series(1, 20) AS i`;
    const [cluster] = await db.$queryRaw<Array<{ id: string }>>`
      SELECT id::text FROM kafka_clusters WHERE org_id = ${organization.id}::uuid ORDER BY name LIMIT 1`;
    await db.$executeRaw`
      INSERT INTO topics (id, cluster_id, name, partitions, replication_factor, updated_at)
      SELECT gen_random_uuid(), ${cluster!.id}::uuid, 'topic-' || lpad(i::text, 6, '0'), 3, 3, now()
      FROM generate_series(1, ${TOPICS}::int) AS i`;
    await db.$executeRaw`
      INSERT INTO audit_events (org_id, actor_type, actor_id, actor_label, action, resource_type, resource_id,
                                resource_name, details, ip)
      SELECT ${organization.id}::uuid, 'USER', ${user.id}, 'bench@example.com', 'topic.create', 'topic',
             gen_random_uuid()::text, 'topic-' || i, '{}'::jsonb, '192.0.2.1'
      FROM generate_series(1, ${AUDIT}::int) AS i`;
    await db.$executeRaw`ANALYZE`;
    console.log(
      `seeded 20 clusters, ${TOPICS} topics, ${AUDIT} audit events in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );

    const port = await freePort();
    const web = start(
      "node",
      [
        ...CONSOLE_FLAGS,
        ...(PROFILE_DIR ? ["--cpu-prof", "--cpu-prof-dir", PROFILE_DIR] : []),
        path.join(WEB_DIR, "node_modules/next/dist/bin/next"),
        "start",
        "-p",
        String(port),
        "-H",
        "127.0.0.1",
      ],
      WEB_DIR,
      {
        ...process.env,
        DATABASE_URL: url,
        WEIR_SECRET_KEY: secretKey,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
      },
    );
    children.push(web.child);
    const base = `http://127.0.0.1:${port}/api/v1`;
    await waitFor(
      "the console to answer",
      async () => (await fetch(`${base}/openapi.json`).catch(() => null))?.ok === true || web.child.exitCode !== null,
      120_000,
    );
    if (web.child.exitCode !== null) throw new Error(`the console exited:\n${web.out()}`);
    const openapiFile = path.join(os.tmpdir(), `weir-bench-openapi-${port}.json`);
    fs.writeFileSync(openapiFile, await (await fetch(`${base}/openapi.json`)).text());

    const floorPort = await freePort();
    const floor = start(
      "node",
      [path.join(repoRoot, "bench/api/floor.mjs"), String(floorPort), url, organization.id, cluster!.id, openapiFile],
      repoRoot,
      process.env,
    );
    children.push(floor.child);
    await waitFor(
      "the floor server",
      () => floor.out().includes("floor ready") || floor.child.exitCode !== null,
      30_000,
    );
    if (floor.child.exitCode !== null) throw new Error(`the floor exited:\n${floor.out()}`);
    const floorBase = `http://127.0.0.1:${floorPort}`;

    const signIn = await fetch(`${base}/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "bench@example.com", password: PASSWORD }),
    });
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    if (!signIn.ok) throw new Error(`sign-in failed: ${signIn.status} ${await signIn.text()}`);
    const asKey = { authorization: `Bearer ${key}` };
    const asCookie = { cookie };

    const scenarios: Array<{ name: string; path: string; floor: string; headers: Record<string, string> }> = [
      { name: "list clusters (20), API key", path: "/clusters", floor: "/clusters", headers: asKey },
      { name: "list clusters (20), session", path: "/clusters", floor: "/clusters", headers: asCookie },
      {
        name: `list topics (${TOPICS}), API key`,
        path: `/clusters/${cluster!.id}/topics?pageSize=50`,
        floor: "/topics",
        headers: asKey,
      },
      {
        name: `list topics (${TOPICS}), session`,
        path: `/clusters/${cluster!.id}/topics?pageSize=50`,
        floor: "/topics",
        headers: asCookie,
      },
      {
        name: `audit events (${AUDIT}), API key`,
        path: "/audit-events?limit=50",
        floor: "/audit-events",
        headers: asKey,
      },
      {
        name: `audit events (${AUDIT}), session`,
        path: "/audit-events?limit=50",
        floor: "/audit-events",
        headers: asCookie,
      },
      { name: "price book (public)", path: "/pricing/price-book", floor: "/price-book", headers: {} },
      { name: "openapi.json", path: "/openapi.json", floor: "/openapi.json", headers: {} },
    ];

    for (const s of [...scenarios]) if (!ONLY.test(s.name)) scenarios.splice(scenarios.indexOf(s), 1);
    // A scenario the console cannot answer (an older build given with --web may not read rows this
    // database's seed writes) is left out, and said so.
    for (const s of [...scenarios]) {
      const check = await fetch(`${base}${s.path}`, { headers: s.headers });
      if (!check.ok) {
        console.log(`  left out: ${s.name}: ${check.status} ${(await check.text()).slice(0, 200)}`);
        scenarios.splice(scenarios.indexOf(s), 1);
      }
    }
    // Warm both servers (JIT, pools, Next's route compilation) before measuring.
    for (const s of scenarios) {
      await autocannon({ url: `${base}${s.path}`, connections: 10, amount: 200, headers: s.headers });
      await autocannon({ url: `${floorBase}${s.floor}`, connections: 10, amount: 200 });
    }

    const rssBefore = rssMb(web.child.pid!);
    console.log(
      `\n${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}; ${DURATION} s per run; console ${WEB_DIR} (node ${CONSOLE_FLAGS.join(" ") || "defaults"})`,
    );
    const head = `  ${"scenario".padEnd(34)} conc   Weir req/s   p50   p99 │ floor req/s   p50   p99 │ ratio  non-2xx`;
    console.log(`\n${head}\n  ${"─".repeat(head.length - 2)}`);
    const ratios: number[] = [];
    for (const s of scenarios) {
      for (const c of CONCURRENCY) {
        const w = await load(`${base}${s.path}`, c, { headers: s.headers });
        const f = await load(`${floorBase}${s.floor}`, c);
        const ratio = w.rps / f.rps;
        ratios.push(ratio);
        console.log(
          `  ${s.name.padEnd(34)} ${String(c).padStart(4)} ${w.rps.toFixed(0).padStart(12)} ${String(w.p50).padStart(5)} ` +
            `${String(w.p99).padStart(5)} │ ${f.rps.toFixed(0).padStart(11)} ${String(f.p50).padStart(5)} ` +
            `${String(f.p99).padStart(5)} │ ${ratio.toFixed(2).padStart(5)}x ${String(w.non2xx + w.errors).padStart(7)}`,
        );
      }
    }
    const rssAfter = rssMb(web.child.pid!);
    console.log(`\n  console RSS: ${rssBefore.toFixed(0)} MB before the runs, ${rssAfter.toFixed(0)} MB after`);
    console.log(`  lowest ratio to the floor: ${Math.min(...ratios).toFixed(2)}x (goal: at least 0.5x)`);

    if (HAMMER) await signInHammer(base, asKey);
    await db.$disconnect();
  } finally {
    for (const c of children) {
      if (!c.pid || c.exitCode !== null) continue;
      // Next answers SIGTERM by exiting, which is when --cpu-prof writes its profile.
      const exited = new Promise((r) => c.once("exit", r));
      process.kill(-c.pid, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    }
    await server.stop();
  }
}

/** One address hammers sign-in with wrong passwords; another user lists clusters meanwhile. */
async function signInHammer(base: string, asKey: Record<string, string>) {
  const quiet = await load(`${base}/clusters`, 10, { headers: asKey });
  const hammerStatuses = new Map<number, number>();
  const hammer = new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${base}/auth/sign-in`,
        connections: 20,
        duration: DURATION + 2,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "bench@example.com", password: "not the password" }),
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    instance.on("response", (_client, status) => hammerStatuses.set(status, (hammerStatuses.get(status) ?? 0) + 1));
  });
  await new Promise((r) => setTimeout(r, 1000));
  const during = await load(`${base}/clusters`, 10, { headers: asKey });
  const h = await hammer;
  console.log(
    `\n  sign-in hammer: 20 connections from one address for ${DURATION + 2} s, ${h.requests.total} attempts: ` +
      [...hammerStatuses].map(([s, n]) => `${n}× ${s}`).join(", "),
  );
  console.log(
    `  another user's GET /clusters at 10 connections: p50 ${quiet.p50} ms, p99 ${quiet.p99} ms alone; ` +
      `p50 ${during.p50} ms, p99 ${during.p99} ms during the hammer (goal: p99 under 100 ms); ` +
      `${quiet.rps.toFixed(0)} → ${during.rps.toFixed(0)} req/s`,
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
