// Pure helpers of the connector forms: the guided Postgres CDC form turned into a connector's
// config and secrets, the topics it will write, and key=value lines parsed. Unit-tested.
import { parsePostgresUrl } from "@weir/domain/rules";

export const SNAPSHOT_MODES = [
  { value: "initial", label: "initial: the tables' rows first, then every change" },
  { value: "no_data", label: "no_data: changes from now on only" },
  { value: "initial_only", label: "initial_only: the tables' rows, then stop" },
  { value: "when_needed", label: "when_needed: a snapshot when no offset is kept" },
] as const;

const splitTables = (tables: string) =>
  tables
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => (t.includes(".") ? t : `public.${t}`));

/** Debezium names a table's topic <prefix>.<schema>.<table>. */
export function cdcTopics(prefix: string, tables: string): string[] {
  if (!prefix) return [];
  return splitTables(tables).map((t) => `${prefix}.${t}`);
}

export interface CdcForm {
  name: string;
  url: string;
  /** Typed apart from the URL (a password field); one in the URL is taken when this is empty. */
  password?: string;
  tables: string;
  snapshotMode: string;
  topicPrefix: string;
}

/** The create body of a Postgres CDC connector, or the form field that is wrong. */
export function cdcConnector(f: CdcForm):
  | {
      name: string;
      plugin: "debezium-postgres";
      config: Record<string, string>;
      secrets: Record<string, string>;
    }
  | { field: string; error: string } {
  const db = parsePostgresUrl(f.url);
  if ("error" in db) return { field: "url", error: db.error };
  const password = f.password || db.password;
  const tables = splitTables(f.tables);
  if (tables.length === 0) return { field: "tables", error: "Name at least one table" };
  const slot = `weir_${f.name.replace(/[^a-z0-9]/gi, "_").toLowerCase()}`.slice(0, 63);
  return {
    name: f.name,
    plugin: "debezium-postgres",
    config: {
      "database.hostname": db.host,
      "database.port": db.port,
      "database.user": db.user,
      "database.dbname": db.database,
      "topic.prefix": f.topicPrefix,
      "table.include.list": tables.join(","),
      "snapshot.mode": f.snapshotMode,
      "plugin.name": "pgoutput",
      "slot.name": slot,
      "publication.name": slot,
      "publication.autocreate.mode": "filtered",
      // Brokers do not create topics on first use: Connect creates each table's topic (with the
      // connector's own user, which may CREATE under its prefix) at the cluster's defaults.
      "topic.creation.default.replication.factor": "-1",
      "topic.creation.default.partitions": "-1",
      // The change events alone, without their schema in every message (readable in the browser).
      "key.converter": "org.apache.kafka.connect.json.JsonConverter",
      "key.converter.schemas.enable": "false",
      "value.converter": "org.apache.kafka.connect.json.JsonConverter",
      "value.converter.schemas.enable": "false",
    },
    secrets: password ? { "database.password": password } : {},
  };
}

/** key=value lines (blank lines and # comments ignored). */
export function parseKeyValues(text: string): { values: Record<string, string> } | { error: string } {
  const values: Record<string, string> = {};
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const at = line.indexOf("=");
    if (at <= 0) return { error: `Line ${i + 1} is not key=value` };
    values[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return { values };
}
