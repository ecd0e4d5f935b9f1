// What a status means per kind, table-driven: the console's polling and buttons and the API's
// refusals all read these.
import { describe, expect, test } from "vitest";
import {
  acceptsChanges,
  isInProgress,
  isServing,
  isSettled,
  KINDS,
  notifyPayload,
  parseNotifyPayload,
  RESOURCE_STATUSES,
  type Kind,
} from "../src/status.ts";

const meaning = (kind: Kind) =>
  Object.fromEntries(
    RESOURCE_STATUSES.map((s) => [
      s,
      [
        isServing(kind, s) && "serving",
        isSettled(kind, s) && "settled",
        isInProgress(kind, s) && "in progress",
        !acceptsChanges(kind, s) && "frozen",
      ]
        .filter(Boolean)
        .join(", "),
    ]),
  );

describe("status meanings", () => {
  test("a Kafka cluster serves while running, changing and healing, and takes changes once it exists", () => {
    expect(meaning("KafkaCluster")).toEqual({
      PROVISIONING: "in progress, frozen",
      READY: "",
      RUNNING: "serving, settled",
      UPDATING: "serving, in progress",
      DEGRADED: "serving",
      DELETING: "in progress, frozen",
      FAILED: "settled",
    });
  });

  test("a topic, user or ACL is READY when applied", () => {
    for (const kind of ["Topic", "KafkaUser", "Acl"] as const) {
      expect(meaning(kind)).toEqual({
        PROVISIONING: "in progress",
        READY: "serving, settled",
        RUNNING: "",
        UPDATING: "in progress",
        DEGRADED: "",
        DELETING: "in progress, frozen",
        FAILED: "settled",
      });
    }
  });

  test.each([null, undefined, "", "UNMANAGED"])("%j means nothing", (status) => {
    for (const kind of KINDS) {
      expect([isServing(kind, status), isSettled(kind, status), isInProgress(kind, status)]).toEqual([
        false,
        false,
        false,
      ]);
    }
  });
});

describe("notify payloads", () => {
  test("round-trip a kind and an id; anything else is refused", () => {
    expect(parseNotifyPayload(notifyPayload("Topic", "a:b"))).toEqual({ kind: "Topic", id: "a:b" });
    expect(parseNotifyPayload("Nope:1")).toBeNull();
    expect(parseNotifyPayload("Topic:")).toBeNull();
    expect(parseNotifyPayload("Topic")).toBeNull();
  });
});
