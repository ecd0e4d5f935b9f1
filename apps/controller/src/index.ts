export { Controller, NOTIFY_CHANNEL, type ControllerOptions } from "./framework/controller.ts";
export * from "./framework/types.ts";
export { MeteringJob, type MeteringJobOptions, type MeteringRun } from "./metering/job.ts";
export { organizationReconciler } from "./reconcilers/organization.ts";

import { organizationReconciler } from "./reconcilers/organization.ts";
import type { Reconciler } from "./framework/types.ts";

/** Every kind the controller reconciles. */
export const allReconcilers: Reconciler[] = [organizationReconciler];
