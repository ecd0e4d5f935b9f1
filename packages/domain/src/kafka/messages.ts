// The message browser: bounded server-side scans with key/value/JSON-path filters, rendering
// that keeps bytes honest (JSON pretty-printed, text as text, anything else base64), export as
// JSON or CSV, and producing a message from the console.
import type { Db } from "@weir/db";
import { browseMessages, describeTopics, produceMessage, type RawRecord } from "@weir/runtime";
import { z } from "zod";
import { recordAudit } from "../audit/record.ts";
import type { OrgScope } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { requireRole } from "../roles.ts";
import { onKafka, scopedAdmin } from "./admin-client.ts";
import { BROWSE_LIMIT, BROWSE_SCAN } from "./message-rules.ts";
import { TOPIC_NAME_MAX } from "./topic-rules.ts";

export const browseMessagesInput = z.strictObject({
  clusterId: z.uuid(),
  name: z.string().min(1).max(TOPIC_NAME_MAX),
  partition: z.coerce.number().int().min(0).optional(),
  from: z.enum(["newest", "offset", "timestamp"]).default("newest"),
  offset: z.coerce.number().int().min(0).optional().describe("from=offset: the first offset to read"),
  timestamp: z.string().max(40).optional().describe("from=timestamp: epoch milliseconds or an ISO date-time"),
  limit: z.coerce.number().int().min(1).max(BROWSE_LIMIT.max).default(BROWSE_LIMIT.default),
  maxScan: z.coerce
    .number()
    .int()
    .min(1)
    .max(BROWSE_SCAN.max)
    .default(BROWSE_SCAN.default)
    .describe("Most records read, matching or not"),
  key: z.string().max(500).optional().describe("Keep records whose key contains this"),
  value: z.string().max(500).optional().describe("Keep records whose value contains this"),
  jsonPath: z
    .string()
    .max(200)
    .regex(/^\$?(\.?[A-Za-z0-9_-]+|\[\d+\])+$/, "Use a path such as $.user.id or $.items[0].sku")
    .optional(),
  jsonValue: z.string().max(500).optional().describe("With jsonPath: the value there must equal this"),
});
export const exportMessagesInput = browseMessagesInput.extend({ format: z.enum(["json", "csv"]).default("json") });
export const produceMessageInput = z.strictObject({
  clusterId: z.uuid(),
  name: z.string().min(1).max(TOPIC_NAME_MAX),
  partition: z.number().int().min(0).optional().describe("Left out: Kafka's default partitioner"),
  key: z.string().max(10_000).nullable().optional(),
  value: z.string().max(900_000).nullable(),
  encoding: z.enum(["text", "base64"]).default("text").describe("How key and value are written"),
  headers: z.record(z.string().max(200), z.string().max(10_000)).default({}),
});

export interface RenderedBytes {
  encoding: "json" | "text" | "base64" | "null";
  text: string | null;
  size: number;
}

export function renderBytes(b: Buffer | null): RenderedBytes {
  if (b === null) return { encoding: "null", text: null, size: 0 };
  const text = b.toString("utf8");
  // Valid UTF-8 without control bytes (other than tab, newline, carriage return) reads as text.
  const isText =
    Buffer.from(text, "utf8").equals(b) && !b.some((c) => c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d);
  if (!isText) return { encoding: "base64", text: b.toString("base64"), size: b.length };
  const trimmed = text.trim();
  if ((trimmed.startsWith("{") || trimmed.startsWith("[")) && trimmed.length > 1) {
    try {
      return { encoding: "json", text: JSON.stringify(JSON.parse(trimmed), null, 2), size: b.length };
    } catch {
      // not JSON after all
    }
  }
  return { encoding: "text", text, size: b.length };
}

/** The value at a path like $.a.b[0].c, or undefined. */
export function atJsonPath(doc: unknown, path: string): unknown {
  const steps = path
    .replace(/^\$/, "")
    .split(/\.|(?=\[)/)
    .filter(Boolean);
  let cur: unknown = doc;
  for (const s of steps) {
    if (cur === null || typeof cur !== "object") return undefined;
    const idx = /^\[(\d+)\]$/.exec(s);
    cur = idx ? (Array.isArray(cur) ? cur[Number(idx[1])] : undefined) : (cur as Record<string, unknown>)[s];
  }
  return cur;
}

export function recordFilter(input: {
  key?: string;
  value?: string;
  jsonPath?: string;
  jsonValue?: string;
}): ((r: RawRecord) => boolean) | undefined {
  const { key, value, jsonPath, jsonValue } = input;
  if (!key && !value && !jsonPath) return undefined;
  return (r) => {
    if (key && !(r.key?.toString("utf8") ?? "").includes(key)) return false;
    if (value && !(r.value?.toString("utf8") ?? "").includes(value)) return false;
    if (jsonPath) {
      let doc: unknown;
      try {
        doc = JSON.parse(r.value?.toString("utf8") ?? "");
      } catch {
        return false;
      }
      const at = atJsonPath(doc, jsonPath);
      if (at === undefined) return false;
      if (jsonValue !== undefined && (typeof at === "string" ? at : JSON.stringify(at)) !== jsonValue) return false;
    }
    return true;
  };
}

function messageView(r: RawRecord) {
  return {
    partition: r.partition,
    offset: r.offset.toString(),
    timestamp: new Date(Number(r.timestamp)),
    key: renderBytes(r.key),
    value: renderBytes(r.value),
    headers: r.headers.map(([k, v]) => ({ key: k, value: renderBytes(v) })),
  };
}

type MessageView = ReturnType<typeof messageView>;

const csvCell = (v: string | number | null) => {
  const s = v === null ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function messagesToCsv(messages: MessageView[]): string {
  const rows = [["partition", "offset", "timestamp", "key", "value", "headers"].join(",")];
  for (const m of messages) {
    rows.push(
      [
        m.partition,
        m.offset,
        m.timestamp.toISOString(),
        m.key.text,
        m.value.encoding === "json" ? JSON.stringify(JSON.parse(m.value.text!)) : m.value.text,
        JSON.stringify(Object.fromEntries(m.headers.map((h) => [h.key, h.value.text]))),
      ]
        .map(csvCell)
        .join(","),
    );
  }
  return rows.join("\n") + "\n";
}

export function messagesService(db: Db) {
  async function browse(scope: OrgScope, input: z.infer<typeof browseMessagesInput>) {
    const { cluster, admin } = await scopedAdmin(db, scope, input.clusterId);
    let start: { from: "newest" } | { from: "offset"; offset: bigint } | { from: "timestamp"; timestamp: bigint } = {
      from: "newest",
    };
    if (input.from === "offset") {
      if (input.offset === undefined) throw invalid("offset", "Give the offset to start from.");
      start = { from: "offset", offset: BigInt(input.offset) };
    } else if (input.from === "timestamp") {
      const raw = input.timestamp;
      const ms = raw === undefined ? NaN : /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
      if (Number.isNaN(ms)) throw invalid("timestamp", "Give epoch milliseconds or an ISO date-time.");
      start = { from: "timestamp", timestamp: BigInt(ms) };
    }
    if (input.jsonValue !== undefined && !input.jsonPath) {
      throw invalid("jsonValue", "jsonValue needs a jsonPath to compare at.");
    }
    const result = await onKafka(cluster, async () => {
      const t = (await describeTopics(admin, [input.name])).get(input.name);
      if (!t) throw notFound("Topic");
      if (input.partition !== undefined && input.partition >= t.partitions.length) {
        throw invalid("partition", `The topic has ${t.partitions.length} partitions (0-${t.partitions.length - 1}).`);
      }
      return browseMessages(admin, {
        topic: input.name,
        partition: input.partition,
        start,
        maxScan: input.maxScan,
        limit: input.limit,
        filter: recordFilter(input),
      });
    });
    return {
      messages: result.records.map(messageView),
      scanned: result.scanned,
      returned: result.records.length,
      truncated: result.truncated,
      ranges: result.ranges.map((r) => ({
        partition: r.partition,
        from: r.from.toString(),
        to: r.to.toString(),
        earliest: r.earliest.toString(),
        latest: r.latest.toString(),
      })),
    };
  }

  return {
    browse,

    async export(scope: OrgScope, input: z.infer<typeof exportMessagesInput>) {
      const res = await browse(scope, input);
      const base = `${input.name}-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      if (input.format === "csv") {
        return { filename: `${base}.csv`, contentType: "text/csv", content: messagesToCsv(res.messages) };
      }
      return {
        filename: `${base}.json`,
        contentType: "application/json",
        content: JSON.stringify(res.messages, null, 2),
      };
    },

    async produce(scope: OrgScope, input: z.infer<typeof produceMessageInput>) {
      requireRole(scope.role, "DEVELOPER", "produce messages");
      const { cluster, admin } = await scopedAdmin(db, scope, input.clusterId);
      const decode = (s: string | null | undefined, field: string) => {
        if (s === null || s === undefined) return null;
        if (input.encoding === "text") return Buffer.from(s, "utf8");
        if (!/^[A-Za-z0-9+/=_-]*$/.test(s)) throw invalid(field, "Is not base64");
        return Buffer.from(s, "base64");
      };
      const key = decode(input.key, "key");
      const value = decode(input.value, "value");
      const at = await onKafka(cluster, async () => {
        const t = (await describeTopics(admin, [input.name])).get(input.name);
        if (!t) throw notFound("Topic");
        if (input.partition !== undefined && input.partition >= t.partitions.length) {
          throw invalid("partition", `The topic has ${t.partitions.length} partitions (0-${t.partitions.length - 1}).`);
        }
        return produceMessage(admin, {
          topic: input.name,
          partition: input.partition,
          key,
          value,
          headers: input.headers,
        });
      });
      await recordAudit(db, scope, {
        action: "topic.produce",
        resourceType: "topic",
        resourceName: input.name,
        details: {
          clusterId: cluster.id,
          partition: at.partition,
          offset: at.offset.toString(),
          bytes: value?.length ?? 0,
        },
      });
      return { partition: at.partition, offset: at.offset.toString() };
    },
  };
}
