// The local Connect driver: each distributed worker is a JVM run by the shared LocalSupervisor.
// Per cluster, under <dataDir>/connect/<clusterId>/:
//   secrets/                      0700; one 0600 file per secret, read by the dir config provider
//   <workerId>/worker.properties  rendered by connectWorkerProperties; log4j.properties
//   <workerId>/connect.log, process.json   kept by the supervisor
import type { ObservedInstance } from "../instances.ts";
import type { ConnectWorkerInput } from "../connect/config.ts";
import { LocalSupervisor } from "./supervisor.ts";

const notYet = (): never => {
  throw new Error("not built yet");
};

export class LocalConnectRuntime {
  private readonly supervisor: LocalSupervisor;

  constructor(private readonly opts: { dataDir: string; cacheDir?: string; supervisor?: LocalSupervisor }) {
    this.supervisor = opts.supervisor ?? new LocalSupervisor();
  }

  ensureWorker(w: {
    clusterId: string;
    workerId: string;
    input: ConnectWorkerInput;
  }): Promise<{ pid: number; restPort: number; adopted: boolean }> {
    void w;
    return notYet();
  }
  stopWorker(clusterId: string, workerId: string, opts?: { hard?: boolean }): Promise<void> {
    void [clusterId, workerId, opts];
    return notYet();
  }
  workerState(clusterId: string, workerId: string): Promise<"running" | "exited" | "absent"> {
    void [clusterId, workerId];
    return notYet();
  }
  readLog(clusterId: string, workerId: string, opts?: { search?: string; lines?: number }): Promise<string[]> {
    void [clusterId, workerId, opts];
    return notYet();
  }
  /** Where the dir config provider reads this cluster's secrets (ConnectWorkerInput.secretsDir). */
  secretsDir(clusterId: string): string {
    void clusterId;
    return notYet();
  }
  writeSecret(clusterId: string, name: string, value: string): Promise<string> {
    void [clusterId, name, value];
    return notYet();
  }
  removeSecret(clusterId: string, name: string): Promise<void> {
    void [clusterId, name];
    return notYet();
  }
  // InstanceDriver
  observe(clusterId: string, names: string[]): Promise<ObservedInstance[]> {
    void [clusterId, names];
    return notYet();
  }
  logTail(clusterId: string, workerId: string, lines?: number): string {
    void [clusterId, workerId, lines];
    return notYet();
  }
  onExit(listener: (clusterId: string, workerId: string, code: string) => void): void {
    void listener;
    notYet();
  }
  deleteGroup(clusterId: string): Promise<void> {
    void clusterId;
    return notYet();
  }
}
