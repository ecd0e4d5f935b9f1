import { describe, expect, it } from "vitest";
import { draftFromWorkspace, loadDraft, saveDraft, viewNameFor } from "./draft";

describe("viewNameFor", () => {
  it.each([
    ["orders", "orders"],
    ["Orders.V2-eu", "orders_v2_eu"],
    ["2024-sales", "t_2024_sales"],
    ["__consumer..offsets", "consumer_offsets"],
    ["...", "topic"],
  ])("%s → %s", (topic, view) => expect(viewNameFor(topic)).toBe(view));

  it("stays within the identifier limit", () => expect(viewNameFor("a".repeat(249))).toHaveLength(128));
});

describe("drafts", () => {
  const memory = () => {
    const m = new Map<string, string>();
    return { setItem: (k: string, v: string) => void m.set(k, v), getItem: (k: string) => m.get(k) ?? null };
  };

  it("come back as saved, under the key put in the URL", () => {
    const storage = memory();
    const draft = draftFromWorkspace("k1", [{ topic: "orders", view: "orders", schema: "id INT" }], "SELECT 1");
    expect(loadDraft(saveDraft(draft, storage), storage)).toEqual(draft);
  });

  it("are null when missing or not a draft", () => {
    const storage = memory();
    expect(loadDraft("nope", storage)).toBeNull();
    storage.setItem("weir.job-draft.x", '{"kind":"batch-sql"}');
    expect(loadDraft("x", storage)).toBeNull();
    storage.setItem("weir.job-draft.y", "{not json");
    expect(loadDraft("y", storage)).toBeNull();
  });

  it("read several topics as the first topic's view, with the first schema given", () => {
    const d = draftFromWorkspace(
      "k1",
      [
        { topic: "orders-eu", view: "orders_eu", schema: "" },
        { topic: "orders-us", view: "orders_us", schema: "product STRING" },
      ],
      "SELECT * FROM orders_eu UNION ALL SELECT * FROM orders_us",
    );
    expect(d).toMatchObject({
      sources: ["orders-eu", "orders-us"],
      view: "orders_eu",
      schema: "product STRING",
      sql: "SELECT * FROM orders_eu UNION ALL SELECT * FROM orders_eu",
    });
  });
});
