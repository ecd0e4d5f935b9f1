// The Kafka cluster's status and the instance policy, table-driven, without a JVM: both are
// functions of what a pass observed.
import { PLANNED_EXIT, RuntimeSetupError, type EnsureResult, type ObservedInstance } from "@weir/runtime";
import { describe, expect, test } from "vitest";
import {
  defaultInstancePolicy,
  keepInstancesRunning,
  type InstancePatch,
  type InstanceRow,
} from "../src/framework/instances.ts";
import {
  clusterProgress,
  clusterStatus,
  isReady,
  nodeStatus,
  type ClusterObservation,
  type NodeObservation,
} from "../src/reconcilers/kafka-cluster/status.ts";
import type { EventInput } from "../src/framework/types.ts";

const up = (nodeId: number, extra: Partial<NodeObservation> = {}): NodeObservation => ({
  nodeId,
  broker: true,
  running: true,
  registered: true,
  rejoining: false,
  leaving: false,
  lastExit: null,
  ...extra,
});

const cluster = (nodes: NodeObservation[], extra: Partial<ClusterObservation> = {}): ClusterObservation => ({
  firstRun: false,
  brokerCount: nodes.filter((n) => n.broker && !n.leaving).length,
  nodes,
  kafkaError: null,
  underReplicated: 0,
  scaling: false,
  ...extra,
});

describe("cluster status", () => {
  const cases: [string, ClusterObservation, string, RegExp][] = [
    ["all up", cluster([up(1), up(2), up(3)]), "RUNNING", /^3 brokers running$/],
    [
      "first start, one broker not registered yet",
      cluster([up(1), up(2), up(3, { registered: false })], { firstRun: true }),
      "PROVISIONING",
      /3 of 3 nodes running, 2 of 3 brokers registered/,
    ],
    [
      "first start, nothing running yet",
      cluster([up(1, { running: false, registered: false })], { firstRun: true }),
      "PROVISIONING",
      /0 of 1 nodes running/,
    ],
    [
      "one node down",
      cluster([up(1), up(2, { running: false, lastExit: "SIGKILL" }), up(3)]),
      "DEGRADED",
      /node 2 down \(restarting\)/,
    ],
    [
      "a broker restarted after a crash, Kafka still lists its old registration",
      cluster([up(1), up(2, { rejoining: true }), up(3)]),
      "DEGRADED",
      /node 2 restarted after a crash, rejoining/,
    ],
    ["under-replicated partitions", cluster([up(1), up(2), up(3)], { underReplicated: 4 }), "DEGRADED", /4 partitions/],
    [
      "the Admin API does not answer",
      cluster([up(1), up(2), up(3)], { kafkaError: "timeout" }),
      "DEGRADED",
      /Admin API did not answer \(timeout\)/,
    ],
    [
      "scaling out, the new broker not registered yet",
      cluster([up(1), up(2), up(3), up(4, { registered: false })], { scaling: true, brokerCount: 4 }),
      "UPDATING",
      /Scaling to 4 brokers/,
    ],
    [
      "scaling in: a leaving broker already stopped is not down",
      cluster([up(1), up(2), up(3), up(4, { leaving: true, running: false })]),
      "RUNNING",
      /3 brokers running/,
    ],
    [
      "dedicated controllers never register",
      cluster([
        up(9001, { broker: false, registered: false }),
        up(9002, { broker: false, registered: false }),
        up(9003, { broker: false, registered: false }),
        up(1),
        up(2),
        up(3),
        up(4),
      ]),
      "RUNNING",
      /4 brokers running/,
    ],
  ];
  test.each(cases)("%s → %s", (_, observation, status, reason) => {
    const outcome = clusterStatus(observation);
    expect(outcome.status).toBe(status);
    expect(outcome.statusReason).toMatch(reason);
    expect(outcome.requeueAfterMs).toBeGreaterThan(0);
  });

  test("ready only when every node that stays is up", () => {
    expect(isReady(cluster([up(1), up(2)]))).toBe(true);
    expect(isReady(cluster([up(1), up(2, { rejoining: true })]))).toBe(false);
    expect(isReady(cluster([up(1), up(2, { leaving: true, running: false })]))).toBe(true);
  });

  test("node status and progress", () => {
    expect(nodeStatus(up(1), false).status).toBe("RUNNING");
    expect(nodeStatus(up(1, { running: false }), true).status).toBe("PROVISIONING");
    expect(nodeStatus(up(1, { running: false, lastExit: "1" }), false)).toEqual({
      status: "DEGRADED",
      statusReason: "Not running (last exit 1); restart pending",
    });
    expect(nodeStatus(up(1, { registered: false }), true).statusReason).toMatch(/not registered/);
    expect(clusterProgress(cluster([up(1), up(2), up(3)]))).toEqual({ done: 7, total: 7 });
    expect(clusterProgress(cluster([up(1), up(2, { registered: false }), up(3, { running: false })]))).toEqual({
      done: 3,
      total: 7,
    });
  });
});

describe("instance policy", () => {
  const policy = defaultInstancePolicy("Broker");
  const NOW = Date.parse("2026-11-29T12:00:00Z");
  const row = (extra: Partial<InstanceRow> = {}): InstanceRow => ({
    id: "row-1",
    name: "1",
    label: "node 1",
    pid: null,
    startedAt: null,
    lastRestartAt: null,
    restartCount: 0,
    ...extra,
  });
  const observed = (extra: Partial<ObservedInstance> = {}): Map<string, ObservedInstance> =>
    new Map([
      [
        "1",
        {
          name: "1",
          pid: null,
          running: false,
          startedAt: null,
          lastExit: null,
          diskUsedBytes: 0,
          managed: true,
          ...extra,
        },
      ],
    ]);

  async function pass(
    r: InstanceRow,
    obs: Map<string, ObservedInstance>,
    opts: { firstRun?: boolean; start?: () => Promise<EnsureResult> } = {},
  ) {
    const events: EventInput[] = [];
    const patches: InstancePatch[] = [];
    let starts = 0;
    const result = await keepInstancesRunning({
      policy,
      rows: [r],
      observed: obs,
      firstRun: opts.firstRun ?? false,
      start: async () => {
        starts++;
        return opts.start ? opts.start() : { pid: 4242, outcome: "started" };
      },
      logTail: () => "INFO starting\nERROR java.net.BindException: Address already in use\nINFO shutting down",
      update: async (_id, patch) => void patches.push(patch),
      event: async (e) => void events.push(e),
      now: NOW,
    });
    return { result, events, patches, starts };
  }

  test("a never-started instance is started, no crash counted", async () => {
    const { result, events, patches } = await pass(row(), observed());
    expect([...result.startedNow]).toEqual(["1"]);
    expect(events).toEqual([]);
    expect(patches[0]).toMatchObject({ pid: 4242, restartCount: undefined });
  });

  test("a crashed instance is restarted with an event carrying the error lines, and counted", async () => {
    const crashed = row({ pid: 10, startedAt: new Date(NOW - 120_000), lastRestartAt: new Date(NOW - 120_000) });
    const { result, events, patches } = await pass(crashed, observed({ lastExit: "SIGKILL" }));
    expect(result.failures).toEqual([]);
    expect(events[0]).toMatchObject({ type: "WARNING", reason: "BrokerExited" });
    expect(events[0]!.message).toMatch(/exit SIGKILL.*attempt 1.*BindException/s);
    expect(patches[0]!.restartCount).toBe(1);
  });

  test("back-off: a crash right after a restart waits", async () => {
    const recent = row({ startedAt: new Date(NOW - 1000), lastRestartAt: new Date(NOW - 1000), restartCount: 2 });
    const { starts, events } = await pass(recent, observed({ lastExit: "1" }));
    expect(starts).toBe(0);
    expect(events).toEqual([]);
  });

  test("crashing while the resource first starts fails it after the limit", async () => {
    const looping = row({ startedAt: new Date(NOW - 60_000), lastRestartAt: new Date(NOW - 60_000), restartCount: 2 });
    const { result, starts } = await pass(looping, observed({ lastExit: "1" }), { firstRun: true });
    expect(starts).toBe(0);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]!.kind).toBe("crashLoop");
    expect(result.failures[0]!.message).toMatch(/node 1 exited 3 times while starting: .*BindException/);
  });

  test("a missing JDK is a setup fault, a spawn error is not", async () => {
    const setup = await pass(row(), observed(), {
      start: () => Promise.reject(new RuntimeSetupError("Java 17 or newer is needed: apt-get install openjdk-17")),
    });
    expect(setup.result.failures[0]).toMatchObject({ kind: "setup", message: expect.stringMatching(/Java 17/) });
    const spawn = await pass(row(), observed(), { start: () => Promise.reject(new Error("EACCES")) });
    expect(spawn.result.failures[0]).toMatchObject({ kind: "spawn", message: "node 1 could not start: EACCES" });
  });

  test("stopped with Weir: started again without counting a crash", async () => {
    const stopped = row({ pid: 10, startedAt: new Date(NOW - 600_000), lastRestartAt: new Date(NOW - 600_000) });
    const { events, patches } = await pass(stopped, observed({ lastExit: PLANNED_EXIT }));
    expect(events.map((e) => e.reason)).toEqual(["BrokerStarted"]);
    expect(patches[0]!.restartCount).toBeUndefined();
  });

  test("a process an earlier controller started is adopted; a stable one has its crash count reset", async () => {
    const other = row({ pid: 10, startedAt: new Date(NOW - 5000), restartCount: 1 });
    const adopted = await pass(
      other,
      observed({ running: true, pid: 77, startedAt: new Date(NOW - 5000), managed: false }),
      {
        start: async () => ({ pid: 77, outcome: "adopted" }),
      },
    );
    expect(adopted.events.map((e) => e.reason)).toEqual(["BrokerAdopted"]);
    expect(adopted.patches[0]).toMatchObject({ pid: 77 });
    const stable = row({ pid: 77, startedAt: new Date(NOW - 120_000), restartCount: 2 });
    const reset = await pass(stable, observed({ running: true, pid: 77, startedAt: new Date(NOW - 120_000) }));
    expect(reset.patches).toEqual([{ restartCount: 0 }]);
    expect(reset.starts).toBe(0);
  });
});
