import { apiKeysRouter } from "./routers/api-keys.ts";
import { auditRouter } from "./routers/audit.ts";
import { authRouter } from "./routers/auth.ts";
import { membersRouter, organizationsRouter } from "./routers/orgs.ts";
import { router } from "./trpc.ts";

export const appRouter = router({
  auth: authRouter,
  organizations: organizationsRouter,
  members: membersRouter,
  apiKeys: apiKeysRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
