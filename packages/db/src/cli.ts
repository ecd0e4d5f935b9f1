// pnpm db:migrate              apply committed migrations to DATABASE_URL (or the embedded server)
// pnpm db:new-migration NAME   write the SQL that brings the migrations up to prisma/schema.prisma
import { copyFile } from "node:fs/promises";
import path from "node:path";
import { env } from "@weir/env";
import { startEmbeddedPostgres } from "./embedded.ts";
import { applyMigrations, diffToSchema, latestSnapshot, schemaPath, writeMigration } from "./migrate.ts";
import { startTestPostgres } from "./testing.ts";

async function main() {
  const [command, arg] = process.argv.slice(2);
  if (command === "migrate") {
    const e = env();
    let url = e.DATABASE_URL;
    let stop: (() => Promise<void>) | undefined;
    if (!url) {
      const pg = await startEmbeddedPostgres({
        dataDir: path.join(e.WEIR_DATA_DIR, "postgres"),
        port: e.EMBEDDED_PG_PORT,
      });
      url = pg.url();
      stop = pg.stop;
    }
    const applied = await applyMigrations(url);
    console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
    await stop?.();
  } else if (command === "new-migration") {
    if (!arg || !/^[a-z0-9_]+$/.test(arg)) {
      throw new Error("Give the migration a name in snake_case: pnpm db:new-migration add_widgets");
    }
    const server = await startTestPostgres();
    try {
      const sql = await diffToSchema(server.url(), await latestSnapshot());
      if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim())) {
        console.log("prisma/schema.prisma matches the migrations: nothing to write.");
      } else {
        const dir = await writeMigration(arg, sql);
        await copyFile(schemaPath, path.join(dir, "schema.prisma"));
        console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql:\n\n${sql}`);
      }
    } finally {
      await server.stop();
    }
  } else {
    console.error("usage: cli.ts migrate | new-migration NAME");
    process.exitCode = 2;
  }
}

main().then(
  () => process.exit(),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
