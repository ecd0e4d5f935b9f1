// The one port lease: every port of every kind of instance (broker listeners, controller and
// metrics ports, Spark master/worker/UI ports, Connect REST ports) is taken here, under a
// transaction-scoped advisory lock, and recorded in port_leases, so two kinds or two
// controllers never hand out the same port. A port must also be free on this host right now;
// one taken by another process after it was leased is renewed before its instance restarts.
import net from "node:net";
import type { Db } from "@weir/db";
import { freePorts } from "@weir/runtime/local";

const LOCK = "weir_port_lease";

export interface PortRequest {
  ownerKind: string;
  /** The instance that holds the ports (a broker row, a worker row). */
  ownerId: string;
  /** What each port is for, in order: e.g. ["listener", "controller", "metrics"]. */
  purposes: string[];
}

/** Leases ports for several instances at once; returns them in request order. */
export async function leasePorts(db: Db, requests: PortRequest[]): Promise<number[][]> {
  const count = requests.reduce((n, r) => n + r.purposes.length, 0);
  if (count === 0) return requests.map(() => []);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${LOCK}))`;
    const taken = await tx.portLease.findMany({ select: { port: true } });
    const ports = await freePorts(count, new Set(taken.map((t) => t.port)));
    let i = 0;
    const out = requests.map((r) => r.purposes.map(() => ports[i++]!));
    await tx.portLease.createMany({
      data: requests.flatMap((r, k) =>
        r.purposes.map((purpose, j) => ({ port: out[k]![j]!, ownerKind: r.ownerKind, ownerId: r.ownerId, purpose })),
      ),
    });
    return out;
  });
}

/** Gives back every port an instance (or several) held. */
export async function releasePorts(db: Db, ownerIds: string[]): Promise<void> {
  if (ownerIds.length > 0) await db.portLease.deleteMany({ where: { ownerId: { in: ownerIds } } });
}

/** The ports of `ports` that another process holds on this host right now (a bind fails). */
export async function portsInUse(ports: number[], host = "127.0.0.1"): Promise<Set<number>> {
  const taken = new Set<number>();
  for (const port of new Set(ports)) {
    const srv = net.createServer();
    const free = await new Promise<boolean>((resolve) => {
      srv.once("error", () => resolve(false));
      srv.listen(port, host, () => resolve(true));
    });
    if (free) await new Promise((r) => srv.close(r));
    else taken.add(port);
  }
  return taken;
}

export interface RenewedPort {
  purpose: string;
  from: number;
  to: number;
}

/**
 * Which of an instance's ports must be leased afresh: those another process took since they
 * were leased, among the purposes the instance can change on a restart (a KRaft voter's
 * controller port is in every voter's configuration, so it cannot).
 */
export function portsToRenew(current: Record<string, number | null>, inUse: Set<number>, renewable: string[]) {
  return renewable.filter((purpose) => {
    const port = current[purpose];
    return port != null && inUse.has(port);
  });
}

/**
 * Before an instance (re)starts: any of its `renewable` ports taken by another process is
 * replaced by a fresh lease, under the same lock as `leasePorts`, so the instance starts on a
 * free port instead of failing. Returns what changed (nothing when every port is free).
 */
export async function renewTakenPorts(
  db: Db,
  owner: { ownerKind: string; ownerId: string },
  current: Record<string, number | null>,
  renewable: string[],
): Promise<RenewedPort[]> {
  const ports = renewable.map((p) => current[p]).filter((p): p is number => p != null);
  const purposes = portsToRenew(current, await portsInUse(ports), renewable);
  if (purposes.length === 0) return [];
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${LOCK}))`;
    const stale = purposes.map((p) => current[p]!);
    await tx.portLease.deleteMany({ where: { ownerId: owner.ownerId, port: { in: stale } } });
    const taken = await tx.portLease.findMany({ select: { port: true } });
    // The taken ports stay out of the draw: their holder may let go of them any moment.
    const fresh = await freePorts(purposes.length, new Set([...taken.map((t) => t.port), ...stale]));
    await tx.portLease.createMany({
      data: purposes.map((purpose, i) => ({ port: fresh[i]!, purpose, ...owner })),
    });
    return purposes.map((purpose, i) => ({ purpose, from: current[purpose]!, to: fresh[i]! }));
  });
}
