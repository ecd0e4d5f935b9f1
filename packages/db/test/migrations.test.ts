// The committed migrations must produce exactly prisma/schema.prisma: a database built by
// applying them is compared, catalog entry by catalog entry, with one built straight from the
// schema. A schema change without its migration fails here.
import { readFile } from "node:fs/promises";
import pg from "pg";
import { expect, inject, test } from "vitest";
import { applyMigrations, diffToSchema, latestSnapshot, schemaPath } from "../src/migrate.ts";
import { adminQuery } from "../src/testing.ts";

const CATALOG = `
  SELECT 'column' AS kind, table_name || '.' || column_name AS name,
         concat_ws(' ', data_type, udt_name, character_maximum_length, numeric_precision, numeric_scale,
                   is_nullable, column_default) AS definition
    FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
  UNION ALL
  SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
  UNION ALL
  SELECT 'constraint', conrelid::regclass || '.' || conname, pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations'
  UNION ALL
  SELECT 'enum', t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname
  ORDER BY 1, 2`;

async function catalog(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(CATALOG)).rows;
  } finally {
    await c.end();
  }
}

function databaseUrl(name: string) {
  const u = new URL(inject("templateDatabaseUrl"));
  u.pathname = `/${name}`;
  return u.toString();
}

test("migrations produce exactly the schema", async () => {
  const server = databaseUrl("postgres");
  const suffix = Math.random().toString(36).slice(2, 8);
  await adminQuery(server, `CREATE DATABASE from_migrations_${suffix}`);
  await adminQuery(server, `CREATE DATABASE from_schema_${suffix}`);
  const migrated = databaseUrl(`from_migrations_${suffix}`);
  const direct = databaseUrl(`from_schema_${suffix}`);

  expect((await applyMigrations(migrated)).length).toBeGreaterThan(0);
  expect(await applyMigrations(migrated)).toEqual([]); // idempotent

  const sql = await diffToSchema(direct, null);
  await adminQuery(direct, sql);

  expect(await catalog(migrated)).toEqual(await catalog(direct));
});

test("the newest migration's schema snapshot is the committed schema", async () => {
  expect(await latestSnapshot()).toBe(await readFile(schemaPath, "utf8"));
});
