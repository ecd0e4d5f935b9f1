import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/**/*.test.ts", "apps/**/*.test.ts", "scripts/**/*.test.ts"],
    exclude: ["**/node_modules/**", "e2e/**"],
    globalSetup: ["./vitest.global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Kafka test files each run a real cluster (3-4 JVMs); two of them side by side on two
    // cores starve each other into timeouts, so files run one at a time.
    maxWorkers: 1,
    env: { NODE_ENV: "test" },
  },
});
