export { appRouter, type AppRouter } from "./root.ts";
export { toErrorBody, type ErrorBody } from "./trpc.ts";
