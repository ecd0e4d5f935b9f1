// pnpm bench: the cost of Weir's API layer over the database work it wraps, in one process.
// Baseline: the Prisma queries an authenticated "current organisation" call needs.
// Measured: the same call through the REST handler (routing, auth, scoping, zod, JSON).
import { handleRest } from "@weir/api/http";
import { createDb } from "@weir/db";
import { prepareTemplate, startTestPostgres, TEMPLATE_DB, createTestDatabase } from "@weir/db/testing";
import { createDomain, hashToken } from "@weir/domain";

const N = Number(process.argv[2] ?? 2000);

async function time(label: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 100; i++) await fn(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await fn();
  const ns = Number(process.hrtime.bigint() - start);
  const perCall = ns / N / 1000;
  console.log(
    `${label.padEnd(44)} ${perCall.toFixed(1).padStart(8)} µs/call  ${(1e6 / perCall).toFixed(0).padStart(6)} calls/s`,
  );
  return perCall;
}

async function main() {
  const server = await startTestPostgres();
  try {
    await prepareTemplate(server.url);
    const url = await createTestDatabase(server.url(TEMPLATE_DB), "bench");
    const db = createDb(url, 4);
    const domain = createDomain(db);
    const meta = { ip: null, userAgent: null };
    const { organization, user } = await domain.accounts.signUp(
      { email: "bench@example.com", password: "a long password", name: "Bench" },
      meta,
    );
    const scope = {
      principal: { kind: "user" as const, userId: user.id, email: user.email, name: user.name, sessionId: "" },
      meta,
      orgId: organization.id,
      role: "OWNER" as const,
    };
    const created = await domain.apiKeys.create(scope, { name: "bench", role: "VIEWER" });
    const keyHash = hashToken(created.key);

    console.log(`GET /api/v1/organizations/current, ${N} sequential calls, Postgres on loopback\n`);
    const base = await time("baseline: key lookup + org + events (Prisma)", async () => {
      const k = await db.apiKey.findUnique({ where: { keyHash } });
      await db.organization.findUnique({ where: { id: k!.orgId } });
      await db.resourceEvent.findMany({ where: { kind: "Organization", resourceId: k!.orgId }, take: 20 });
    });
    const rest = await time("Weir REST handler (auth, scope, zod, JSON)", async () => {
      const res = await handleRest(
        domain,
        new Request("http://bench/api/v1/organizations/current", {
          headers: { authorization: `Bearer ${created.key}` },
        }),
      );
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      await res.arrayBuffer();
    });
    console.log(`\nratio REST / baseline: ${(rest / base).toFixed(2)}x`);
    const rss = process.memoryUsage().rss / 1024 / 1024;
    console.log(`resident memory of this process: ${rss.toFixed(0)} MiB`);
    await db.$disconnect();
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
