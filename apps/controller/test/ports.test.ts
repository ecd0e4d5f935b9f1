// The port lease against a real Postgres and real sockets: a port another process took after it
// was leased is renewed (fresh port, lease rows moved), free ones are left alone.
import net from "node:net";
import { createDb, type Db } from "@weir/db";
import { createTestDatabase } from "@weir/db/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { inject } from "vitest";
import { leasePorts, portsInUse, portsToRenew, renewTakenPorts } from "../src/framework/ports.ts";

let db: Db;

beforeAll(async () => {
  db = createDb(await createTestDatabase(inject("templateDatabaseUrl")), 4);
});
afterAll(() => db.$disconnect());

async function occupy(port: number): Promise<net.Server> {
  const srv = net.createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once("error", reject);
    srv.listen(port, "127.0.0.1", () => resolve());
  });
  return srv;
}

describe("port lease", () => {
  test("portsToRenew: only taken ports of renewable purposes", () => {
    const current = { listener: 9001, controller: 9002, metrics: 9003 };
    expect(portsToRenew(current, new Set(), ["listener", "metrics"])).toEqual([]);
    expect(portsToRenew(current, new Set([9001, 9002]), ["listener", "metrics"])).toEqual(["listener"]);
    expect(portsToRenew({ listener: null }, new Set([9001]), ["listener"])).toEqual([]);
  });

  test("a taken port is renewed under the lease; free ones and other owners are untouched", async () => {
    const [[listener, metrics], [other]] = (await leasePorts(db, [
      { ownerKind: "Test", ownerId: "node-a", purposes: ["listener", "metrics"] },
      { ownerKind: "Test", ownerId: "node-b", purposes: ["listener"] },
    ])) as [number[], number[]];
    const current = { listener: listener!, metrics: metrics! };
    expect(
      await renewTakenPorts(db, { ownerKind: "Test", ownerId: "node-a" }, current, ["listener", "metrics"]),
    ).toEqual([]);

    const blocker = await occupy(listener!);
    try {
      expect(await portsInUse([listener!, metrics!])).toEqual(new Set([listener]));
      const renewed = await renewTakenPorts(db, { ownerKind: "Test", ownerId: "node-a" }, current, [
        "listener",
        "metrics",
      ]);
      expect(renewed).toHaveLength(1);
      expect(renewed[0]).toMatchObject({ purpose: "listener", from: listener });
      const fresh = renewed[0]!.to;
      expect([listener, metrics, other]).not.toContain(fresh);
      expect(await portsInUse([fresh])).toEqual(new Set());
      const leases = await db.portLease.findMany({ where: { ownerId: "node-a" }, orderBy: { purpose: "asc" } });
      expect(leases.map((l) => [l.purpose, l.port])).toEqual([
        ["listener", fresh],
        ["metrics", metrics],
      ]);
      expect(await db.portLease.count({ where: { ownerId: "node-b", port: other! } })).toBe(1);
    } finally {
      blocker.close();
    }
  });
});
