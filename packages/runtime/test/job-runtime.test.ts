// The local job driver's file handling, without a JVM: the runner's spec built from a job run,
// and the progress file read from an offset (whole lines only; a run's last line left for the
// pass that sees its driver gone).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { LocalJobRuntime } from "../src/local/jobs.ts";
import { LocalSupervisor } from "../src/local/supervisor.ts";
import { runnerSpec } from "../src/spark/job-runtime.ts";
import { jobPaths, localJobDir } from "../src/spark/job.ts";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-job-runtime-"));
const supervisor = new LocalSupervisor();
const jobs = new LocalJobRuntime(
  {
    dataDir,
    spark: () => {
      throw new Error("no Spark needed here");
    },
  },
  supervisor,
);
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const line = (o: object) => JSON.stringify({ time: 1, ...o }) + "\n";
const running = (app: string) => line({ event: "running", kind: "streaming-sql", applicationId: app });
const progress = (batchId: number) =>
  line({ event: "progress", id: "q", runId: "r", batchId, numInputRows: 1, sources: [], stateOperators: [] });

describe("job runtime files", () => {
  test("the runner's spec puts every path under the job's directory", () => {
    const dir = "/d/spark/cc/jobs/j";
    const spec = runnerSpec("j", dir, {
      kind: "pyspark-script",
      jobId: "j",
      args: ["a"],
      scriptSource: "print(1)",
      groupIdPrefix: "weir-job-j",
    });
    expect(spec).toMatchObject({
      kind: "pyspark-script",
      jobId: "j",
      script: `${dir}/script.py`,
      progressFile: `${dir}/progress.jsonl`,
      checkpointDir: `${dir}/checkpoint`,
      groupIdPrefix: "weir-job-j",
    });
    expect(spec).not.toHaveProperty("scriptSource");
    const batch = runnerSpec("j", dir, {
      kind: "batch-sql",
      jobId: "j",
      kafka: { bootstrap: "b:1" },
      sources: ["t"],
      format: { type: "json", schema: "a INT" },
      view: "events",
      sql: "SELECT 1",
      previewRows: 10,
      formats: ["csv"],
    });
    expect(batch).toMatchObject({
      output: { previewFile: `${dir}/preview.jsonl`, resultDir: `${dir}/result`, previewRows: 10, formats: ["csv"] },
    });
  });

  test("progress is read from an offset, whole lines only, a running driver's last run end left unread", () => {
    const file = jobPaths(localJobDir(dataDir, "cc", "j1")).progressFile;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, running("app-1") + progress(0) + '{"event":"progr');
    const first = jobs.readProgress("cc", "j1", 0, { untilTerminal: true });
    expect(first.events.map((e) => e.event)).toEqual(["running", "progress"]);
    expect(first.nextOffset).toBe(Buffer.byteLength(running("app-1") + progress(0)));

    // The partial line completes; the run ends (failed, then the listener's terminated line).
    fs.writeFileSync(
      file,
      running("app-1") +
        progress(0) +
        progress(1) +
        line({ event: "failed", errorClass: "X", message: "m" }) +
        line({ event: "terminated", id: "q", runId: "r" }),
    );
    const whileRunning = jobs.readProgress("cc", "j1", first.nextOffset, { untilTerminal: true });
    expect(whileRunning.events.map((e) => e.event)).toEqual(["progress"]);
    const gone = jobs.readProgress("cc", "j1", whileRunning.nextOffset);
    expect(gone.events.map((e) => e.event)).toEqual(["failed", "terminated"]);
    expect(gone.nextOffset).toBe(fs.statSync(file).size);

    // An earlier run's end followed by a new run's start is history, read while the new one runs.
    fs.appendFileSync(file, line({ event: "stopped" }) + running("app-2") + progress(0));
    const next = jobs.readProgress("cc", "j1", gone.nextOffset, { untilTerminal: true });
    expect(next.events.map((e) => e.event)).toEqual(["stopped", "running", "progress"]);

    // A file shorter than the offset was replaced: read from its start.
    expect(jobs.readProgress("cc", "j1", 10 ** 9).events[0]).toMatchObject({ applicationId: "app-1" });
    expect(jobs.readProgress("cc", "missing", 5)).toEqual({ events: [], nextOffset: 0 });
  });

  test("the checkpoint belongs to an attempt; a reset deletes it", async () => {
    const dir = localJobDir(dataDir, "cc", "j2");
    fs.mkdirSync(path.join(jobPaths(dir).checkpointDir, "offsets"), { recursive: true });
    expect(jobs.checkpointAttempt("cc", "j2")).toBeNull();
    await jobs.resetCheckpoint("cc", "j2", 2);
    expect(jobs.checkpointAttempt("cc", "j2")).toBe(2);
    expect(fs.existsSync(jobPaths(dir).checkpointDir)).toBe(false);
  });

  test("deleting a compute cluster's jobs kills each driver with the child it runs (the Python runner)", async () => {
    const dir = localJobDir(dataDir, "cc2", "j3");
    const marker = jobPaths(dir).specFile;
    const { pid } = supervisor.ensure({
      dir,
      marker,
      command: "sh",
      args: ["-c", "sleep 300 & wait", marker],
      logFile: "driver.log",
    });
    const alive = (p: number) =>
      fs.existsSync(`/proc/${p}`) && !/\) Z/.test(fs.readFileSync(`/proc/${p}/stat`, "utf8"));
    let child = 0;
    for (let i = 0; i < 50 && !child; i++) {
      child = Number(fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ")[0]);
      if (!child) await new Promise((r) => setTimeout(r, 50));
    }
    expect(alive(child)).toBe(true);
    expect((await jobs.observe("cc2", ["j3"]))[0]).toMatchObject({ running: true, pid });
    await jobs.deleteGroup("cc2");
    expect(alive(pid)).toBe(false);
    for (let i = 0; i < 50 && alive(child); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(child)).toBe(false);
    expect(fs.existsSync(dir)).toBe(false);
  });
});
