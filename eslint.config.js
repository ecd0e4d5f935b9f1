import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/.next/**",
      "dist/**",
      "**/generated/**",
      "**/test-results/**",
      "**/playwright-report/**",
      ".weir/**",
      "apps/web/next-env.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Environment is read and validated in one place: packages/env.
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through env() from @weir/env." },
      ],
    },
  },
  {
    files: [
      "packages/env/**",
      "scripts/**",
      "e2e/**",
      "bench/**",
      "**/test/**",
      "**/*.test.ts",
      "*.config.*",
      "**/*.config.*",
      "vitest.global-setup.ts",
    ],
    rules: { "no-restricted-properties": "off", "@typescript-eslint/no-explicit-any": "off" },
  },
);
