// The one port lease: every port of every kind of instance (broker listeners, controller and
// metrics ports, Spark master/worker/UI ports, Connect REST ports) is taken here, under a
// transaction-scoped advisory lock, and recorded in port_leases, so two kinds or two
// controllers never hand out the same port. A port must also be free on this host right now.
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
