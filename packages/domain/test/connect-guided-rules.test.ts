import { describe, expect, test } from "vitest";
import { jdbcSinkConnector, parsePostgresUrl, sinkTables } from "../src/connect/guided-rules.ts";

describe("the JDBC sink form", () => {
  const form = {
    name: "orders-to-pg",
    topics: "orders, shop.public.refunds",
    url: "postgresql://writer:p%40ss@db.local:5433/shop",
    tableFormat: "${topic}",
    upsert: true,
    autoCreate: true,
  };

  test("topics, a URL, upsert and auto-create become Debezium's config, the password a secret", () => {
    expect(jdbcSinkConnector(form)).toEqual({
      name: "orders-to-pg",
      plugin: "debezium-jdbc",
      config: {
        topics: "orders,shop.public.refunds",
        "connection.url": "jdbc:postgresql://db.local:5433/shop",
        "connection.username": "writer",
        "collection.name.format": "${topic}",
        "insert.mode": "upsert",
        "primary.key.mode": "record_key",
        "schema.evolution": "basic",
        "tasks.max": "1",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "key.converter.schemas.enable": "true",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "true",
      },
      secrets: { "connection.password": "p@ss" },
    });
  });

  test("plain inserts without a key, no table created, the password field over the URL's", () => {
    expect(
      jdbcSinkConnector({ ...form, upsert: false, autoCreate: false, password: "typed", tableFormat: "" }),
    ).toMatchObject({
      config: {
        "insert.mode": "insert",
        "primary.key.mode": "none",
        "schema.evolution": "none",
        "collection.name.format": "${topic}",
      },
      secrets: { "connection.password": "typed" },
    });
  });

  test("the tables it writes: ${topic} with the topic's dots as '_'", () => {
    expect(sinkTables("${topic}", form.topics)).toEqual([
      { topic: "orders", table: "orders" },
      { topic: "shop.public.refunds", table: "shop_public_refunds" },
    ]);
    expect(sinkTables("archive.kafka_${topic}", "orders")).toEqual([
      { topic: "orders", table: "archive.kafka_orders" },
    ]);
    expect(sinkTables("", "a")).toEqual([{ topic: "a", table: "a" }]);
  });

  test("what is wrong with a form names its field", () => {
    expect(jdbcSinkConnector({ ...form, topics: " , " })).toMatchObject({ field: "topics" });
    expect(jdbcSinkConnector({ ...form, url: "mysql://a@b/c" })).toMatchObject({ field: "url" });
    expect(jdbcSinkConnector({ ...form, url: "postgresql://db.local/shop" })).toMatchObject({ field: "url" });
    expect(jdbcSinkConnector({ ...form, tableFormat: "everything" })).toMatchObject({ field: "tableFormat" });
    expect(jdbcSinkConnector({ ...form, topics: "orders", tableFormat: "everything" })).not.toHaveProperty("field");
  });

  test("a PostgreSQL URL taken apart", () => {
    expect(parsePostgresUrl("jdbc:postgresql://u@h/d")).toEqual({
      host: "h",
      port: "5432",
      database: "d",
      user: "u",
      password: "",
    });
    expect(parsePostgresUrl("nonsense")).toHaveProperty("error");
  });
});
