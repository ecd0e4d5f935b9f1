// A job's status and what to do when its driver is gone, table-driven, without a JVM.
import { describe, expect, test } from "vitest";
import { exitDecision, jobStatus, runEnd, type ExitInput, type JobObservation } from "../src/reconcilers/job/status.ts";

const exit = (extra: Partial<ExitInput>): ExitInput => ({
  kind: "streaming-sql",
  restartPolicy: "on-failure",
  lastExit: "1",
  planned: false,
  end: null,
  ...extra,
});

const unresolved = {
  event: "failed" as const,
  errorClass: "UNRESOLVED_COLUMN.WITH_SUGGESTION",
  message:
    "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `price` cannot be resolved.",
};

describe("what to do about a driver that is gone", () => {
  const cases: [string, ExitInput, string, RegExp?][] = [
    ["stopped with Weir's shutdown", exit({ planned: true, lastExit: null }), "restart"],
    ["a batch job that exits 0", exit({ kind: "batch-sql", lastExit: "0", end: { event: "finished" } }), "finish"],
    ["a script that returns", exit({ kind: "pyspark-script", lastExit: "0", end: null }), "finish"],
    ["a stream that ends, policy on-failure", exit({ lastExit: "0", end: { event: "finished" } }), "finish"],
    [
      "a stream that ends, policy always",
      exit({ restartPolicy: "always", lastExit: "0", end: { event: "finished" } }),
      "restart",
    ],
    [
      "a batch job that ends, policy always",
      exit({ kind: "batch-sql", restartPolicy: "always", lastExit: "0" }),
      "finish",
    ],
    ["kill -9, policy on-failure", exit({ lastExit: "SIGKILL" }), "restart"],
    [
      "kill -9, policy never",
      exit({ restartPolicy: "never", lastExit: "SIGKILL" }),
      "fail",
      /exited unexpectedly \(exit SIGKILL\)/,
    ],
    [
      "kill -9: the runner reports the lost JVM, the kill is the cause",
      exit({ lastExit: "SIGKILL", end: { event: "failed", errorClass: "Py4JError", message: "gone" } }),
      "restart",
    ],
    ["an analysis error is the user's: never restarted", exit({ end: unresolved }), "fail", /^\[UNRESOLVED_COLUMN/],
    [
      "a stream failing at run time may succeed again",
      exit({ end: { event: "failed", errorClass: "STREAM_FAILED", message: "broker down" } }),
      "restart",
    ],
    [
      "a script's own exception",
      exit({ kind: "pyspark-script", end: { event: "failed", errorClass: "ValueError", message: "bad" } }),
      "fail",
      /^ValueError: bad/,
    ],
    [
      "the JVM's answer to a script's call (an authorization refusal)",
      exit({ kind: "pyspark-script", end: { event: "failed", errorClass: "Py4JJavaError", message: "denied" } }),
      "fail",
      /^Py4JJavaError: denied/,
    ],
    ["exit status unknown (another controller's driver), no line", exit({ lastExit: null }), "restart"],
    ["unknown exit, policy never", exit({ lastExit: null, restartPolicy: "never" }), "fail", /exit status unknown/],
  ];
  test.each(cases)("%s", (_name, input, action, reason) => {
    const d = exitDecision(input);
    expect(d.action).toBe(action);
    if (reason) expect(d.action === "fail" ? d.reason : "").toMatch(reason);
  });

  test("the failure's error class is kept for the job row", () => {
    expect(exitDecision(exit({ end: unresolved }))).toMatchObject({
      action: "fail",
      errorClass: "UNRESOLVED_COLUMN.WITH_SUGGESTION",
    });
  });

  test("the run's end is the last terminal line not followed by a new run", () => {
    const t = 1;
    expect(runEnd([])).toBeNull();
    expect(
      runEnd([
        { event: "running", time: t, kind: "streaming-sql", applicationId: "app-1" },
        { event: "failed", time: t, errorClass: "X", message: "m" },
      ]),
    ).toEqual({ event: "failed", errorClass: "X", message: "m" });
    expect(
      runEnd([
        { event: "failed", time: t, errorClass: "X", message: "m" },
        { event: "running", time: t, kind: "streaming-sql", applicationId: "app-2" },
      ]),
    ).toBeNull();
    expect(runEnd([{ event: "stopped", time: t }])).toEqual({ event: "stopped" });
  });
});

const obs = (extra: Partial<JobObservation>): JobObservation => ({
  kind: "streaming-sql",
  driverRunning: true,
  applicationId: "app-20260101-0001",
  restartCount: 0,
  restarting: null,
  lastBatch: null,
  ...extra,
});

describe("job status while its driver should run", () => {
  const cases: [string, JobObservation, string, RegExp][] = [
    ["registered", obs({}), "RUNNING", /^Running as app-20260101-0001$/],
    [
      "with batches, after a restart",
      obs({ restartCount: 1, lastBatch: { batchId: 7, numInputRows: 12 } }),
      "RUNNING",
      /batch 7 read 12 rows \(restarted once\)/,
    ],
    ["process up, no application yet", obs({ applicationId: null }), "STARTING", /starting and connecting/],
    [
      "exited, waiting out its back-off",
      obs({ driverRunning: false, applicationId: null, restarting: { lastExit: "SIGKILL" }, restartCount: 2 }),
      "STARTING",
      /exited \(exit SIGKILL\); restarting.*restarted 2 times/,
    ],
  ];
  test.each(cases)("%s", (_name, o, status, reason) => {
    const out = jobStatus(o);
    expect(out.status).toBe(status);
    expect(out.statusReason).toMatch(reason);
    expect(out.requeueAfterMs).toBeLessThanOrEqual(2000);
  });
});
