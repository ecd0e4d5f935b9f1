// What a bench needs to measure Weir as a user meets it, without a browser: a real Postgres
// (migrated), a signed-up organisation with an API key, the REST handler, and a real controller
// with the given drivers. One place, so every bench sets it up the same way.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { handleRest } from "@weir/api/http";
import { Controller, createReconcilers, type ReconcilerDeps } from "@weir/controller";
import { createDb, type Db } from "@weir/db";
import { createTestDatabase, prepareTemplate, startTestPostgres, TEMPLATE_DB } from "@weir/db/testing";
import { createDomain, ensureDefaultProject, seedPriceBook } from "@weir/domain";
import { env, resetEnv } from "@weir/env";

process.env.WEIR_SECRET_KEY ??= randomBytes(32).toString("hex");
resetEnv();
export const secretKey = env().WEIR_SECRET_KEY!;

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

export async function until(fn: () => Promise<boolean>, ms = 180_000, everyMs = 100): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error("timed out");
}

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export interface BenchStack {
  dataDir: string;
  db: Db;
  rest(method: string, p: string, body?: unknown): Promise<Record<string, any>>;
  stop(): Promise<void>;
}

/** Postgres + org + API key + REST handler, and a controller with `drivers` if given. */
export async function startBenchStack(
  name: string,
  drivers?: (dataDir: string) => Omit<ReconcilerDeps, "secretKey"> & {
    onExit?: (enqueue: (kind: "KafkaCluster" | "ComputeCluster" | "Job", id: string) => void) => void;
  },
): Promise<BenchStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `weir-bench-${name}-`));
  const server = await startTestPostgres();
  await prepareTemplate(server.url);
  const url = await createTestDatabase(server.url(TEMPLATE_DB), name);
  const db = createDb(url, 8);
  await seedPriceBook(db);
  const domain = createDomain(db);
  const { organization, user } = await domain.accounts.signUp(
    { email: "bench@example.com", password: "a long password", name: "Bench" },
    { ip: null, userAgent: null },
  );
  await ensureDefaultProject(db, organization.id);
  const { key } = await domain.apiKeys.create(
    {
      principal: { kind: "user", userId: user.id, email: user.email, name: user.name, sessionId: "" },
      meta: { ip: null, userAgent: null },
      orgId: organization.id,
      role: "OWNER",
    },
    { name: "bench", role: "ADMIN" },
  );
  let controller: Controller | undefined;
  let close: (() => Promise<void>) | undefined;
  if (drivers) {
    const d = drivers(dataDir);
    const kinds = createReconcilers({ ...d, secretKey });
    const c = new Controller({ db, databaseUrl: url, reconcilers: kinds.reconcilers, resyncIntervalMs: 60_000 });
    d.onExit?.((kind, id) => c.enqueue({ kind, id }));
    await c.start();
    controller = c;
    close = () => kinds.close();
  }
  return {
    dataDir,
    db,
    async rest(method, p, body) {
      const res = await handleRest(
        domain,
        new Request(`http://bench/api/v1${p}`, {
          method,
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
      return (await res.json()) as Record<string, any>;
    },
    async stop() {
      await controller?.stop();
      await close?.();
      await db.$disconnect();
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
