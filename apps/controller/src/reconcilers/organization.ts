import { asConditions, defaultProjectQuotas, ensureDefaultProject } from "@weir/domain";
import type { Reconciler } from "../framework/types.ts";
import { statusUpdate, statusWhere } from "../framework/types.ts";

/** An organisation is READY once its default project and quotas exist. */
export const organizationReconciler: Reconciler = {
  kind: "Organization",

  async listIds(db) {
    const rows = await db.organization.findMany({ select: { id: true } });
    return rows.map((r) => r.id);
  },

  async readStatus(db, id) {
    const o = await db.organization.findUnique({ where: { id } });
    if (!o) return null;
    return { ...o, orgId: o.id, conditions: asConditions(o.conditions) };
  },

  async writeStatus(db, id, patch) {
    await db.organization.updateMany({
      where: statusWhere(id, patch),
      data: statusUpdate(patch),
    });
  },

  async reconcile({ db, id, event }) {
    const result = await ensureDefaultProject(db, id);
    if (result === "CREATED") {
      const q = defaultProjectQuotas;
      await event({
        type: "NORMAL",
        reason: "ProjectCreated",
        message:
          `Created the default project with quotas: ${q.maxKafkaClusters} Kafka clusters of up to ` +
          `${q.maxBrokersPerCluster} brokers and ${q.maxStorageGbPerBroker} GB per broker, ` +
          `${q.maxComputeClusters} compute clusters of up to ${q.maxWorkersPerCluster} workers.`,
      });
    }
    return {
      status: "READY",
      statusReason: "The default project and its quotas are in place.",
      conditions: [{ type: "Ready", status: "True", reason: "ProjectReady", message: "Default project exists" }],
    };
  },
};
