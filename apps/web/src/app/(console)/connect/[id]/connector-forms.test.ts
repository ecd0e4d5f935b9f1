import { describe, expect, test } from "vitest";
import { cdcConnector, cdcTopics, parseKeyValues } from "./connector-forms";

describe("the Postgres CDC form", () => {
  test("a URL, tables and a snapshot mode become Debezium's config, the password a secret", () => {
    expect(
      cdcConnector({
        name: "orders-cdc",
        url: "postgresql://cdc:p%40ss@db.local:5433/shop",
        tables: "orders, sales.refunds",
        snapshotMode: "initial",
        topicPrefix: "shop",
      }),
    ).toEqual({
      name: "orders-cdc",
      plugin: "debezium-postgres",
      config: {
        "database.hostname": "db.local",
        "database.port": "5433",
        "database.user": "cdc",
        "database.dbname": "shop",
        "topic.prefix": "shop",
        "table.include.list": "public.orders,sales.refunds",
        "snapshot.mode": "initial",
        "plugin.name": "pgoutput",
        "slot.name": "weir_orders_cdc",
        "publication.name": "weir_orders_cdc",
        "publication.autocreate.mode": "filtered",
        "topic.creation.default.replication.factor": "-1",
        "topic.creation.default.partitions": "-1",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "key.converter.schemas.enable": "false",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "false",
      },
      secrets: { "database.password": "p@ss" },
    });
  });

  test("the password field wins over one in the URL", () => {
    const base = { name: "c", tables: "t", snapshotMode: "initial", topicPrefix: "c" };
    expect(cdcConnector({ ...base, url: "postgresql://cdc@db/shop", password: "s3cret" })).toMatchObject({
      secrets: { "database.password": "s3cret" },
    });
    expect(cdcConnector({ ...base, url: "postgresql://cdc:old@db/shop", password: "new" })).toMatchObject({
      secrets: { "database.password": "new" },
    });
  });

  test("the topics it will write, and what is wrong with a form", () => {
    expect(cdcTopics("shop", "orders, sales.refunds")).toEqual(["shop.public.orders", "shop.sales.refunds"]);
    expect(
      cdcConnector({ name: "x", url: "mysql://a@b/c", tables: "t", snapshotMode: "initial", topicPrefix: "x" }),
    ).toMatchObject({ field: "url" });
    expect(
      cdcConnector({ name: "x", url: "postgresql://a@b/c", tables: " ", snapshotMode: "initial", topicPrefix: "x" }),
    ).toMatchObject({ field: "tables" });
  });

  test("key=value lines", () => {
    expect(parseKeyValues("# c\ntopics=a,b\n\nx = y=z\n")).toEqual({ values: { topics: "a,b", x: "y=z" } });
    expect(parseKeyValues("nope")).toEqual({ error: "Line 1 is not key=value" });
  });
});
