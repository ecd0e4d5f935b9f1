// The SQL workspace's pure pieces: the field names of a DDL schema and the view over a topic.
import { describe, expect, test } from "vitest";
import { ddlFieldNames, sqlString, topicViewQuery } from "../src/compute/workspace.ts";

describe("ddlFieldNames", () => {
  test.each([
    ["product STRING, amount DOUBLE", ["product", "amount"]],
    ["a INT, m MAP<STRING, INT>, s STRUCT<x: INT, y: ARRAY<STRING>>, d DECIMAL(10, 2)", ["a", "m", "s", "d"]],
    ["`odd, name` STRING, ts TIMESTAMP", ["odd, name", "ts"]],
    ["key STRING NOT NULL, n:INT", ["key", "n"]],
    ["", []],
  ])("%s", (schema, names) => {
    expect(ddlFieldNames(schema)).toEqual(names);
  });
});

describe("topicViewQuery", () => {
  test("with a schema: the value's fields, then the record's columns the schema does not name", () => {
    expect(topicViewQuery("raw", "product STRING, Timestamp TIMESTAMP")).toBe(
      "SELECT __value.*, key, topic, partition, offset FROM (SELECT from_json(CAST(value AS STRING), " +
        "'product STRING, Timestamp TIMESTAMP') AS __value, CAST(key AS STRING) AS key, topic, partition, offset FROM raw)",
    );
  });

  test("without a schema: the raw record, key and value as strings", () => {
    expect(topicViewQuery("raw", undefined)).toBe(
      "SELECT CAST(key AS STRING) AS key, CAST(value AS STRING) AS value, topic, partition, offset, timestamp FROM raw",
    );
  });

  test("a schema cannot end the string literal it is placed in", () => {
    expect(sqlString("a STRING COMMENT 'it''s'\\")).toBe("'a STRING COMMENT \\'it\\'\\'s\\'\\\\'");
  });
});
