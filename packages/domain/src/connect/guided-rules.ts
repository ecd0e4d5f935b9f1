// The guided connector forms as pure functions the console and the tests share
// (`@weir/domain/rules`): a PostgreSQL URL taken apart, and the JDBC sink form turned into
// Debezium's config, its secrets, and a preview of what it reads and writes. No I/O, no imports.

export interface PostgresTarget {
  host: string;
  port: string;
  database: string;
  user: string;
  /** The password written in the URL, if any (a password field wins over it). */
  password: string;
}

/** postgresql://user[:password]@host[:port]/database (a jdbc: prefix is accepted), or what is wrong. */
export function parsePostgresUrl(text: string): PostgresTarget | { error: string } {
  let u: URL;
  try {
    u = new URL(text.trim().replace(/^jdbc:/, ""));
  } catch {
    return { error: "Use postgresql://user:password@host:5432/database" };
  }
  if (!/^postgres(ql)?:$/.test(u.protocol)) return { error: "Must start with postgresql://" };
  const database = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (!u.hostname || !database) {
    return { error: "Name the host and the database: postgresql://user:password@host:5432/database" };
  }
  if (!u.username) return { error: "Name the user: postgresql://user:password@host:5432/database" };
  return {
    host: u.hostname,
    port: u.port || "5432",
    database,
    user: decodeURIComponent(u.username),
    password: u.password ? decodeURIComponent(u.password) : "",
  };
}

/** Debezium's JDBC sink names a topic's table by its collection.name.format, dots in the topic as '_'. */
export const DEFAULT_SINK_TABLE_FORMAT = "${topic}";

export const sinkTopicList = (topics: string) =>
  topics
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);

/** The table each topic is written to (DefaultCollectionNamingStrategy of Debezium 3.6). */
export function sinkTables(format: string, topics: string): { topic: string; table: string }[] {
  const f = format.trim() || DEFAULT_SINK_TABLE_FORMAT;
  return sinkTopicList(topics).map((topic) => ({ topic, table: f.replaceAll("${topic}", topic.replaceAll(".", "_")) }));
}

export interface JdbcSinkForm {
  name: string;
  /** Comma-separated topics; each must exist on the Kafka cluster. */
  topics: string;
  url: string;
  /** Typed apart from the URL (a password field); one in the URL is taken when this is empty. */
  password?: string;
  /** Where each topic goes: ${topic} is the topic's name (dots become '_'). */
  tableFormat: string;
  /** Upsert by the record's key (one row per key, a later record replaces it) instead of plain inserts. */
  upsert: boolean;
  /** Create a missing table, and add columns the records bring (Debezium's schema.evolution=basic). */
  autoCreate: boolean;
}

export interface GuidedConnector {
  name: string;
  plugin: "debezium-postgres" | "debezium-jdbc";
  config: Record<string, string>;
  secrets: Record<string, string>;
}

/** The create body of a JDBC sink into PostgreSQL, or the form field that is wrong. */
export function jdbcSinkConnector(f: JdbcSinkForm): GuidedConnector | { field: string; error: string } {
  const topics = sinkTopicList(f.topics);
  if (topics.length === 0) return { field: "topics", error: "Name at least one topic" };
  const db = parsePostgresUrl(f.url);
  if ("error" in db) return { field: "url", error: db.error };
  const format = f.tableFormat.trim() || DEFAULT_SINK_TABLE_FORMAT;
  if (!format.includes("${topic}") && topics.length > 1) {
    return { field: "tableFormat", error: "Several topics into one table: put ${topic} in the name" };
  }
  const password = f.password || db.password;
  return {
    name: f.name,
    plugin: "debezium-jdbc",
    config: {
      topics: topics.join(","),
      "connection.url": `jdbc:postgresql://${db.host}:${db.port}/${encodeURIComponent(db.database)}`,
      "connection.username": db.user,
      "collection.name.format": format,
      "insert.mode": f.upsert ? "upsert" : "insert",
      "primary.key.mode": f.upsert ? "record_key" : "none",
      "schema.evolution": f.autoCreate ? "basic" : "none",
      "tasks.max": "1",
      // The sink needs each record's schema to know the columns: JSON with schema and payload.
      "key.converter": "org.apache.kafka.connect.json.JsonConverter",
      "key.converter.schemas.enable": "true",
      "value.converter": "org.apache.kafka.connect.json.JsonConverter",
      "value.converter.schemas.enable": "true",
    },
    secrets: password ? { "connection.password": password } : {},
  };
}
