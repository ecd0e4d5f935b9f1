import type { BrokerModel, Db, KafkaClusterModel } from "@weir/db";
import type {
  BrokerRuntime,
  DeclarativeBrokerRuntime,
  KafkaAdmin,
  KafkaClusterSpec,
  ObservedInstance,
  TopicPartitions,
} from "@weir/runtime";
import type { EventInput, StatusRecord } from "../../framework/types.ts";
import type { StorageObservation } from "./status.ts";

export type ClusterWithBrokers = KafkaClusterModel & { brokers: BrokerModel[] };

/** What one reconcile pass of a Kafka cluster knows; each step fills in its part. */
export interface ClusterPass {
  db: Db;
  id: string;
  current: StatusRecord;
  event(e: EventInput): Promise<void>;
  runtime: BrokerRuntime;
  /** Set for a cluster whose runtime is "kubernetes": the driver handed the whole cluster. */
  declarative?: DeclarativeBrokerRuntime;
  secretKey: string;
  cluster: ClusterWithBrokers;
  /** Has never been RUNNING. */
  firstRun: boolean;
  /** Set by the node-rows step. */
  spec?: KafkaClusterSpec;
  bootstrapServers: string;
  /** Node ids being scaled in. */
  leaving: Set<number>;
  /** Nodes still to be added for the desired broker count. */
  adding: number;
  /** The driver's view of every node, by node id as a name. */
  observed: Map<string, ObservedInstance>;
  /** Nodes (re)started in this pass. */
  startedNow: Set<string>;
  /** Set by the observe-Kafka step. */
  admin?: KafkaAdmin;
  kafka: { registered: Set<number>; topics: (TopicPartitions & { internal: boolean })[]; error: string | null };
  /** Set by the watch-storage step: the fullest broker against the storage per broker. */
  storage?: StorageObservation;
}
