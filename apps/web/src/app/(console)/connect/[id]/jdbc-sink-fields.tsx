"use client";
import { DEFAULT_SINK_TABLE_FORMAT, parsePostgresUrl, sinkTables, type JdbcSinkForm } from "@weir/domain/rules";
import { TextField } from "@weir/ui";

export type JdbcSinkFieldsValue = Omit<JdbcSinkForm, "name">;

export const EMPTY_JDBC_SINK: JdbcSinkFieldsValue = {
  topics: "",
  url: "",
  password: "",
  tableFormat: DEFAULT_SINK_TABLE_FORMAT,
  upsert: true,
  autoCreate: true,
};

/** The server's field names for what this form shows (Connect's and Weir's objections land here). */
export const JDBC_SINK_FIELDS = [
  "config.topics",
  "config.connection.url",
  "config.connection.username",
  "config.collection.name.format",
  "config.insert.mode",
  "config.primary.key.mode",
  "secrets.connection.password",
];

/**
 * The guided JDBC sink: topics into PostgreSQL tables, upsert by the record key, tables created
 * when missing, and a preview of what it reads and writes.
 */
export function JdbcSinkFields({
  name,
  value: v,
  onChange,
  errors,
}: {
  name: string;
  value: JdbcSinkFieldsValue;
  onChange: (v: JdbcSinkFieldsValue) => void;
  errors: Record<string, string | undefined>;
}) {
  const set = (patch: Partial<JdbcSinkFieldsValue>) => onChange({ ...v, ...patch });
  const tables = sinkTables(v.tableFormat, v.topics);
  const db = parsePostgresUrl(v.url);
  const where = "error" in db ? "the database" : `${db.database} on ${db.host}:${db.port} as ${db.user}`;
  return (
    <>
      <TextField
        label="Topics"
        name="topics"
        value={v.topics}
        onChange={(e) => set({ topics: e.target.value })}
        placeholder="orders, refunds"
        error={errors.topics ?? errors["config.topics"]}
        hint="Comma-separated topics of this Kafka cluster. Records are JSON with a schema and a payload (Connect's JsonConverter), keyed when upserting."
      />
      <TextField
        label="Database URL"
        name="url"
        value={v.url}
        onChange={(e) => set({ url: e.target.value })}
        placeholder="postgresql://writer@127.0.0.1:5432/shop"
        error={errors.url ?? errors["config.connection.url"] ?? errors["config.connection.username"]}
        hint="The user needs INSERT and UPDATE on the tables, and CREATE on the schema to create them."
      />
      <TextField
        label="Database password"
        name="password"
        type="password"
        autoComplete="off"
        value={v.password}
        onChange={(e) => set({ password: e.target.value })}
        error={errors["secrets.connection.password"]}
        hint="Kept encrypted; never shown again, not even to Connect's own REST API."
      />
      <TextField
        label="Table name format"
        name="tableFormat"
        value={v.tableFormat}
        onChange={(e) => set({ tableFormat: e.target.value })}
        placeholder={DEFAULT_SINK_TABLE_FORMAT}
        error={errors.tableFormat ?? errors["config.collection.name.format"]}
        hint="${topic} is the topic's name, its dots as '_'; schema.table puts it in another schema."
      />
      <div className="flex flex-col gap-2 text-sm text-slate-700">
        <label className="flex items-start gap-2">
          <input
            type="checkbox"
            name="upsert"
            checked={v.upsert}
            onChange={(e) => set({ upsert: e.target.checked })}
            className="mt-0.5"
          />
          <span>
            Upsert by key
            <span className="block text-xs text-slate-500">
              The record key is the primary key: a later record for the same key replaces its row. Off: every record is
              a new row.
            </span>
          </span>
        </label>
        <label className="flex items-start gap-2">
          <input
            type="checkbox"
            name="autoCreate"
            checked={v.autoCreate}
            onChange={(e) => set({ autoCreate: e.target.checked })}
            className="mt-0.5"
          />
          <span>
            Create the table
            <span className="block text-xs text-slate-500">
              A missing table is created from the records&rsquo; schema, and new fields become new columns.
            </span>
          </span>
        </label>
      </div>
      <div className="rounded-md bg-slate-50 px-3 py-2 text-sm" data-testid="sink-preview">
        <p className="font-medium text-slate-700">What it reads and writes</p>
        {tables.length === 0 ? (
          <p className="text-slate-500">Name the topics to see the tables.</p>
        ) : (
          <>
            <ul className="mt-1 font-mono text-xs text-slate-700">
              {tables.map((t) => (
                <li key={t.topic}>
                  {t.topic} → {t.table}
                </li>
              ))}
            </ul>
            <p className="mt-1 text-xs text-slate-500">
              Reads as the group <code className="font-mono">connect-{name || "<name>"}</code> with a Kafka user of its
              own that may read only these topics; writes into {where}
              {v.upsert ? ", one row per record key" : ", one row per record"}
              {v.autoCreate ? ", creating missing tables" : " (the tables must exist)"}.
            </p>
          </>
        )}
      </div>
    </>
  );
}
