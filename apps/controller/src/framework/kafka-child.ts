// The shape every child resource of a Kafka cluster shares (Topic, KafkaUser, Acl; Jobs of a
// compute cluster follow the same shape): wait until the parent cluster serves, then act on it
// through the pooled Admin client. Kafka's refusal of the user's spec leaves the resource FAILED
// with Kafka's reason; anything else (Kafka unreachable, our bug) is retried. On a cluster whose
// runtime is "kubernetes" a kind acts through the declarative driver instead (Strimzi's
// KafkaTopic/KafkaUser), and the API server's refusal is the user's fault the same way.
import type { Db, KafkaClusterModel } from "@weir/db";
import { asConditions, decryptSecret, isServing, kafkaError, type Kind } from "@weir/domain";
import { kafkaAdmins, kafkaRefusal, type DeclarativeBrokerRuntime, type KafkaAdmin } from "@weir/runtime";
import { KubernetesRejectedError } from "@weir/runtime/k8s";
import {
  ReconcileError,
  statusUpdate,
  statusWhere,
  type EventInput,
  type ReconcileOutcome,
  type Reconciler,
  type StatusPatch,
} from "./types.ts";

export interface ChildRow {
  status: string;
  generation: number;
  observedGeneration: number;
  statusReason: string;
  conditions: unknown;
  cluster: KafkaClusterModel;
}

export interface ChildPass<R extends ChildRow> {
  db: Db;
  id: string;
  row: R;
  admin: KafkaAdmin;
  secretKey: string;
  event(e: EventInput): Promise<void>;
}

export interface KafkaChildKind<R extends ChildRow> {
  kind: Kind;
  listIds(db: Db): Promise<string[]>;
  /** The row with its parent cluster, or null once deleted. */
  load(db: Db, id: string): Promise<R | null>;
  /** Writes a status patch where the row still matches (`updateMany`). */
  update(db: Db, where: { id: string; generation?: number }, data: ReturnType<typeof statusUpdate>): Promise<unknown>;
  /** Makes Kafka match the row; only called while the parent cluster serves. */
  act(pass: ChildPass<R>): Promise<ReconcileOutcome>;
  /** The same for a cluster on Kubernetes, through its operator's resources. */
  actDeclarative(pass: DeclarativeChildPass<R>): Promise<ReconcileOutcome>;
}

export interface DeclarativeChildPass<R extends ChildRow> extends Omit<ChildPass<R>, "admin"> {
  driver: DeclarativeBrokerRuntime;
}

/** While the operator has not applied the spec: not an error, looked at again in a few seconds. */
export const waitingForOperator = (message: string | null): ReconcileOutcome => ({
  status: "PROVISIONING",
  statusReason: message ?? "Waiting for the operator",
  requeueAfterMs: 5000,
});

/** Kafka's refusal of our spec is the user's to fix; anything else we retry. */
export function asReconcileError(e: unknown, clusterName: string): ReconcileError {
  if (e instanceof ReconcileError) return e;
  const refusal = kafkaRefusal(e);
  const err = kafkaError(e, clusterName);
  const userFault = refusal !== null && refusal.class !== "unavailable" && refusal.class !== "forbidden";
  return new ReconcileError(refusal?.id ?? "KafkaUnavailable", err.message, userFault ? "user" : "system", {
    cause: e,
  });
}

export function kafkaChildReconciler<R extends ChildRow>(
  deps: { secretKey: string; kubernetes?: DeclarativeBrokerRuntime },
  k: KafkaChildKind<R>,
): Reconciler {
  return {
    kind: k.kind,
    listIds: (db) => k.listIds(db),

    async readStatus(db, id) {
      const row = await k.load(db, id);
      return row && { ...row, orgId: row.cluster.orgId, conditions: asConditions(row.conditions) };
    },

    async writeStatus(db, id, patch: StatusPatch) {
      // updateMany: a row deleted in this pass has nothing left to update.
      await k.update(db, statusWhere(id, patch), statusUpdate(patch));
    },

    async reconcile({ db, id, event }) {
      const row = await k.load(db, id);
      if (!row) return { status: "DELETING", statusReason: "Deleted" };
      const { cluster } = row;
      if (cluster.runtime === "kubernetes") {
        if (!deps.kubernetes) {
          throw new ReconcileError(
            "NoKubernetesDriver",
            "The cluster runs on Kubernetes but this controller has no Kubernetes driver (WEIR_RUNTIME=kubernetes).",
          );
        }
        if (!isServing("KafkaCluster", cluster.status)) {
          return {
            status: row.status === "DELETING" ? "DELETING" : "PROVISIONING",
            statusReason: `Waiting for the cluster "${cluster.name}" to run`,
            requeueAfterMs: 10_000,
          };
        }
        try {
          return await k.actDeclarative({ db, id, row, event, secretKey: deps.secretKey, driver: deps.kubernetes });
        } catch (e) {
          if (e instanceof KubernetesRejectedError) throw new ReconcileError("KubernetesRejected", e.message, "user");
          throw e;
        }
      }
      const admin = isServing("KafkaCluster", cluster.status)
        ? kafkaAdmins.forCluster(cluster, (encrypted) => decryptSecret(encrypted, deps.secretKey))
        : null;
      if (!admin) {
        return {
          status: row.status === "DELETING" ? "DELETING" : "PROVISIONING",
          statusReason: `Waiting for the cluster "${cluster.name}" to run`,
          requeueAfterMs: 10_000,
        };
      }
      try {
        return await k.act({ db, id, row, admin, event, secretKey: deps.secretKey });
      } catch (e) {
        throw asReconcileError(e, cluster.name);
      }
    },
  };
}
