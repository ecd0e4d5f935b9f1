// A small migration runner on Prisma's own WebAssembly schema engine. Prisma's CLI needs a
// native engine downloaded from Prisma's servers, which these machines cannot reach; the wasm
// engine ships on npm and keeps Prisma's layout (prisma/migrations/<ts>_<name>/migration.sql)
// and its `_prisma_migrations` table.
import { readFile, readdir, mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm";
import { repoRoot } from "@weir/env";

export const prismaDir = path.join(repoRoot, "prisma");
export const schemaPath = path.join(prismaDir, "schema.prisma");
export const migrationsDir = path.join(prismaDir, "migrations");

const noFilters: SchemaFilter = { externalTables: [], externalEnums: [] };

type EngineModule = typeof import("@prisma/schema-engine-wasm");
let engineModule: Promise<EngineModule> | undefined;

async function loadEngineModule(): Promise<EngineModule> {
  const require = createRequire(import.meta.url);
  const pkgDir = path.dirname(require.resolve("@prisma/schema-engine-wasm"));
  const glue = (await import(path.join(pkgDir, "schema_engine_bg.js"))) as EngineModule & {
    __wbg_set_wasm(exports: WebAssembly.Exports): void;
  };
  const bytes = await readFile(path.join(pkgDir, "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, {
    "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
  });
  glue.__wbg_set_wasm(instance.exports);
  const start = instance.exports.__wbindgen_start;
  if (typeof start === "function") (start as () => void)();
  return glue;
}

async function withEngine<T>(
  connectionString: string,
  fn: (engine: SchemaEngine, schema: string) => Promise<T>,
): Promise<T> {
  engineModule ??= loadEngineModule();
  const { SchemaEngine } = await engineModule;
  const schema = await readFile(schemaPath, "utf8");
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString }));
  const engine = await SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, () => undefined, adapter);
  try {
    return await fn(engine, schema);
  } finally {
    engine.free();
  }
}

async function migrationList() {
  const names = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  const lock = await readFile(lockPath, "utf8").catch(() => null);
  return {
    baseDir: migrationsDir,
    lockfile: { path: "migration_lock.toml", content: lock },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: {
            tag: "ok" as const,
            value: await readFile(path.join(migrationsDir, name, "migration.sql"), "utf8"),
          },
        },
      })),
    ),
  };
}

/** Applies every committed migration not yet applied; returns the names applied now. */
export async function applyMigrations(connectionString: string): Promise<string[]> {
  return withEngine(connectionString, async (engine) => {
    const out = await engine.applyMigrations({
      migrationsList: await migrationList(),
      filters: noFilters,
    });
    return out.appliedMigrationNames;
  });
}

/**
 * SQL that turns a database built from `fromSchema` (or an empty one) into `schema.prisma`.
 * Used to write the next migration from the schema committed at HEAD.
 */
export async function diffToSchema(connectionString: string, fromSchema: string | null): Promise<string> {
  return withEngine(connectionString, async (engine, schema) => {
    const out = await engine.diff({
      from:
        fromSchema === null
          ? { tag: "empty" }
          : { tag: "schemaDatamodel", files: [{ path: schemaPath, content: fromSchema }] },
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return out.stdout ?? "";
  });
}

/**
 * The schema the committed migrations produce: each migration directory keeps a copy of
 * schema.prisma as it was when the migration was written. Null before the first migration.
 */
export async function latestSnapshot(): Promise<string | null> {
  const names = (await readdir(migrationsDir, { withFileTypes: true }).catch(() => []))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const last = names.at(-1);
  if (!last) return null;
  return readFile(path.join(migrationsDir, last, "schema.prisma"), "utf8");
}

/** Writes prisma/migrations/<timestamp>_<name>/migration.sql and returns its directory. */
export async function writeMigration(name: string, sql: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = path.join(migrationsDir, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "migration.sql"), sql);
  await writeFile(
    path.join(migrationsDir, "migration_lock.toml"),
    '# Managed by Weir\'s migration runner (packages/db/src/migrate.ts)\nprovider = "postgresql"\n',
  );
  return dir;
}
