// Status changes reach the console by polling: fast while the controller works on a resource,
// slow once it is settled (a process going down still shows within a few seconds). One rule for
// every kind of cluster, from @weir/domain/status.
import { isSettled, type Kind } from "@weir/domain/status";
import { errorBody } from "./errors";

const FAST = 2_000;
const STEADY_LIST = 10_000;
const STEADY_DETAIL = 5_000;

/** How often a list of resources of `kind` is fetched again. */
export function listPollInterval(kind: Kind, items: ReadonlyArray<{ status: string }> | undefined): number {
  return items?.every((r) => isSettled(kind, r.status)) ? STEADY_LIST : FAST;
}

/** How often one resource is fetched again; never once it is gone (deleted, or another organisation's). */
export function detailPollInterval(kind: Kind, state: { data?: { status: string }; error: unknown }): number | false {
  const code = errorBody(state.error)?.code;
  if (code === "NOT_FOUND" || code === "VALIDATION_FAILED") return false;
  return isSettled(kind, state.data?.status) ? STEADY_DETAIL : FAST;
}

/** How often a resource's events are fetched again. */
export const eventsPollInterval = (kind: Kind, status: string | undefined) =>
  isSettled(kind, status) ? 10_000 : 3_000;
