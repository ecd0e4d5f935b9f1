// What the controller's integration tests share: waiting for a condition, the processes that
// carry a resource's marker, and a real controller over the test's database with given drivers.
import { execFileSync } from "node:child_process";
import type { Db } from "@weir/db";
import { Controller, createReconcilers, type ReconcilerDeps } from "../src/index.ts";

/** Polls `fn` until it returns something truthy; the error names `what`, what was last seen and thrown. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  ms: number,
  lastSeen: () => string = () => "",
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what} (last seen ${lastSeen()})${last ? `: ${String(last)}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Live processes whose command line carries the marker of one of the resource's instances. */
export function markedPids(resourceId: string | undefined): number[] {
  try {
    return execFileSync("pgrep", ["-f", "--", `-Dweir.node=${resourceId}:`], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export interface TestController {
  controller: Controller;
  stop(): Promise<void>;
}

/** A started controller with the given drivers; an exiting instance wakes its resource at once. */
export async function startTestController(
  h: { db: Db; url: string },
  deps: ReconcilerDeps,
  onExit: (wake: (kind: "KafkaCluster" | "ComputeCluster", id: string) => void) => void,
): Promise<TestController> {
  const kinds = createReconcilers(deps);
  const controller = new Controller({
    db: h.db,
    databaseUrl: h.url,
    reconcilers: kinds.reconcilers,
    resyncIntervalMs: 3000,
    backoff: { initialMs: 500, maxMs: 5000 },
  });
  onExit((kind, id) => controller.enqueue({ kind, id }));
  await controller.start();
  return {
    controller,
    async stop() {
      await controller.stop();
      await kinds.close();
    },
  };
}
