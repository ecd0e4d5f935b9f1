// The Spark DDL parser and the schema inference from JSON values: pure, table-driven.
import { describe, expect, test } from "vitest";
import {
  formatSparkSchema,
  inferSparkSchema,
  parseSparkSchema,
  schemaColumn,
  isTimestampType,
} from "../src/compute/spark-schema.ts";
import { splitPostgresUrl } from "../src/compute/jobs.ts";

describe("parseSparkSchema", () => {
  test.each([
    ["product STRING, amount DOUBLE, ts TIMESTAMP", "product STRING, amount DOUBLE, ts TIMESTAMP"],
    ["a int, b long, c byte, d short, e real, f boolean", "a INT, b BIGINT, c TINYINT, d SMALLINT, e FLOAT, f BOOLEAN"],
    ["price DECIMAL(10,2), n decimal, m NUMERIC(5)", "price DECIMAL(10,2), n DECIMAL(10,0), m DECIMAL(5,0)"],
    ["tags ARRAY<STRING>", "tags ARRAY<STRING>"],
    ["attrs MAP<STRING, ARRAY<BIGINT>>", "attrs MAP<STRING, ARRAY<BIGINT>>"],
    [
      "meta STRUCT<shop: STRING, geo STRUCT<lat: DOUBLE, lon: DOUBLE>>",
      "meta STRUCT<shop: STRING, geo: STRUCT<lat: DOUBLE, lon: DOUBLE>>",
    ],
    ["items ARRAY<STRUCT<sku:STRING,qty:INT>>", "items ARRAY<STRUCT<sku: STRING, qty: INT>>"],
    ["`order id` STRING NOT NULL COMMENT 'the id', code VARCHAR(8)", "`order id` STRING, code VARCHAR(8)"],
    ["d DATE, t TIMESTAMP_NTZ, b BINARY, e STRUCT<>", "d DATE, t TIMESTAMP_NTZ, b BINARY, e STRUCT<>"],
    ["  a: STRING  ", "a STRING"],
  ])("%s", (text, formatted) => {
    const r = parseSparkSchema(text);
    expect(r).toMatchObject({ ok: true });
    if (r.ok) expect(formatSparkSchema(r.fields)).toBe(formatted);
  });

  test.each([
    ["", /empty/],
    ["product", /Expected a type for "product" at the end/],
    ["product STRNG", /Unknown type for "product" at character 9 \("STRNG"\)/],
    ["a STRING b INT", /Expected a comma between columns at character 10/],
    ["a STRING,", /Expected a column name at the end/],
    ["a ARRAY<STRING", /Expected > closing ARRAY</],
    ["a ARRAY STRING", /Expected < after ARRAY/],
    ["a MAP<STRING>", /comma between MAP's key and value/],
    ["a STRUCT<b INT c INT>", /> or a comma in a's STRUCT/],
    ["a STRUCT<b INT, B STRING>", /the field "B" twice/],
    ["a DECIMAL(39,2)", /precision must be 1 to 38/],
    ["a DECIMAL(5,6)", /scale 6 is larger than its precision 5/],
    ["a VARCHAR", /a length/],
    ["a STRING, A INT", /"A" is declared twice/],
    ["a STRING; DROP TABLE x", /Unexpected ";" at character 9/],
    ["`a STRING", /backquote at character 1 is never closed/],
    ["a STRING COMMENT 'x", /never closed/],
    ["a STRING NOT", /Expected NULL after NOT/],
  ])("refuses %j", (text, message) => {
    const r = parseSparkSchema(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  test("columns resolve case-insensitively, and TIMESTAMP columns are known", () => {
    const r = parseSparkSchema("TS timestamp, n BIGINT");
    if (!r.ok) throw new Error(r.error);
    expect(isTimestampType(schemaColumn(r.fields, "ts")!.type)).toBe(true);
    expect(isTimestampType(schemaColumn(r.fields, "n")!.type)).toBe(false);
    expect(schemaColumn(r.fields, "x")).toBeUndefined();
  });
});

describe("inferSparkSchema", () => {
  const infer = (values: unknown[]) => formatSparkSchema(inferSparkSchema(values));

  test("primitives, ISO-8601 timestamps, nested objects and lists", () => {
    expect(
      infer([
        {
          product: "tea",
          amount: 3,
          price: 2.5,
          paid: true,
          ts: "2026-03-01T10:00:00Z",
          day: "2026-03-01",
          tags: ["a"],
          shop: { id: 7, geo: { lat: 1.5 } },
          items: [{ sku: "x", qty: 1 }],
        },
      ]),
    ).toBe(
      "product STRING, amount BIGINT, price DOUBLE, paid BOOLEAN, ts TIMESTAMP, day STRING, tags ARRAY<STRING>, " +
        "shop STRUCT<id: BIGINT, geo: STRUCT<lat: DOUBLE>>, items ARRAY<STRUCT<sku: STRING, qty: BIGINT>>",
    );
  });

  test("samples merge: the union of fields, numbers widen, conflicts and nulls become STRING", () => {
    expect(
      infer([
        { a: 1, b: "2026-03-01T10:00:00.123+01:00", c: null, d: [], e: { x: 1 } },
        { a: 1.5, b: "not a time", f: "new", d: [1], e: { y: true } },
        { a: 2, c: null, e: 5 },
      ]),
    ).toBe("a DOUBLE, b STRING, c STRING, d ARRAY<BIGINT>, e STRING, f STRING");
  });

  test("names that need quoting are quoted, and the result parses back", () => {
    const text = infer([{ "order id": 1, "a`b": "x", ok: true }]);
    expect(text).toBe("`order id` BIGINT, `a``b` STRING, ok BOOLEAN");
    expect(parseSparkSchema(text)).toMatchObject({ ok: true, fields: [{ name: "order id" }, { name: "a`b" }, {}] });
  });

  test("a value that is not a JSON object is refused", () => {
    expect(() => inferSparkSchema([{ a: 1 }, [1, 2]])).toThrow(/JSON object/);
    expect(() => inferSparkSchema(["x"])).toThrow(/JSON object/);
  });
});

describe("splitPostgresUrl", () => {
  test.each([
    [
      "postgresql://writer:p%40ss@db:5433/analytics?sslmode=require",
      { url: "jdbc:postgresql://db:5433/analytics?sslmode=require", user: "writer", password: "p@ss" },
    ],
    [
      "jdbc:postgresql://db/analytics?user=w&password=pw&ssl=true",
      { url: "jdbc:postgresql://db/analytics?ssl=true", user: "w", password: "pw" },
    ],
    ["jdbc:postgresql://127.0.0.1:5432/x", { url: "jdbc:postgresql://127.0.0.1:5432/x", user: null, password: null }],
  ])("%s", (raw, expected) => {
    expect(splitPostgresUrl(raw)).toEqual(expected);
  });

  test.each([
    ["postgres://u:p@h/db", /postgresql:\/\//],
    ["mysql://u:p@h/db", /postgresql:\/\//],
    ["jdbc:mysql://h/db", /postgresql:\/\//],
    ["postgresql://h:5432", /database/],
    ["postgresql://h:99999/db", /not a valid URL/],
    ["postgresql://u:%E0%A4%A@h/db", /malformed/],
  ])("refuses %s", (raw, message) => {
    expect(() => splitPostgresUrl(raw)).toThrow(message);
  });
});
