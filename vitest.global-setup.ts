// One real PostgreSQL server for the whole run, with a migrated template database that each
// test file clones (see packages/db/src/testing.ts).
import { prepareTemplate, startTestPostgres, TEMPLATE_DB } from "@weir/db/testing";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startTestPostgres();
  await prepareTemplate(server.url);
  project.provide("templateDatabaseUrl", server.url(TEMPLATE_DB));
  return async () => {
    await server.stop();
  };
}
