import { describe, expect, test } from "vitest";
import { replicationAcls, replicationAliases, replicationConfig } from "../src/connect/replication.ts";
import { describeAclPatterns, mirrorRegexProblem, regexAclPatterns } from "../src/connect/replication-rules.ts";

describe("regexAclPatterns: the ACL patterns covering every name a regex matches", () => {
  test.each<[string, string[]]>([
    ["orders", ["LITERAL orders"]],
    ["orders|payments", ["LITERAL orders", "LITERAL payments"]],
    ["orders\\.v1", ["LITERAL orders.v1"]],
    ["orders.v1", ["PREFIXED orders"]],
    ["orders\\..*", ["PREFIXED orders."]],
    ["orders.*", ["PREFIXED orders"]],
    ["orders?", ["PREFIXED order"]],
    ["orders+", ["PREFIXED orders"]],
    ["^orders$", ["LITERAL orders"]],
    ["ord(ers|ering)", ["PREFIXED ord"]],
    ["orders|orders\\.eu", ["LITERAL orders", "LITERAL orders.eu"]],
    ["orders.*|orders-eu", ["PREFIXED orders"]],
    ["sales-[a-z]+", ["PREFIXED sales-"]],
    [".*", ["LITERAL *"]],
    ["orders|.*", ["LITERAL *"]],
    ["(orders|payments)", ["LITERAL *"]],
    ["\\w+", ["LITERAL *"]],
  ])("%s → %j", (regex, expected) => {
    expect(regexAclPatterns(regex).map((p) => `${p.patternType} ${p.name}`)).toEqual(expected);
  });

  test("every name the regex matches is covered", () => {
    const names = ["orders", "orders.eu", "orders-eu", "order", "ordering", "payments", "sales-x", "x"];
    for (const regex of ["orders?", "ord(ers|ering)", "orders.*|payments", "sales-[a-z]+", "orders\\..*"]) {
      const re = new RegExp(`^(?:${regex})$`);
      const patterns = regexAclPatterns(regex);
      for (const n of names.filter((x) => re.test(x))) {
        const covered = patterns.some((p) =>
          p.name === "*" ? true : p.patternType === "LITERAL" ? p.name === n : n.startsWith(p.name),
        );
        expect(covered, `${regex} matches ${n}`).toBe(true);
      }
    }
  });

  test("described for the form", () => {
    expect(describeAclPatterns(regexAclPatterns("orders\\..*|payments"))).toBe("orders.*, payments");
    expect(describeAclPatterns(regexAclPatterns(".*"))).toBe("every topic");
  });
});

describe("mirrorRegexProblem", () => {
  test.each<[string, RegExp | null]>([
    ["orders.*", null],
    ["", /Give a regex/],
    [" orders", /No spaces/],
    ["a{1,3}", /commas/],
    ["orders(", /Not a valid regex/],
  ])("%j", (regex, problem) => {
    const p = mirrorRegexProblem(regex);
    if (problem === null) expect(p).toBeNull();
    else expect(p).toMatch(problem);
  });
});

describe("replicationAcls", () => {
  const config = (sync: boolean) =>
    replicationConfig(
      {
        id: "",
        name: "r",
        sourceKafkaClusterId: "",
        topics: "orders",
        groups: ".*",
        syncGroupOffsets: sync,
        syncIntervalSeconds: 30,
      },
      replicationAliases({ id: "a", name: "legacy" }, { id: "b", name: "events" }),
    );
  const show = (rows: { resourceType: string; patternType: string; resourceName: string; operation: string }[]) =>
    rows.map((a) => `${a.resourceType} ${a.patternType} ${a.resourceName} ${a.operation}`).sort();

  test("the source user only reads; the target user writes the topics and MM2's own", () => {
    const acls = replicationAcls(config(true), "weir-mirror-1", "weir-connector-1");
    expect(show(acls.source)).toEqual([
      "GROUP LITERAL * DESCRIBE",
      "TOPIC LITERAL orders DESCRIBE",
      "TOPIC LITERAL orders DESCRIBE_CONFIGS",
      "TOPIC LITERAL orders READ",
    ]);
    expect(acls.source.every((a) => a.principal === "User:weir-mirror-1")).toBe(true);
    const target = show(acls.target);
    expect(target).toContain("TOPIC LITERAL orders WRITE");
    expect(target).toContain("TOPIC LITERAL mm2-offset-syncs.legacy.internal WRITE");
    expect(target).toContain("TOPIC LITERAL legacy.checkpoints.internal WRITE");
    expect(target).toContain("GROUP LITERAL * READ");
  });

  test("without offset sync: no group access, no checkpoints topic", () => {
    const acls = replicationAcls(config(false), "weir-mirror-1", "weir-connector-1");
    expect(show(acls.source).some((a) => a.startsWith("GROUP"))).toBe(false);
    expect(show(acls.target).some((a) => a.startsWith("GROUP") || a.includes("checkpoints"))).toBe(false);
  });

  test("two clusters of the same name get distinct aliases", () => {
    expect(replicationAliases({ id: "aaaaaaaa-1", name: "events" }, { id: "bbbbbbbb-2", name: "events" })).toEqual({
      source: "events-aaaaaaaa",
      target: "events-bbbbbbbb",
    });
  });
});
