// Spark DDL schemas ("product STRING, amount DOUBLE, ts TIMESTAMP"): a parser that refuses
// garbage with a message naming the problem and where it is, a formatter, and the inference of
// a schema from sampled JSON values. Pure (no zod, no Node) so the console can check a schema
// as it is typed, through `@weir/domain/rules`.

export type SparkType =
  | { kind: "primitive"; name: string }
  | { kind: "decimal"; precision: number; scale: number }
  | { kind: "array"; element: SparkType }
  | { kind: "map"; key: SparkType; value: SparkType }
  | { kind: "struct"; fields: SparkField[] };

export interface SparkField {
  name: string;
  type: SparkType;
}

export type SchemaParse = { ok: true; fields: SparkField[] } | { ok: false; error: string };

/** Spark's primitive type names and their aliases, as the DDL parser accepts them. */
const PRIMITIVES: Record<string, string> = {
  STRING: "STRING",
  BOOLEAN: "BOOLEAN",
  BYTE: "TINYINT",
  TINYINT: "TINYINT",
  SHORT: "SMALLINT",
  SMALLINT: "SMALLINT",
  INT: "INT",
  INTEGER: "INT",
  LONG: "BIGINT",
  BIGINT: "BIGINT",
  FLOAT: "FLOAT",
  REAL: "FLOAT",
  DOUBLE: "DOUBLE",
  DATE: "DATE",
  TIMESTAMP: "TIMESTAMP",
  TIMESTAMP_LTZ: "TIMESTAMP",
  TIMESTAMP_NTZ: "TIMESTAMP_NTZ",
  BINARY: "BINARY",
  VARIANT: "VARIANT",
};
const SIZED = new Set(["VARCHAR", "CHAR"]);
const DECIMALS = new Set(["DECIMAL", "DEC", "NUMERIC"]);
const DECIMAL_MAX_PRECISION = 38;

type Token = { kind: "word" | "quoted" | "number" | "string" | "punct"; text: string; at: number };

function tokenize(text: string): Token[] | string {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i]!)) i++;
      out.push({ kind: "word", text: text.slice(at, i), at });
    } else if (/[0-9]/.test(c)) {
      while (i < text.length && /[0-9]/.test(text[i]!)) i++;
      if (i < text.length && /[A-Za-z_]/.test(text[i]!)) {
        while (i < text.length && /[A-Za-z0-9_]/.test(text[i]!)) i++;
        out.push({ kind: "word", text: text.slice(at, i), at });
      } else out.push({ kind: "number", text: text.slice(at, i), at });
    } else if (c === "`") {
      let name = "";
      i++;
      for (;;) {
        if (i >= text.length) return `An opening backquote at character ${at + 1} is never closed`;
        if (text[i] === "`") {
          if (text[i + 1] === "`") {
            name += "`";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        name += text[i];
        i++;
      }
      if (!name) return `An empty quoted name at character ${at + 1}`;
      out.push({ kind: "quoted", text: name, at });
    } else if (c === "'" || c === '"') {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === "\\" ? 2 : 1;
      if (i >= text.length) return `A string opened at character ${at + 1} is never closed`;
      i++;
      out.push({ kind: "string", text: text.slice(at, i), at });
    } else if ("<>(),:".includes(c)) {
      out.push({ kind: "punct", text: c, at });
      i++;
    } else {
      return `Unexpected "${c}" at character ${at + 1}`;
    }
  }
  return out;
}

class DdlError extends Error {}

/** Parses a Spark DDL column list; the error names the problem and the character it is at. */
export function parseSparkSchema(text: string): SchemaParse {
  const tokens = tokenize(text);
  if (typeof tokens === "string") return { ok: false, error: tokens };
  let pos = 0;
  const where = (t: Token | undefined) => (t ? `at character ${t.at + 1} ("${t.text}")` : "at the end");
  const fail = (what: string): never => {
    throw new DdlError(`${what} ${where(tokens[pos])}`);
  };
  const peek = () => tokens[pos];
  const isPunct = (p: string) => peek()?.kind === "punct" && peek()!.text === p;
  const expect = (p: string, what: string) => {
    if (!isPunct(p)) fail(`Expected ${what}`);
    pos++;
  };
  const isWord = (w: string) => peek()?.kind === "word" && peek()!.text.toUpperCase() === w;

  function name(what: string): string {
    const t = peek();
    if (!t || (t.kind !== "word" && t.kind !== "quoted")) return fail(`Expected ${what}`);
    pos++;
    return t.text;
  }

  function integer(what: string): number {
    const t = peek();
    if (t?.kind !== "number") return fail(`Expected ${what}`);
    pos++;
    return Number(t.text);
  }

  function type(column: string): SparkType {
    const t = peek();
    if (!t || t.kind !== "word") return fail(`Expected a type for "${column}"`);
    const word = t.text.toUpperCase();
    pos++;
    if (word === "ARRAY") {
      expect("<", "< after ARRAY");
      const element = type(`${column}'s elements`);
      expect(">", "> closing ARRAY<");
      return { kind: "array", element };
    }
    if (word === "MAP") {
      expect("<", "< after MAP");
      const key = type(`${column}'s keys`);
      expect(",", "a comma between MAP's key and value types");
      const value = type(`${column}'s values`);
      expect(">", "> closing MAP<");
      return { kind: "map", key, value };
    }
    if (word === "STRUCT") {
      expect("<", "< after STRUCT");
      const fields: SparkField[] = [];
      if (!isPunct(">")) {
        for (;;) {
          const n = name(`a field name in ${column}'s STRUCT`);
          if (isPunct(":")) pos++;
          fields.push({ name: n, type: type(`${column}.${n}`) });
          modifiers();
          if (isPunct(",")) {
            pos++;
            continue;
          }
          break;
        }
      }
      expect(">", `> or a comma in ${column}'s STRUCT`);
      const dup = duplicate(fields);
      if (dup) throw new DdlError(`${column}'s STRUCT has the field "${dup}" twice`);
      return { kind: "struct", fields };
    }
    if (DECIMALS.has(word)) {
      let precision = 10;
      let scale = 0;
      if (isPunct("(")) {
        pos++;
        precision = integer(`a precision in ${word}(`);
        if (isPunct(",")) {
          pos++;
          scale = integer(`a scale in ${word}(p,`);
        }
        expect(")", `) closing ${word}(`);
      }
      if (precision < 1 || precision > DECIMAL_MAX_PRECISION) {
        throw new DdlError(`${column}: DECIMAL precision must be 1 to ${DECIMAL_MAX_PRECISION}, not ${precision}`);
      }
      if (scale > precision) {
        throw new DdlError(`${column}: DECIMAL scale ${scale} is larger than its precision ${precision}`);
      }
      return { kind: "decimal", precision, scale };
    }
    if (SIZED.has(word)) {
      expect("(", `a length, as in ${word}(20)`);
      const n = integer(`a length in ${word}(`);
      expect(")", `) closing ${word}(`);
      if (n < 1) throw new DdlError(`${column}: ${word} length must be at least 1`);
      return { kind: "primitive", name: `${word}(${n})` };
    }
    const primitive = PRIMITIVES[word];
    if (!primitive) {
      pos--;
      return fail(`Unknown type for "${column}"`);
    }
    return { kind: "primitive", name: primitive };
  }

  /** NOT NULL and COMMENT '…' may follow a column's type. */
  function modifiers() {
    for (;;) {
      if (isWord("NOT")) {
        pos++;
        if (!isWord("NULL")) fail("Expected NULL after NOT");
        pos++;
      } else if (isWord("COMMENT")) {
        pos++;
        if (peek()?.kind !== "string") fail("Expected a quoted comment after COMMENT");
        pos++;
      } else return;
    }
  }

  try {
    if (tokens.length === 0) return { ok: false, error: "The schema is empty; declare at least one column" };
    const fields: SparkField[] = [];
    for (;;) {
      const n = name("a column name");
      if (isPunct(":")) pos++;
      fields.push({ name: n, type: type(n) });
      modifiers();
      if (pos >= tokens.length) break;
      expect(",", "a comma between columns");
    }
    const dup = duplicate(fields);
    if (dup) return { ok: false, error: `The column "${dup}" is declared twice` };
    return { ok: true, fields };
  } catch (e) {
    if (e instanceof DdlError) return { ok: false, error: e.message };
    throw e;
  }
}

function duplicate(fields: SparkField[]): string | undefined {
  const seen = new Set<string>();
  for (const f of fields) {
    const k = f.name.toLowerCase();
    if (seen.has(k)) return f.name;
    seen.add(k);
  }
  return undefined;
}

const quoteName = (n: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(n) ? n : `\`${n.replace(/`/g, "``")}\``);

export function formatSparkType(t: SparkType): string {
  switch (t.kind) {
    case "primitive":
      return t.name;
    case "decimal":
      return `DECIMAL(${t.precision},${t.scale})`;
    case "array":
      return `ARRAY<${formatSparkType(t.element)}>`;
    case "map":
      return `MAP<${formatSparkType(t.key)}, ${formatSparkType(t.value)}>`;
    case "struct":
      return `STRUCT<${t.fields.map((f) => `${quoteName(f.name)}: ${formatSparkType(f.type)}`).join(", ")}>`;
  }
}

/** The DDL text of a column list, e.g. "product STRING, amount DOUBLE". */
export const formatSparkSchema = (fields: SparkField[]) =>
  fields.map((f) => `${quoteName(f.name)} ${formatSparkType(f.type)}`).join(", ");

/** A top-level column of a parsed schema, by Spark's case-insensitive name resolution. */
export const schemaColumn = (fields: SparkField[], name: string) =>
  fields.find((f) => f.name.toLowerCase() === name.toLowerCase());

export const isTimestampType = (t: SparkType) =>
  t.kind === "primitive" && (t.name === "TIMESTAMP" || t.name === "TIMESTAMP_NTZ");

// ---------------------------------------------------------------- inference from JSON values

/** What a JSON value looks like while samples are merged; `null` has no type yet. */
type Inferred =
  | { kind: "null" }
  | { kind: "primitive"; name: "STRING" | "BIGINT" | "DOUBLE" | "BOOLEAN" | "TIMESTAMP" }
  | { kind: "array"; element: Inferred }
  | { kind: "struct"; fields: Map<string, Inferred> };

/** ISO-8601 date-times as Spark's JSON reader takes them for a TIMESTAMP column. */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

function inferValue(v: unknown): Inferred {
  if (v === null || v === undefined) return { kind: "null" };
  if (typeof v === "boolean") return { kind: "primitive", name: "BOOLEAN" };
  if (typeof v === "number") return { kind: "primitive", name: Number.isInteger(v) ? "BIGINT" : "DOUBLE" };
  if (typeof v === "string") {
    return { kind: "primitive", name: ISO_TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v)) ? "TIMESTAMP" : "STRING" };
  }
  if (Array.isArray(v)) return { kind: "array", element: v.map(inferValue).reduce(merge, { kind: "null" }) };
  const fields = new Map<string, Inferred>();
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) fields.set(k, inferValue(x));
  return { kind: "struct", fields };
}

/** The type both values fit, as Spark's own JSON inference widens: numbers to DOUBLE, conflicts to STRING. */
function merge(a: Inferred, b: Inferred): Inferred {
  if (a.kind === "null") return b;
  if (b.kind === "null") return a;
  if (a.kind === "primitive" && b.kind === "primitive") {
    if (a.name === b.name) return a;
    const numbers = new Set(["BIGINT", "DOUBLE"]);
    if (numbers.has(a.name) && numbers.has(b.name)) return { kind: "primitive", name: "DOUBLE" };
    return { kind: "primitive", name: "STRING" };
  }
  if (a.kind === "array" && b.kind === "array") return { kind: "array", element: merge(a.element, b.element) };
  if (a.kind === "struct" && b.kind === "struct") {
    const fields = new Map(a.fields);
    for (const [k, t] of b.fields) fields.set(k, merge(fields.get(k) ?? { kind: "null" }, t));
    return { kind: "struct", fields };
  }
  return { kind: "primitive", name: "STRING" };
}

function toSparkType(t: Inferred): SparkType {
  switch (t.kind) {
    case "null":
      return { kind: "primitive", name: "STRING" };
    case "primitive":
      return { kind: "primitive", name: t.name };
    case "array":
      return { kind: "array", element: toSparkType(t.element) };
    case "struct":
      return { kind: "struct", fields: [...t.fields].map(([name, f]) => ({ name, type: toSparkType(f) })) };
  }
}

/**
 * A schema every sampled value fits: the union of their fields in order of first appearance;
 * whole numbers BIGINT, others DOUBLE, ISO-8601 date-times TIMESTAMP, nested objects STRUCT,
 * lists ARRAY, a field only ever null STRING. Each value must be a JSON object (a row).
 */
export function inferSparkSchema(values: unknown[]): SparkField[] {
  let row: Inferred = { kind: "null" };
  for (const v of values) {
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      throw new TypeError("Every value must be a JSON object");
    }
    row = merge(row, inferValue(v));
  }
  return row.kind === "struct" ? (toSparkType(row) as Extract<SparkType, { kind: "struct" }>).fields : [];
}
