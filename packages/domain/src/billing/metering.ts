// Metering: turns what ran into hourly usage records. It derives usage from recorded run
// intervals and cumulative byte counters, never from ticks, so a run after downtime fills the
// missed hours, and recomputing an hour writes the same quantity again (upsert on
// resource, dimension, SKU and hour): a restart or a double run never counts twice.
//
// Rules:
// - A started hour counts: every UTC clock hour in which an instance ran at any moment counts as
//   one full hour for it. Per instance and hour the largest quantity of its intervals in that hour
//   is taken (a broker restarted within an hour is one broker-hour; storage resized within an hour
//   counts at its larger size); a resource's hour is the sum over its instances.
// - Bytes in and out per Kafka cluster come from the cluster's running totals in
//   cluster_metric_samples (the rows with node_id NULL, bytes_in_total/bytes_out_total, which the
//   metrics sampler keeps growing across broker restarts): the delta from the previous sample is
//   attributed to the hour of the later one. A total lower than the one before is a counter that
//   began again, so the delta is the new value. A sample with no earlier one (the cluster's
//   first, or the oldest left after old samples were pruned) is only the baseline. An hour is
//   never rewritten lower than it was, so pruning cannot shrink usage already metered.
//   GB = 10^9 bytes, kept to 6 decimals.
import type { Db } from "@weir/db";

const HOUR_MS = 3_600_000;

export const floorHour = (d: Date) => new Date(Math.floor(d.getTime() / HOUR_MS) * HOUR_MS);
export const monthStartOf = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
export const nextMonthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));

export interface MeteringWindow {
  /** Hours from the one containing `from` are recomputed. */
  from: Date;
  /** Usage up to this instant; the hour containing it counts as started. */
  to: Date;
}

export interface MeteringResult {
  from: Date;
  to: Date;
  /** Usage record rows written (inserted or rewritten) from run intervals. */
  intervalRecords: number;
  /** Usage record rows written from byte counters. */
  transferRecords: number;
  /** Organisations with usage in the window, for invoicing. */
  orgIds: string[];
}

/** Recomputes every hourly usage record of the window. Safe to run any number of times. */
export async function meterUsage(db: Db, window: MeteringWindow): Promise<MeteringResult> {
  const from = floorHour(window.from);
  const to = window.to;
  if (to <= from) return { from, to, intervalRecords: 0, transferRecords: 0, orgIds: [] };

  const intervalRecords = await db.$executeRaw`
    WITH iv AS (
      SELECT org_id, resource_kind, resource_id, resource_name, instance_id, dimension, sku, quantity,
             greatest(started_at, ${from}::timestamptz) AS s,
             least(coalesce(ended_at, ${to}::timestamptz), ${to}::timestamptz) AS e
      FROM run_intervals
      WHERE started_at < ${to}::timestamptz AND (ended_at IS NULL OR ended_at > ${from}::timestamptz)
    ),
    per_instance AS (
      SELECT iv.org_id, iv.resource_kind, iv.resource_id, max(iv.resource_name) AS resource_name,
             iv.instance_id, iv.dimension, iv.sku, h.hour, max(iv.quantity) AS quantity
      FROM iv
      CROSS JOIN LATERAL generate_series(date_trunc('hour', iv.s, 'UTC'), iv.e, interval '1 hour') AS h(hour)
      WHERE iv.e > iv.s AND h.hour < iv.e
      GROUP BY iv.org_id, iv.resource_kind, iv.resource_id, iv.instance_id, iv.dimension, iv.sku, h.hour
    )
    INSERT INTO usage_records (id, org_id, resource_kind, resource_id, resource_name, dimension, sku, hour_start, quantity)
    SELECT gen_random_uuid(), org_id, resource_kind, resource_id, max(resource_name), dimension, sku, hour, sum(quantity)
    FROM per_instance
    GROUP BY org_id, resource_kind, resource_id, dimension, sku, hour
    ON CONFLICT (resource_id, dimension, sku, hour_start)
    DO UPDATE SET quantity = EXCLUDED.quantity, resource_name = EXCLUDED.resource_name`;

  const transferRecords = await db.$executeRaw`
    WITH prev AS (
      SELECT DISTINCT ON (cluster_id) cluster_id, node_id, sampled_at, bytes_in_total, bytes_out_total
      FROM cluster_metric_samples
      WHERE node_id IS NULL AND sampled_at < ${from}::timestamptz
      ORDER BY cluster_id, sampled_at DESC
    ),
    s AS (
      SELECT cluster_id, node_id, sampled_at, bytes_in_total, bytes_out_total
      FROM cluster_metric_samples
      WHERE node_id IS NULL AND sampled_at >= ${from}::timestamptz AND sampled_at < ${to}::timestamptz
      UNION ALL
      SELECT * FROM prev
    ),
    d AS (
      SELECT cluster_id, sampled_at,
        CASE WHEN lag(bytes_in_total) OVER w IS NULL THEN 0
             WHEN bytes_in_total < lag(bytes_in_total) OVER w THEN bytes_in_total
             ELSE bytes_in_total - lag(bytes_in_total) OVER w END AS din,
        CASE WHEN lag(bytes_out_total) OVER w IS NULL THEN 0
             WHEN bytes_out_total < lag(bytes_out_total) OVER w THEN bytes_out_total
             ELSE bytes_out_total - lag(bytes_out_total) OVER w END AS dout
      FROM s
      WINDOW w AS (PARTITION BY cluster_id ORDER BY sampled_at)
    ),
    hourly AS (
      SELECT cluster_id, date_trunc('hour', sampled_at, 'UTC') AS hour, sum(din) AS bytes_in, sum(dout) AS bytes_out
      FROM d
      WHERE sampled_at >= ${from}::timestamptz
      GROUP BY cluster_id, date_trunc('hour', sampled_at, 'UTC')
    ),
    rows AS (
      SELECT c.org_id, c.id AS cluster_id, c.name, 'DATA_IN_GB'::"UsageDimension" AS dimension, 'kafka.data-in' AS sku,
             h.hour, round(h.bytes_in / 1e9, 6) AS quantity
      FROM hourly h JOIN kafka_clusters c ON c.id = h.cluster_id
      UNION ALL
      SELECT c.org_id, c.id, c.name, 'DATA_OUT_GB'::"UsageDimension", 'kafka.data-out', h.hour, round(h.bytes_out / 1e9, 6)
      FROM hourly h JOIN kafka_clusters c ON c.id = h.cluster_id
    )
    INSERT INTO usage_records (id, org_id, resource_kind, resource_id, resource_name, dimension, sku, hour_start, quantity)
    SELECT gen_random_uuid(), org_id, 'KafkaCluster', cluster_id::text, name, dimension, sku, hour, quantity
    FROM rows
    WHERE quantity > 0
    ON CONFLICT (resource_id, dimension, sku, hour_start)
    DO UPDATE SET quantity = greatest(usage_records.quantity, EXCLUDED.quantity), resource_name = EXCLUDED.resource_name`;

  const orgs = await db.usageRecord.findMany({
    where: { hourStart: { gte: from, lt: to } },
    distinct: ["orgId"],
    select: { orgId: true },
  });
  return { from, to, intervalRecords, transferRecords, orgIds: orgs.map((o) => o.orgId) };
}
