import { createDb, type Db } from "@weir/db";
import { createTestDatabase } from "@weir/db/testing";
import { asConditions, createDomain } from "@weir/domain";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { inject } from "vitest";
import { Controller, organizationReconciler, ReconcileError, type Reconciler } from "../src/index.ts";

let url: string;
let db: Db;
const meta = { ip: "127.0.0.1", userAgent: "test" };

beforeAll(async () => {
  url = await createTestDatabase(inject("templateDatabaseUrl"));
  db = createDb(url, 10);
});
afterAll(() => db.$disconnect());

async function until<T>(fn: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("Organization reconciler", () => {
  test("a new organisation is woken by NOTIFY, gets its default project and becomes READY", async () => {
    const c = new Controller({
      db,
      databaseUrl: url,
      reconcilers: [organizationReconciler],
      resyncIntervalMs: 3_600_000,
    });
    await c.start();
    try {
      const { organization } = await createDomain(db).accounts.signUp(
        { email: "notify@example.com", password: "a long password", name: "N" },
        meta,
      );
      const org = await until(async () => {
        const o = await db.organization.findUniqueOrThrow({ where: { id: organization.id } });
        return o.status === "READY" && o;
      });
      expect(org.observedGeneration).toBe(org.generation);
      expect(asConditions(org.conditions)).toContainEqual(expect.objectContaining({ type: "Ready", status: "True" }));
      const projects = await db.project.findMany({ where: { orgId: org.id } });
      expect(projects).toHaveLength(1);
      expect(projects[0]).toMatchObject({ name: "default", isDefault: true, maxKafkaClusters: 5 });
      const events = await db.resourceEvent.findMany({ where: { resourceId: org.id } });
      expect(events.map((e) => e.reason)).toEqual(["ProjectCreated"]);

      // Reconciling again changes nothing: no second project, no second event.
      await c.resync();
      await c.idle();
      expect(await db.project.count({ where: { orgId: org.id } })).toBe(1);
      expect(await db.resourceEvent.count({ where: { resourceId: org.id } })).toBe(1);
    } finally {
      await c.stop();
    }
  });

  test("the periodic resync picks up organisations created while no controller ran", async () => {
    const { organization } = await createDomain(db).accounts.signUp(
      { email: "offline@example.com", password: "a long password", name: "O" },
      meta,
    );
    const c = new Controller({ db, databaseUrl: url, reconcilers: [organizationReconciler] });
    await c.start();
    await c.idle();
    await c.stop();
    const o = await db.organization.findUniqueOrThrow({ where: { id: organization.id } });
    expect(o.status).toBe("READY");
  });
});

/** A kind backed by the organisations table whose reconcile behaviour the test controls. */
function probe(
  behaviour: (id: string, attempt: number) => Promise<void>,
): Reconciler & { attempts: Map<string, number> } {
  const attempts = new Map<string, number>();
  return {
    ...organizationReconciler,
    kind: "Probe",
    attempts,
    async listIds() {
      return [];
    },
    async reconcile({ id }) {
      const n = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, n);
      await behaviour(id, n);
      return {
        status: "READY",
        statusReason: "probe done",
        conditions: [{ type: "Ready", status: "True", reason: "Done", message: "" }],
      };
    },
  };
}

describe("framework", () => {
  test("a failing step writes status, condition, observedGeneration and a Warning event, then retries with back-off", async () => {
    const org = await db.organization.create({ data: { name: "Flaky", slug: `flaky-${Date.now()}`, generation: 3 } });
    const r = probe(async (_id, n) => {
      if (n < 3) throw new Error(`transient failure ${n}`);
    });
    const c = new Controller({ db, databaseUrl: url, reconcilers: [r], backoff: { initialMs: 50, maxMs: 200 } });
    await c.start();
    try {
      c.enqueue({ kind: "Probe", id: org.id });
      const failed = await until(async () => {
        const o = await db.organization.findUniqueOrThrow({ where: { id: org.id } });
        return o.statusReason.startsWith("Retrying") && o;
      });
      expect(failed.observedGeneration).toBe(3);
      expect(asConditions(failed.conditions)).toContainEqual(
        expect.objectContaining({
          type: "Reconciled",
          status: "False",
          reason: "InternalError",
          observedGeneration: 3,
        }),
      );
      const done = await until(async () => {
        const o = await db.organization.findUniqueOrThrow({ where: { id: org.id } });
        return o.status === "READY" && o;
      });
      expect(done.statusReason).toBe("probe done");
      expect(r.attempts.get(org.id)).toBe(3);
      const warnings = await db.resourceEvent.findMany({ where: { resourceId: org.id, type: "WARNING" } });
      expect(warnings.map((w) => w.message)).toEqual(["transient failure 1", "transient failure 2"]);
    } finally {
      await c.stop();
    }
  });

  test("a spec change made during a reconcile wins over that pass's status write, and is reconciled next", async () => {
    const org = await db.organization.create({ data: { name: "Raced", slug: `race-${Date.now()}` } });
    const r = probe(async (id, n) => {
      // While the first pass works, the API deletes the resource (new generation, DELETING).
      if (n === 1) {
        await db.organization.update({
          where: { id },
          data: { status: "DELETING", statusReason: "asked to delete", generation: { increment: 1 } },
        });
      }
    });
    const c = new Controller({ db, databaseUrl: url, reconcilers: [r] });
    await c.start();
    try {
      c.enqueue({ kind: "Probe", id: org.id });
      await until(async () => (r.attempts.get(org.id) ?? 0) >= 1);
      await c.idle();
      const o = await db.organization.findUniqueOrThrow({ where: { id: org.id } });
      // The first pass's READY was not written over DELETING.
      expect(o.status).toBe("DELETING");
      expect(o.observedGeneration).toBe(0);
      // The next pass (the NOTIFY of a real API call, here an enqueue) sees the new generation.
      c.enqueue({ kind: "Probe", id: org.id });
      await c.idle();
      const after = await db.organization.findUniqueOrThrow({ where: { id: org.id } });
      expect(after.observedGeneration).toBe(2);
    } finally {
      await c.stop();
    }
  });

  test("a kind with slots of its own runs that many at once, beside the shared limit", async () => {
    const orgs = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        db.organization.create({ data: { name: `Slots ${i}`, slug: `slots-${i}-${Date.now()}` } }),
      ),
    );
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const inside = { Probe: 0, Own: 0 };
    const held = (kind: keyof typeof inside) => async () => {
      inside[kind]++;
      await gate;
    };
    const shared = probe(held("Probe"));
    const own = { ...probe(held("Own")), kind: "Own", concurrency: 3 };
    const c = new Controller({ db, databaseUrl: url, reconcilers: [shared, own], concurrency: 1 });
    await c.start();
    try {
      for (const o of orgs) {
        c.enqueue({ kind: "Probe", id: o.id });
        c.enqueue({ kind: "Own", id: o.id });
      }
      await until(async () => inside.Probe === 1 && inside.Own === 3);
      // Nothing more starts while those hold their slots.
      await new Promise((r) => setTimeout(r, 300));
      expect(inside).toEqual({ Probe: 1, Own: 3 });
      release();
      await c.idle();
      expect(inside).toEqual({ Probe: 5, Own: 5 });
    } finally {
      await c.stop();
    }
  });

  test("a user's mistake leaves the resource FAILED with the reason", async () => {
    const org = await db.organization.create({ data: { name: "Bad spec", slug: `bad-${Date.now()}` } });
    const r = probe(async () => {
      throw new ReconcileError("InvalidSpec", "Broker count 0 is below the minimum of 1.", "user");
    });
    const c = new Controller({ db, databaseUrl: url, reconcilers: [r], backoff: { initialMs: 60_000, maxMs: 60_000 } });
    await c.start();
    try {
      c.enqueue({ kind: "Probe", id: org.id });
      const o = await until(async () => {
        const o = await db.organization.findUniqueOrThrow({ where: { id: org.id } });
        return o.status === "FAILED" && o;
      });
      expect(o.statusReason).toBe("Broker count 0 is below the minimum of 1.");
    } finally {
      await c.stop();
    }
  });

  test("two controllers never reconcile the same resource at once", async () => {
    const org = await db.organization.create({ data: { name: "Contended", slug: `lock-${Date.now()}` } });
    let concurrent = 0;
    let maxConcurrent = 0;
    const slow = async () => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      await new Promise((r) => setTimeout(r, 300));
      concurrent--;
    };
    const a = new Controller({ db, databaseUrl: url, reconcilers: [probe(slow)] });
    const b = new Controller({ db, databaseUrl: url, reconcilers: [probe(slow)] });
    await a.start();
    await b.start();
    try {
      for (let i = 0; i < 5; i++) {
        a.enqueue({ kind: "Probe", id: org.id });
        b.enqueue({ kind: "Probe", id: org.id });
        await new Promise((r) => setTimeout(r, 100));
      }
      await a.idle();
      await b.idle();
      expect(maxConcurrent).toBe(1);
      // Both really tried, and the lock turned one of them away at least once.
      expect(a.lockTries).toBeGreaterThan(0);
      expect(b.lockTries).toBeGreaterThan(0);
      expect(a.lockRefusals + b.lockRefusals).toBeGreaterThan(0);
      expect(a.attempts + b.attempts).toBeGreaterThan(0);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  test("shutdown waits for a running reconcile to finish", async () => {
    const org = await db.organization.create({ data: { name: "Slow", slug: `slow-${Date.now()}` } });
    let finished = false;
    const c = new Controller({
      db,
      databaseUrl: url,
      reconcilers: [
        probe(async () => {
          await new Promise((r) => setTimeout(r, 500));
          finished = true;
        }),
      ],
    });
    await c.start();
    c.enqueue({ kind: "Probe", id: org.id });
    await new Promise((r) => setTimeout(r, 100));
    await c.stop();
    expect(finished).toBe(true);
    const o = await db.organization.findUniqueOrThrow({ where: { id: org.id } });
    expect(o.status).toBe("READY");
  });
});
