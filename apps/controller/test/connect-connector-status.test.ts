// A connector's status, table-driven, without a JVM: a function of what Connect's REST API said
// about the connector and its tasks, and what the user asked for.
import { describe, expect, test } from "vitest";
import {
  connectorStatus,
  traceHead,
  traceReason,
  type ConnectorObservation,
} from "../src/reconcilers/connect-connector/status.ts";

const o = (extra: Partial<ConnectorObservation> = {}): ConnectorObservation => ({
  desiredState: "RUNNING",
  state: "RUNNING",
  trace: null,
  tasks: [{ id: 0, state: "RUNNING", trace: null }],
  applied: false,
  ...extra,
});

const TRACE = `org.apache.kafka.connect.errors.ConnectException: Error while trying to connect
\tat io.debezium.Foo.bar(Foo.java:1)
\tat io.debezium.Foo.baz(Foo.java:2)
Caused by: org.postgresql.util.PSQLException: FATAL: password authentication failed for user "cdc"
\tat org.postgresql.Driver.connect(Driver.java:3)
\t... 12 more`;

describe("connectorStatus", () => {
  test.each<[string, ConnectorObservation, string, RegExp]>([
    ["unknown to Connect yet", o({ state: null, tasks: [] }), "PROVISIONING", /Waiting for Connect/],
    ["running with every task", o(), "RUNNING", /Running with 1 task$/],
    ["just put", o({ applied: true }), "PROVISIONING", /Starting/],
    ["no task yet", o({ tasks: [] }), "PROVISIONING", /0 of 0 tasks/],
    [
      "the connector failed",
      o({ state: "FAILED", trace: TRACE, tasks: [] }),
      "FAILED",
      /^The connector failed: org.postgresql.util.PSQLException: FATAL: password authentication failed for user "cdc"$/,
    ],
    [
      "one of two tasks failed",
      o({
        tasks: [
          { id: 0, state: "RUNNING", trace: null },
          { id: 1, state: "FAILED", trace: "boom" },
        ],
      }),
      "DEGRADED",
      /1 of 2 tasks failed \(task 1: boom\)/,
    ],
    ["every task failed", o({ tasks: [{ id: 0, state: "FAILED", trace: "boom" }] }), "FAILED", /1 of 1 tasks failed/],
    [
      "paused",
      o({ desiredState: "PAUSED", state: "PAUSED", tasks: [{ id: 0, state: "PAUSED", trace: null }] }),
      "PAUSED",
      /Paused/,
    ],
    ["pausing", o({ desiredState: "PAUSED" }), "UPDATING", /Pausing/],
  ])("%s → %s", (_label, obs, status, reason) => {
    const out = connectorStatus(obs);
    expect(out.status).toBe(status);
    expect(out.statusReason).toMatch(reason);
  });
});

describe("traceHead", () => {
  test("keeps the exception and its causes, not the stack frames", () => {
    expect(traceHead(TRACE)).toBe(
      'org.apache.kafka.connect.errors.ConnectException: Error while trying to connect\nCaused by: org.postgresql.util.PSQLException: FATAL: password authentication failed for user "cdc"',
    );
    expect(traceHead(null)).toBeNull();
  });

  test("a long chain keeps its deepest cause", () => {
    const chain = [
      "org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable exception.",
      ...Array.from({ length: 8 }, (_, i) => `Caused by: org.hibernate.Layer${i}: wrapped\n\tat x.Y.z(Y.java:${i})`),
      "Caused by: org.postgresql.util.PSQLException: FATAL: password authentication failed",
    ].join("\n");
    const head = traceHead(chain)!.split("\n");
    expect(head).toHaveLength(6);
    expect(head[0]).toMatch(/^org.apache.kafka.connect.errors.ConnectException/);
    expect(head[5]).toBe("Caused by: org.postgresql.util.PSQLException: FATAL: password authentication failed");
    expect(traceReason(traceHead(chain))).toBe(
      "org.postgresql.util.PSQLException: FATAL: password authentication failed",
    );
    expect(traceReason("boom")).toBe("boom");
  });
});
