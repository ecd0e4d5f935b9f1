import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/**/*.test.ts", "apps/**/*.test.ts"],
    exclude: ["**/node_modules/**", "e2e/**"],
    globalSetup: ["./vitest.global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Kafka and Spark tests start real processes; two cores do not run many at once.
    maxWorkers: 2,
    env: { NODE_ENV: "test" },
  },
});
