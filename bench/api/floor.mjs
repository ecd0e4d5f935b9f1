// The floor for `pnpm bench:api`: a bare Node HTTP server with a `pg` pool answering each list
// with the SQL Weir's service runs for it, serialised with JSON.stringify; no framework, no
// authentication, no validation. Plain JavaScript so it runs with no loader. Started by
// bench/api/run.ts as `node floor.mjs <port> <database url> <org id> <cluster id> <openapi file>`.
/* global URL, process, console */
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";

// `pg` is the database package's dependency; resolve it from there.
const pg = createRequire(new URL("../../packages/db/package.json", import.meta.url))("pg");
const [port, databaseUrl, orgId, clusterId, openapiFile] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
const openapi = fs.readFileSync(openapiFile, "utf8");

const queries = {
  // The cluster list's one query: brokers aggregated per cluster, the project joined.
  "/clusters": async () => {
    const clusters = await pool.query(
      `SELECT c.*, p.name AS project_name,
              COALESCE(json_agg(b ORDER BY b.node_id) FILTER (WHERE b.id IS NOT NULL), '[]') AS broker_rows
       FROM kafka_clusters c
       JOIN projects p ON p.id = c.project_id
       LEFT JOIN brokers b ON b.cluster_id = c.id
       WHERE c.org_id = $1
       GROUP BY c.id, p.name
       ORDER BY c.created_at DESC`,
      [orgId],
    );
    return { items: clusters.rows };
  },
  // Weir reads every topic row of the cluster (to merge them with Kafka's names), then pages.
  "/topics": async () => {
    await pool.query(`SELECT * FROM kafka_clusters WHERE id = $1 AND org_id = $2`, [clusterId, orgId]);
    const rows = await pool.query(`SELECT * FROM topics WHERE cluster_id = $1 ORDER BY name`, [clusterId]);
    return { items: rows.rows.slice(0, 50), total: rows.rows.length };
  },
  "/audit-events": async () => {
    const rows = await pool.query(`SELECT * FROM audit_events WHERE org_id = $1 ORDER BY id DESC LIMIT 51`, [orgId]);
    return { items: rows.rows.slice(0, 50) };
  },
  // The statement Weir sends (packages/domain/src/billing/price-book.ts): one round trip.
  "/price-book": async () => {
    const v = await pool.query(
      `SELECT v.*, (SELECT COALESCE(json_agg(json_build_object('sku', p.sku, 'dimension', p.dimension, 'unit', p.unit,
                      'unitPrice', p.unit_price::text, 'description', p.description, 'vcpu', p.vcpu,
                      'memoryGib', p.memory_gib::text)), '[]') FROM prices p WHERE p.version_id = v.id) AS prices
       FROM price_book_versions v WHERE v.effective_from <= now()
       ORDER BY v.effective_from DESC, v.version DESC LIMIT 1`,
    );
    return v.rows[0];
  },
};

http
  .createServer(async (req, res) => {
    if (req.url === "/openapi.json") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(openapi);
    }
    const q = queries[req.url];
    if (!q) {
      res.writeHead(404);
      return res.end();
    }
    try {
      const body = JSON.stringify(await q(), (_k, v) => (typeof v === "bigint" ? v.toString() : v));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    } catch (e) {
      res.writeHead(500);
      res.end(String(e));
    }
  })
  .listen(Number(port), "127.0.0.1", () => console.log("floor ready"));
