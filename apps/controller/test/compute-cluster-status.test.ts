// A compute cluster's status, table-driven, without a JVM: a function of what the driver and the
// master's /json/ showed in one pass.
import { parseMasterJson, findWorker, workerResources } from "@weir/runtime";
import { describe, expect, test } from "vitest";
import {
  computeProgress,
  computeStatus,
  connectStatus,
  workerStatus,
  type ComputeObservation,
  type WorkerObservation,
} from "../src/reconcilers/compute-cluster/status.ts";

const w = (index: number, extra: Partial<WorkerObservation> = {}): WorkerObservation => ({
  index,
  running: true,
  registered: true,
  leaving: false,
  lastExit: null,
  ...extra,
});

const obs = (workers: WorkerObservation[], extra: Partial<ComputeObservation> = {}): ComputeObservation => ({
  firstRun: false,
  workerCount: workers.filter((x) => !x.leaving).length,
  master: { running: true, alive: true, lastExit: null },
  workers,
  scaling: false,
  ...extra,
});

describe("compute cluster status", () => {
  const cases: [string, ComputeObservation, string, RegExp][] = [
    ["all up", obs([w(1), w(2)]), "RUNNING", /Master ALIVE, 2 workers registered/],
    [
      "first start, master not ALIVE yet",
      obs([w(1, { running: false, registered: false })], {
        firstRun: true,
        master: { running: true, alive: false, lastExit: null },
      }),
      "PROVISIONING",
      /Starting the master/,
    ],
    [
      "first start, 1 of 2 registered",
      obs([w(1), w(2, { registered: false })], { firstRun: true }),
      "PROVISIONING",
      /Starting workers: 1 of 2 registered/,
    ],
    [
      "a worker down",
      obs([w(1), w(2, { running: false, registered: false, lastExit: "SIGKILL" })]),
      "DEGRADED",
      /worker 2 is down \(last exit SIGKILL\), restarting/,
    ],
    [
      "the master down",
      obs([w(1, { registered: false })], { master: { running: false, alive: false, lastExit: "137" } }),
      "DEGRADED",
      /the master is down \(last exit 137\)/,
    ],
    [
      "scaling out: the new worker registering",
      obs([w(1), w(2), w(3, { registered: false })], { scaling: true, workerCount: 3 }),
      "UPDATING",
      /Scaling to 3 workers: 2 of 3 registered/,
    ],
    [
      "scaling in: a leaving worker draining",
      obs([w(1), w(2, { leaving: true })], { scaling: true, workerCount: 1 }),
      "UPDATING",
      /Scaling to 1 worker/,
    ],
    [
      "scaling with a worker down is DEGRADED",
      obs([w(1, { running: false, registered: false }), w(2)], { scaling: true }),
      "DEGRADED",
      /worker 1 is down/,
    ],
  ];
  test.each(cases)("%s → %s", (_, o, status, reason) => {
    const out = computeStatus(o);
    expect(out.status).toBe(status);
    expect(out.statusReason).toMatch(reason);
  });

  test("progress and per-worker status", () => {
    expect(computeProgress(obs([w(1), w(2)]))).toEqual({ done: 4, total: 4 });
    expect(computeProgress(obs([w(1), w(2, { registered: false })], { firstRun: true }))).toEqual({
      done: 2,
      total: 4,
    });
    expect(workerStatus(w(1, { running: false, lastExit: "1" }), false)).toEqual({
      status: "DEGRADED",
      statusReason: "Not running (last exit 1); restart pending",
    });
    expect(workerStatus(w(1, { leaving: true }), false).status).toBe("DELETING");
  });
});

describe("Spark builders and the master's /json/", () => {
  test("worker resources scale memory 1:4 between 1 and 4 GiB", () => {
    expect(workerResources({ vcpu: 1, memoryGib: 2 })).toEqual({ cores: 1, memoryMb: 1024 });
    expect(workerResources({ vcpu: 2, memoryGib: 8 })).toEqual({ cores: 2, memoryMb: 2048 });
    expect(workerResources({ vcpu: 8, memoryGib: 32 })).toEqual({ cores: 8, memoryMb: 4096 });
  });

  test("parses workers and apps, and finds a worker by address, preferring the live entry", () => {
    const state = parseMasterJson({
      url: "spark://127.0.0.1:7077",
      status: "ALIVE",
      workers: [
        {
          id: "w-old",
          host: "127.0.0.1",
          port: 4000,
          state: "DEAD",
          cores: 1,
          coresused: 0,
          memory: 1024,
          memoryused: 0,
        },
        {
          id: "w-new",
          host: "127.0.0.1",
          port: 4000,
          state: "ALIVE",
          cores: 1,
          coresused: 1,
          memory: 1024,
          memoryused: 512,
        },
      ],
      activeapps: [{ id: "app-1", name: "orders", cores: 1 }],
    });
    expect(findWorker(state, "127.0.0.1", 4000)?.id).toBe("w-new");
    expect(findWorker(state, "127.0.0.1", 4001)).toBeUndefined();
    expect(state.activeApps).toHaveLength(1);
    expect(() => parseMasterJson("<html>")).toThrow(/not a Spark master/);
  });
});

describe("the connect server's own status", () => {
  test.each([
    [{ running: true, answers: true, lastExit: null }, true, "RUNNING"],
    [{ running: true, answers: false, lastExit: null }, true, "PROVISIONING"],
    [{ running: false, answers: false, lastExit: null }, false, "PROVISIONING"],
    [{ running: false, answers: false, lastExit: "1" }, true, "DEGRADED"],
  ])("%j, master alive %s → %s", (c, alive, status) => {
    expect(connectStatus(c, alive).status).toBe(status);
  });

  test("never changes the cluster's status; a starting one is looked at again within a second", () => {
    const starting = computeStatus(obs([w(1)], { connect: { running: true, answers: false, lastExit: null } }));
    expect(starting.status).toBe("RUNNING");
    expect(starting.requeueAfterMs).toBe(1000);
    const down = computeStatus(obs([w(1)], { connect: { running: false, answers: false, lastExit: "137" } }));
    expect(down.status).toBe("RUNNING");
  });
});
