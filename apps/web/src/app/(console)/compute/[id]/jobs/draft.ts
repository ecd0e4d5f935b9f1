// What the SQL workspace hands to the new-job form ("Save as streaming job"): the Kafka cluster,
// the topics with their view names and schemas, and the SQL. It travels in sessionStorage under
// a key named in the URL, so a long SQL text never ends up in the address bar or the server's logs.
import { IDENTIFIER_PATTERN } from "@weir/domain/rules";

export interface JobDraft {
  kind: "streaming-sql";
  kafkaClusterId: string;
  sources: string[];
  view: string;
  schema: string;
  sql: string;
}

const PREFIX = "weir.job-draft.";

/**
 * A view name for a topic: letters, digits and _ only, not starting with a digit, lowercase
 * ("orders.v2-eu" → "orders_v2_eu", "2024-sales" → "t_2024_sales").
 */
export function viewNameFor(topic: string): string {
  let name = topic
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .replace(/_{2,}/g, "_");
  if (!name) name = "topic";
  if (/^[0-9]/.test(name)) name = `t_${name}`;
  name = name.slice(0, 128);
  return IDENTIFIER_PATTERN.test(name) ? name : "topic";
}

/** Keeps the draft for the next page; returns the key to put in the URL. */
export function saveDraft(draft: JobDraft, storage: Pick<Storage, "setItem"> = sessionStorage): string {
  const key = Math.random().toString(36).slice(2, 10);
  storage.setItem(PREFIX + key, JSON.stringify(draft));
  return key;
}

/** The draft saved under `key`, or null when there is none (another tab, an expired session). */
export function loadDraft(key: string, storage: Pick<Storage, "getItem"> = sessionStorage): JobDraft | null {
  const raw = storage.getItem(PREFIX + key);
  if (!raw) return null;
  try {
    const d = JSON.parse(raw) as Partial<JobDraft>;
    if (d.kind !== "streaming-sql" || typeof d.sql !== "string" || !Array.isArray(d.sources)) return null;
    return {
      kind: "streaming-sql",
      kafkaClusterId: typeof d.kafkaClusterId === "string" ? d.kafkaClusterId : "",
      sources: d.sources.filter((s): s is string => typeof s === "string"),
      view: typeof d.view === "string" ? d.view : "",
      schema: typeof d.schema === "string" ? d.schema : "",
      sql: d.sql,
    };
  } catch {
    return null;
  }
}

/**
 * A streaming job reads its sources as one view; the workspace registered each topic under its
 * own view name. With one topic the names can be kept; with several, each view name in the SQL
 * is swapped for the job's view (the topics must then share a schema, which the form says).
 */
export function draftFromWorkspace(
  kafkaClusterId: string,
  views: ReadonlyArray<{ topic: string; view: string; schema: string }>,
  sql: string,
): JobDraft {
  const first = views[0];
  const view = first?.view || "events";
  let text = sql;
  for (const v of views.slice(1)) {
    if (v.view && v.view !== view) text = text.replace(new RegExp(`\\b${v.view}\\b`, "g"), view);
  }
  return {
    kind: "streaming-sql",
    kafkaClusterId,
    sources: views.map((v) => v.topic),
    view,
    schema: views.find((v) => v.schema.trim())?.schema.trim() ?? "",
    sql: text,
  };
}
