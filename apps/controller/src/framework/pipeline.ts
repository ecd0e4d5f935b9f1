// A reconcile pass as a pipeline of named, idempotent steps (the shape of Strimzi's
// reconcile()): each step reads the pass's state, may act, and either hands on to the next step
// or ends the pass with an outcome. Every step may run any number of times: a pass can stop
// after any step and the next pass starts from the top.
import type { ReconcileOutcome } from "./types.ts";

export interface Step<S> {
  name: string;
  /** Returns an outcome to end the pass here, or nothing to go on. */
  run(state: S): Promise<ReconcileOutcome | void>;
}

export const step = <S>(name: string, run: Step<S>["run"]): Step<S> => ({ name, run });

/** A resource that failed stays FAILED (and stopped) until its spec changes. */
export function stayFailed<
  S extends { cluster: { status: string; statusReason: string; generation: number; observedGeneration: number } },
>(): Step<S> {
  return step<S>("stay-failed", async ({ cluster }) => {
    if (cluster.status === "FAILED" && cluster.observedGeneration === cluster.generation) {
      return { status: "FAILED", statusReason: cluster.statusReason };
    }
  });
}

/** Thrown when every step handed on and none ended the pass: the pipeline is incomplete. */
export class PipelineIncomplete extends Error {}

/** Runs the steps in order until one ends the pass. */
export async function runPipeline<S>(
  state: S,
  steps: readonly Step<S>[],
): Promise<ReconcileOutcome & { step: string }> {
  for (const s of steps) {
    const outcome = await s.run(state);
    if (outcome) return { ...outcome, step: s.name };
  }
  throw new PipelineIncomplete(`no step of [${steps.map((s) => s.name).join(", ")}] ended the pass`);
}
