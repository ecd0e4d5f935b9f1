// The pure rules behind topics, ACL presets and the message browser, table-driven.
import { describe, expect, test } from "vitest";
import {
  ACL_OPERATIONS,
  aclsForTopic,
  atJsonPath,
  bindingProblems,
  collisionKey,
  configErrors,
  expandPreset,
  OPERATIONS_BY_RESOURCE,
  messagesToCsv,
  recordFilter,
  renderBytes,
  topicName,
} from "../src/index.ts";

describe("topic names (Kafka's rules)", () => {
  test.each([
    ["orders", true],
    ["orders.v1_2-x", true],
    ["a".repeat(249), true],
    ["a".repeat(250), false],
    ["", false],
    [".", false],
    ["..", false],
    ["has space", false],
    ["ünïcode", false],
    ["__consumer_offsets", false],
  ])("%s → %s", (name, ok) => {
    expect(topicName.safeParse(name).success).toBe(ok);
  });

  test("'.' and '_' collide", () => {
    expect(collisionKey("a.b")).toBe(collisionKey("a_b"));
    expect(collisionKey("a.b")).not.toBe(collisionKey("ab"));
  });
});

describe("topic configs", () => {
  test.each([
    [{ "retention.ms": "-1" }, 1, {}],
    [{ "retention.ms": "-2" }, 1, { "configs.retention.ms": "Must be at least -1" }],
    [{ "retention.ms": "1.5" }, 1, { "configs.retention.ms": "Must be a whole number" }],
    [{ "cleanup.policy": "compact,delete" }, 1, {}],
    [{ "cleanup.policy": "forever" }, 1, { "configs.cleanup.policy": '"forever" is not one of delete, compact' }],
    [{ "compression.type": "brotli" }, 1, { "configs.compression.type": expect.stringContaining("zstd") }],
    [{ "min.insync.replicas": "3" }, 2, { "configs.min.insync.replicas": expect.stringContaining("(2)") }],
    [{ "min.insync.replicas": "2" }, 3, {}],
    [
      { "unclean.leader.election.enable": "yes" },
      1,
      { "configs.unclean.leader.election.enable": "Must be true or false" },
    ],
    [{ "no.such.key": "1" }, 1, { "configs.no.such.key": '"no.such.key" is not a topic config Kafka knows' }],
    [{ toString: "1" }, 1, { "configs.toString": '"toString" is not a topic config Kafka knows' }],
  ])("%j with RF %i", (configs, rf, errors) => {
    expect(configErrors(configs, rf)).toEqual(errors);
  });
});

describe("ACL presets", () => {
  test("produce, consume and admin-prefix expand to the bindings a client needs", () => {
    const ops = (p: Parameters<typeof expandPreset>[0]) =>
      expandPreset(p).map((b) => `${b.resourceType}:${b.resourceName}:${b.patternType}:${b.operation}`);
    expect(ops({ preset: "produce", principal: "User:a", topic: "t" })).toEqual([
      "TOPIC:t:LITERAL:WRITE",
      "TOPIC:t:LITERAL:DESCRIBE",
    ]);
    expect(ops({ preset: "consume", principal: "User:a", topic: "t.", group: "g", patternType: "PREFIXED" })).toEqual([
      "TOPIC:t.:PREFIXED:READ",
      "TOPIC:t.:PREFIXED:DESCRIBE",
      "GROUP:g:LITERAL:READ",
      "GROUP:g:LITERAL:DESCRIBE",
    ]);
    expect(ops({ preset: "admin-prefix", principal: "User:a", prefix: "team-" })).toEqual([
      "TOPIC:team-:PREFIXED:ALL",
      "GROUP:team-:PREFIXED:ALL",
      "TRANSACTIONAL_ID:team-:PREFIXED:ALL",
    ]);
  });

  test("every operation is checked on some resource type, and only listed ones are", () => {
    expect(new Set(Object.values(OPERATIONS_BY_RESOURCE).flat())).toEqual(new Set(ACL_OPERATIONS));
  });

  test.each([
    [{ resourceType: "TOPIC", resourceName: "t", patternType: "LITERAL", operation: "READ" }, null],
    [{ resourceType: "GROUP", resourceName: "g", patternType: "LITERAL", operation: "WRITE" }, "operation"],
    [{ resourceType: "CLUSTER", resourceName: "kafka-cluster", patternType: "LITERAL", operation: "ALTER" }, null],
    [{ resourceType: "CLUSTER", resourceName: "other", patternType: "LITERAL", operation: "ALTER" }, "resourceName"],
    [
      { resourceType: "CLUSTER", resourceName: "kafka-cluster", patternType: "PREFIXED", operation: "ALTER" },
      "resourceName",
    ],
  ] as const)("binding %j: problem with %s", (binding, field) => {
    const problem = bindingProblems(binding, "b.");
    expect(problem && Object.keys(problem.fields)).toEqual(field && [`b.${field}`]);
  });

  test("the per-topic view follows literal, prefix and * patterns", () => {
    const b = (resourceName: string, patternType: "LITERAL" | "PREFIXED", principal: string) => ({
      principal,
      host: "*",
      resourceType: "TOPIC" as const,
      resourceName,
      patternType,
      operation: "READ" as const,
      permission: "ALLOW" as const,
    });
    const view = aclsForTopic(
      [
        b("orders", "LITERAL", "User:a"),
        b("ord", "PREFIXED", "User:b"),
        b("*", "LITERAL", "User:c"),
        b("x", "LITERAL", "User:d"),
      ],
      "orders",
    );
    expect(view.map((v) => `${v.principal} via ${v.via}`)).toEqual([
      "User:a via this topic",
      "User:b via prefix ord",
      "User:c via *",
    ]);
  });
});

describe("message browser", () => {
  test("bytes are shown as JSON, text or base64", () => {
    expect(renderBytes(Buffer.from('{"a":1}'))).toEqual({ encoding: "json", text: '{\n  "a": 1\n}', size: 7 });
    expect(renderBytes(Buffer.from("hello\n"))).toMatchObject({ encoding: "text", text: "hello\n" });
    expect(renderBytes(Buffer.from([0xff, 0x00, 0x01]))).toMatchObject({ encoding: "base64", text: "/wAB" });
    expect(renderBytes(null)).toMatchObject({ encoding: "null", text: null });
  });

  test("JSON paths", () => {
    const doc = { user: { id: 7, tags: ["a", "b"] }, items: [{ sku: "x" }] };
    expect(atJsonPath(doc, "$.user.id")).toBe(7);
    expect(atJsonPath(doc, "$.user.tags[1]")).toBe("b");
    expect(atJsonPath(doc, "$.items[0].sku")).toBe("x");
    expect(atJsonPath(doc, "$.nope.deeper")).toBeUndefined();
  });

  test("filters combine key, value and JSON path", () => {
    const rec = (key: string, value: string) => ({
      partition: 0,
      offset: 0n,
      timestamp: 0n,
      key: Buffer.from(key),
      value: Buffer.from(value),
      headers: [],
    });
    const f = recordFilter({ key: "user-", jsonPath: "$.user.id", jsonValue: "7" })!;
    expect(f(rec("user-1", '{"user":{"id":7}}'))).toBe(true);
    expect(f(rec("user-1", '{"user":{"id":8}}'))).toBe(false);
    expect(f(rec("order-1", '{"user":{"id":7}}'))).toBe(false);
    expect(f(rec("user-1", "not json"))).toBe(false);
    expect(recordFilter({})).toBeUndefined();
  });

  test("CSV quotes what needs quoting", () => {
    const csv = messagesToCsv([
      {
        partition: 1,
        offset: "5",
        timestamp: new Date("2026-01-01T00:00:00Z"),
        key: renderBytes(Buffer.from("k,1")),
        value: renderBytes(Buffer.from('{"a":"x"}')),
        headers: [{ key: "h", value: renderBytes(Buffer.from("v")) }],
      },
    ]);
    expect(csv).toBe(
      'partition,offset,timestamp,key,value,headers\n1,5,2026-01-01T00:00:00.000Z,"k,1","{""a"":""x""}","{""h"":""v""}"\n',
    );
  });
});
