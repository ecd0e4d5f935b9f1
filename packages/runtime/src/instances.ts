// What every driver of every kind (Kafka nodes, Spark masters and workers, job drivers, Connect
// workers; local processes or Kubernetes pods) reports about a managed instance. The controller's
// instance policy (restart back-off, start-failure limit, run intervals) works on these alone.

export interface ObservedInstance {
  /** The instance's name within its resource: a node id, "master", "worker-2". */
  name: string;
  pid: number | null;
  running: boolean;
  startedAt: Date | null;
  /** Exit code (or signal name) of the last run the driver saw end, or PLANNED_EXIT. */
  lastExit: string | null;
  diskUsedBytes: number;
  /** This driver started or adopted it; false for a process found running (an earlier controller's). */
  managed: boolean;
}

export interface EnsureResult {
  pid: number;
  /** "started" a new process, "adopted" one left running by an earlier controller, or "running". */
  outcome: "started" | "adopted" | "running";
}

/** `ObservedInstance.lastExit` of an instance Weir stopped on purpose (`pnpm start`'s shutdown). */
export const PLANNED_EXIT = "stopped with Weir";

/** The part of a driver every kind shares. `group` is the resource (a cluster's id). */
export interface InstanceDriver {
  observe(group: string, names: string[]): Promise<ObservedInstance[]>;
  logTail(group: string, name: string, lines?: number): string;
  /** Called when a process the driver started exits (crash detection without polling). */
  onExit(listener: (group: string, name: string, code: string) => void): void;
  /** Stops every instance of the resource and deletes its data. */
  deleteGroup(group: string): Promise<void>;
}
