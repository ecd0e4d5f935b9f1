// The one place Weir reads its environment. Everything else imports `env()`.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const boolish = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Any PostgreSQL; when unset, `pnpm start` runs an embedded server and sets this. */
  DATABASE_URL: z.string().url().optional(),
  /** Where embedded Postgres, broker and engine data and logs live. */
  WEIR_DATA_DIR: z.string().default(path.join(repoRoot, ".weir")),
  /** Where pinned Kafka and Spark artifacts are cached once fetched. */
  WEIR_CACHE_DIR: z.string().default(path.join(repoRoot, ".weir", "cache")),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  /** 32-byte key (hex or base64) encrypting credentials Weir keeps to administer clusters. */
  WEIR_SECRET_KEY: z.string().min(32).optional(),
  /** Set when the console is served over HTTPS, so session cookies are marked Secure. */
  WEIR_SECURE_COOKIES: boolish,
  WEIR_SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  /** Proxies whose `X-Forwarded-For` is believed, comma-separated addresses or CIDR ranges (IPv4 or
   * IPv6); none by default, so a client's IP is the socket's peer address. */
  WEIR_TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean),
    ),
  WEIR_CONTROLLER_RESYNC_SECONDS: z.coerce.number().min(1).default(30),
  WEIR_CONTROLLER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** How often the controller samples each Kafka cluster's throughput, partitions and disk. */
  WEIR_METRICS_INTERVAL_SECONDS: z.coerce.number().min(1).default(15),
  /** How long metric samples are kept. */
  WEIR_METRICS_RETENTION_HOURS: z.coerce.number().min(1).default(72),
  WEIR_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** Emails of the platform's owners, comma-separated: they may publish price book versions. */
  WEIR_PLATFORM_ADMINS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    ),
  /** How often the controller meters usage into hourly records and refreshes invoices; idempotent, so
   * often enough that month-to-date follows a running cluster within minutes. */
  WEIR_METERING_INTERVAL_SECONDS: z.coerce.number().min(1).default(300),
  CHROMIUM_PATH: z.string().default("/usr/bin/chromium"),
  /** Set by Next.js in the console's server: which runtime runs the code ("nodejs" or "edge"). */
  NEXT_RUNTIME: z.enum(["nodejs", "edge"]).optional(),
  /** The JDK (17+) that runs Kafka brokers; `java` on the PATH when unset. */
  JAVA_HOME: z.string().optional(),
  /** Which driver runs new Kafka and compute clusters: processes on this host ("local", the
   * default) or operator resources on Kubernetes ("kubernetes": Strimzi, Spark Operator). Each
   * cluster records its driver, so changing this never moves an existing cluster. */
  WEIR_RUNTIME: z.enum(["local", "kubernetes"]).default("local"),
  /** The kubeconfig file of the Kubernetes driver; unset: the in-cluster service account. */
  WEIR_KUBECONFIG: z.string().optional(),
  /** The namespace Weir creates its Kubernetes resources in. */
  WEIR_K8S_NAMESPACE: z.string().default("weir"),
  /** Test-only: bytes in one GB of a Kafka cluster's provisioned storage (1 GiB). Tests set a
   * few MiB so a broker given 10 "GB" passes its storage thresholds with little data written. */
  WEIR_STORAGE_GB_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 ** 3),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    const parsed = schema.safeParse(process.env);
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
      throw new Error(`Weir's environment is not valid:\n${lines.join("\n")}`);
    }
    cached = parsed.data;
  }
  return cached;
}

/** The environment a child process of Weir runs with: this process's, plus `extra`. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

/** Forget the parsed environment (tests that change process variables call this). */
export function resetEnv(): void {
  cached = undefined;
}

/**
 * Sets process variables and forgets the parsed environment, so the next `env()` validates them:
 * how a test (or a bench) that runs Weir's parts in its own process gives them their settings.
 */
export function overrideEnv(vars: Record<string, string>): void {
  Object.assign(process.env, vars);
  resetEnv();
}

export { repoRoot };
