// The request coalescer: calls made together share a request, each gets its own answer, a
// duplicate identity waits for the next request, a failed request fails only its own items.
import { describe, expect, test } from "vitest";
import { Coalescer } from "../src/kafka/batch.ts";

describe("Coalescer", () => {
  test("calls in one tick and during a request share requests; answers and refusals stay per item", async () => {
    const requests: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const c = new Coalescer<string, string, string>(
      async (_key, items) => {
        requests.push(items);
        if (requests.length === 1) await gate;
        return items.map((i) => (i.startsWith("bad") ? new Error(`refused ${i}`) : `ok ${i}`));
      },
      { identity: (i) => i.replace(/#.*/, "") },
    );
    const first = ["a", "bad-b", "c"].map((i) => c.submit("cluster", i));
    // While the first request is in flight, three more arrive: one request after it, except
    // the second "d", which Kafka would refuse as a duplicate in the same request.
    await new Promise((r) => setImmediate(r));
    const second = ["d", "d#again", "e"].map((i) => c.submit("cluster", i));
    release();
    expect(await Promise.allSettled([...first, ...second])).toEqual([
      { status: "fulfilled", value: "ok a" },
      { status: "rejected", reason: new Error("refused bad-b") },
      { status: "fulfilled", value: "ok c" },
      { status: "fulfilled", value: "ok d" },
      { status: "fulfilled", value: "ok d#again" },
      { status: "fulfilled", value: "ok e" },
    ]);
    expect(requests).toEqual([["a", "bad-b", "c"], ["d", "e"], ["d#again"]]);
  });

  test("a request that fails whole fails its items only; other keys and later calls go on", async () => {
    const c = new Coalescer<string, number, number>(
      async (key, items) => {
        if (key === "down") throw new Error("unreachable");
        return items.map((n) => n * 2);
      },
      { maxItems: 2 },
    );
    const down = c.submit("down", 1);
    const up = [1, 2, 3].map((n) => c.submit("up", n));
    await expect(down).rejects.toThrow("unreachable");
    expect(await Promise.all(up)).toEqual([2, 4, 6]);
    expect(await c.submit("up", 5)).toBe(10);
  });
});
