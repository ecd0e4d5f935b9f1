import type { Db } from "@weir/db";
import type { Kind } from "./status.ts";

/** The newest events the controller wrote about a resource (the caller checks access first). */
export async function resourceEvents(db: Db, kind: Kind, resourceId: string, take = 50) {
  const rows = await db.resourceEvent.findMany({ where: { kind, resourceId }, orderBy: { id: "desc" }, take });
  return rows.map((e) => ({
    id: e.id.toString(),
    type: e.type,
    reason: e.reason,
    message: e.message,
    createdAt: e.createdAt,
  }));
}
