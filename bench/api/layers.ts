// The cost of each layer of `GET /api/v1/clusters` and of the public price book, in one process,
// at a fixed concurrency: the floor's SQL through `pg` and through Prisma (raw query, findFirst
// with an include), the domain service (one SQL through pg, see queryRows in @weir/db), the tRPC
// procedure (middlewares, zod), and the whole REST handler with an API key and with a session
// cookie. Each step adds one layer, so the differences say where a request's time goes without a
// profiler's attribution.
//
//   NODE_ENV=production tsx bench/api/layers.ts [--calls 4000] [--concurrency 50]
import { createRequire } from "node:module";
import os from "node:os";
import { handleRest } from "@weir/api/http";
import { appRouter } from "@weir/api";
import { createDb } from "@weir/db";
import { createTestDatabase, prepareTemplate, startTestPostgres, TEMPLATE_DB } from "@weir/db/testing";
import { createDomain, ensureDefaultProject, seedPriceBook, type OrgScope } from "@weir/domain";
import { PEER_HEADER } from "../../packages/api/src/request-guards.ts";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const CALLS = Number(arg("calls", "4000"));
const CONCURRENCY = Number(arg("concurrency", "50"));

async function rate(label: string, call: () => Promise<unknown>) {
  for (let i = 0; i < 300; i++) await call();
  let left = CALLS;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) await call();
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`  ${label.padEnd(46)} ${(CALLS / seconds).toFixed(0).padStart(7)} calls/s`);
}

/** The price book in force, as packages/domain/src/billing/price-book.ts reads it (one round trip). */
export const PRICE_BOOK_SQL = `
  SELECT v.*, (SELECT COALESCE(json_agg(json_build_object('sku', p.sku, 'dimension', p.dimension, 'unit', p.unit,
                 'unitPrice', p.unit_price::text, 'description', p.description, 'vcpu', p.vcpu,
                 'memoryGib', p.memory_gib::text)), '[]') FROM prices p WHERE p.version_id = v.id) AS prices
  FROM price_book_versions v WHERE v.effective_from <= now()
  ORDER BY v.effective_from DESC, v.version DESC LIMIT 1`;

async function main() {
  const server = await startTestPostgres();
  try {
    await prepareTemplate(server.url);
    const url = await createTestDatabase(server.url(TEMPLATE_DB), "layers");
    const db = createDb(url, 10);
    const domain = createDomain(db);
    const meta = { ip: "192.0.2.1", userAgent: "bench" };
    const { organization, user, session } = await domain.accounts.signUp(
      { email: "layers@example.com", password: "a long bench password", name: "Layers" },
      meta,
    );
    await ensureDefaultProject(db, organization.id);
    const project = await db.project.findFirstOrThrow({ where: { orgId: organization.id, isDefault: true } });
    const scope: OrgScope = {
      principal: { kind: "user", userId: user.id, email: user.email, name: user.name, sessionId: "" },
      meta,
      orgId: organization.id,
      role: "OWNER",
    };
    const { key } = await domain.apiKeys.create(scope, { name: "layers", role: "ADMIN" });
    await db.$executeRaw`UPDATE organizations SET api_key_requests_per_minute = 1000000000 WHERE id = ${organization.id}::uuid`;
    await db.$executeRaw`
      INSERT INTO kafka_clusters (id, org_id, project_id, name, kafka_version, broker_count, broker_instance_type,
                                  storage_gb_per_broker, updated_at)
      SELECT gen_random_uuid(), ${organization.id}::uuid, ${project.id}::uuid, 'bench-' || i, '3.9.2', 3,
             'kafka.t3.small', 20, now()
      FROM generate_series(1, 20) AS i`;

    const pg = createRequire(new URL("../../packages/db/package.json", import.meta.url))("pg");
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    const floor = async () => {
      const clusters = await pool.query(
        `SELECT c.*, p.name AS project_name FROM kafka_clusters c JOIN projects p ON p.id = c.project_id
         WHERE c.org_id = $1 ORDER BY c.created_at DESC`,
        [organization.id],
      );
      await pool.query(`SELECT * FROM brokers WHERE cluster_id = ANY($1::uuid[]) ORDER BY node_id`, [
        clusters.rows.map((c: { id: string }) => c.id),
      ]);
      return JSON.stringify(clusters.rows);
    };
    const rest = (headers: Record<string, string>) => async () => {
      const res = await handleRest(
        domain,
        new Request("http://127.0.0.1/api/v1/clusters", { headers: { [PEER_HEADER]: "127.0.0.1", ...headers } }),
      );
      if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
      return res.text();
    };
    const caller = () =>
      appRouter.createCaller({
        domain,
        meta,
        sessionToken: null,
        bearer: key,
        requestedOrgId: null,
        crossSite: false,
        setCookie: () => {},
        setHeader: () => {},
      });

    console.log(
      `${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}; ${CALLS} calls at ${CONCURRENCY} at once`,
    );
    await rate("floor: the same SQL through pg", floor);
    await rate("domain.clusters.list (one SQL through pg)", () => domain.clusters.list(scope));
    await rate("the floor's SQL through Prisma ($queryRaw)", async () => {
      const rows = await db.$queryRaw<Array<{ id: string }>>`
        SELECT c.*, p.name AS project_name FROM kafka_clusters c JOIN projects p ON p.id = c.project_id
        WHERE c.org_id = ${organization.id}::uuid ORDER BY c.created_at DESC`;
      await db.$queryRaw`
        SELECT * FROM brokers WHERE cluster_id = ANY(${rows.map((r) => r.id)}::uuid[]) ORDER BY node_id`;
    });
    await rate("+ tRPC procedure (caller, middlewares, zod)", () => caller().clusters.list());
    await rate("+ REST handler, API key", rest({ authorization: `Bearer ${key}` }));
    await rate("+ REST handler, session cookie", rest({ cookie: `weir_session=${session.token}` }));

    // The public price book: one SQL (the version in force, its prices aggregated) in both.
    await seedPriceBook(db);
    console.log("price book (public):");
    await rate("floor: the same SQL through pg", async () => {
      const v = await pool.query(PRICE_BOOK_SQL);
      return JSON.stringify(v.rows[0]);
    });
    await rate("Prisma findFirst + include (two queries)", () =>
      db.priceBookVersion.findFirst({
        where: { effectiveFrom: { lte: new Date() } },
        orderBy: [{ effectiveFrom: "desc" }, { version: "desc" }],
        include: { prices: true },
      }),
    );
    await rate("domain.priceBook.current (one SQL through pg)", () => domain.priceBook.current({}));
    await rate("+ REST handler, no credential", async () => {
      const res = await handleRest(
        domain,
        new Request("http://127.0.0.1/api/v1/pricing/price-book", { headers: { [PEER_HEADER]: "127.0.0.1" } }),
      );
      if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
      return res.text();
    });
    await pool.end();
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
