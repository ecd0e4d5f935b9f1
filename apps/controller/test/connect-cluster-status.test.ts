// A Connect cluster's status, table-driven, without a JVM: a function of the worker processes and
// whether each worker's REST API answered in one pass.
import { describe, expect, test } from "vitest";
import {
  connectProgress,
  connectStatus,
  waiting,
  workerStatus,
  type ConnectObservation,
  type ConnectWorkerObservation,
} from "../src/reconcilers/connect-cluster/status.ts";

const w = (index: number, extra: Partial<ConnectWorkerObservation> = {}): ConnectWorkerObservation => ({
  index,
  running: true,
  ready: true,
  leaving: false,
  lastExit: null,
  ...extra,
});

const obs = (workers: ConnectWorkerObservation[], extra: Partial<ConnectObservation> = {}): ConnectObservation => ({
  firstRun: false,
  workerCount: workers.filter((x) => !x.leaving).length,
  workers,
  scaling: false,
  ...extra,
});

describe("connectStatus", () => {
  test.each<[string, ConnectObservation, string, RegExp]>([
    ["every worker answers", obs([w(1), w(2)]), "RUNNING", /^2 workers serving$/],
    [
      "first start, one of two answering",
      obs([w(1), w(2, { ready: false })], { firstRun: true }),
      "PROVISIONING",
      /1 of 2 answering/,
    ],
    [
      "first start, a worker not yet started",
      obs([w(1, { running: false, ready: false })], { firstRun: true }),
      "PROVISIONING",
      /0 of 1/,
    ],
    [
      "a worker crashed",
      obs([w(1), w(2, { running: false, ready: false, lastExit: "137" })]),
      "DEGRADED",
      /worker 2 is down \(last exit 137\), restarting/,
    ],
    [
      "a worker runs but does not answer",
      obs([w(1), w(2, { ready: false })]),
      "DEGRADED",
      /worker 2 not answering yet/,
    ],
    [
      "scaling out, the new worker joining",
      obs([w(1), w(2, { ready: false })], { scaling: true }),
      "UPDATING",
      /Scaling to 2 workers: 1 of 2/,
    ],
    [
      "scaling in, a worker leaving",
      obs([w(1), w(2, { leaving: true })], { workerCount: 1, scaling: true }),
      "UPDATING",
      /Scaling to 1 worker/,
    ],
    [
      "scaling out with a worker down",
      obs([w(1, { running: false, ready: false }), w(2)], { scaling: true }),
      "DEGRADED",
      /worker 1 is down/,
    ],
  ])("%s → %s", (_label, o, status, reason) => {
    const out = connectStatus(o);
    expect(out.status).toBe(status);
    expect(out.statusReason).toMatch(reason);
  });

  test("a RUNNING pass records Ready and Scaled", () => {
    expect(connectStatus(obs([w(1)])).conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      "Ready=True",
      "Scaled=True",
    ]);
  });
});

describe("workerStatus", () => {
  test.each<[string, ConnectWorkerObservation, boolean, string]>([
    ["answering", w(1), false, "RUNNING"],
    ["running, silent", w(1, { ready: false }), false, "PROVISIONING"],
    ["down on first start", w(1, { running: false, ready: false }), true, "PROVISIONING"],
    ["down later", w(1, { running: false, ready: false }), false, "DEGRADED"],
    ["leaving", w(1, { leaving: true }), false, "DELETING"],
  ])("%s → %s", (_label, o, firstRun, status) => {
    expect(workerStatus(o, firstRun).status).toBe(status);
  });
});

describe("waiting and progress", () => {
  test("waiting for Kafka is PROVISIONING on first start, DEGRADED later, FAILED stays FAILED", () => {
    expect(waiting("Waiting for Kafka", true, "PROVISIONING").status).toBe("PROVISIONING");
    expect(waiting("Waiting for Kafka", false, "RUNNING").status).toBe("DEGRADED");
    expect(waiting("Waiting for Kafka", false, "FAILED").status).toBe("FAILED");
  });

  test("progress counts topics and access, each answering worker, then ready", () => {
    expect(connectProgress(obs([w(1, { ready: false }), w(2)], { firstRun: true }), 2)).toEqual({ done: 3, total: 5 });
    expect(connectProgress(obs([w(1), w(2)]), 2)).toEqual({ done: 5, total: 5 });
  });
});
