// "Replicate from another Weir cluster" (MirrorMaker 2) as pure rules the console and the domain
// share (`@weir/domain/rules`): the regexes a user gives, and which Kafka ACL patterns cover the
// topics or groups a regex can match. No I/O, no imports.

/** Weir's user on the source cluster of a replication: read-only there. */
export const mirrorKafkaUsername = (connectorId: string) => `weir-mirror-${connectorId.slice(0, 8)}`;

/** What the form says about the replication policy (IdentityReplicationPolicy). */
export const REPLICATION_POLICY_NOTE =
  "Topics keep their names on this cluster (orders is copied to orders): consumers move over without renaming anything. Topics that already exist here with the same name receive the copies.";

/**
 * Why a topics or groups regex cannot be used, or null. MirrorMaker 2 matches the whole name with
 * a Java regex and splits its setting on commas, so one regex, alternatives joined with |.
 */
export function mirrorRegexProblem(regex: string): string | null {
  if (regex.trim() === "") return "Give a regex, for example orders.* or .* for every topic";
  if (regex !== regex.trim()) return "No spaces around the regex";
  if (regex.includes(",")) return "MirrorMaker 2 splits this setting on commas: join alternatives with |";
  if (regex.length > 1000) return "At most 1,000 characters";
  try {
    new RegExp(`^(?:${regex})$`);
  } catch (e) {
    return `Not a valid regex: ${(e as Error).message.replace(/^Invalid regular expression: /, "")}`;
  }
  return null;
}

export interface NamePattern {
  /** A name, a prefix, or "*" for every resource. */
  name: string;
  patternType: "LITERAL" | "PREFIXED";
}

const ANY: NamePattern = { name: "*", patternType: "LITERAL" };
/** Characters a Kafka topic or group name keeps as themselves in a regex. */
const PLAIN = /[A-Za-z0-9_-]/;
const ESCAPABLE = /[.\-_]/;

/** Splits a regex on its top-level |, or null when it holds something this reading does not follow. */
function alternatives(regex: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cls = false;
  let cur = "";
  for (let i = 0; i < regex.length; i++) {
    const ch = regex[i]!;
    if (ch === "\\") {
      cur += ch + (regex[i + 1] ?? "");
      i++;
      continue;
    }
    if (cls) {
      if (ch === "]") cls = false;
    } else if (ch === "[") cls = true;
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "|" && depth === 0) {
      out.push(cur);
      cur = "";
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

/** The pattern covering every name one alternative matches: itself when literal, its literal prefix, or every name. */
function patternOf(alt: string): NamePattern {
  const a = alt.replace(/^\^/, "").replace(/(?<!\\)\$$/, "");
  let literal = "";
  let i = 0;
  for (; i < a.length; i++) {
    const ch = a[i]!;
    if (PLAIN.test(ch)) literal += ch;
    else if (ch === "\\" && ESCAPABLE.test(a[i + 1] ?? "")) {
      literal += a[i + 1];
      i++;
    } else break;
  }
  if (i === a.length) return literal ? { name: literal, patternType: "LITERAL" } : ANY;
  // A quantifier that may drop the last literal character ("orders?", "a*", "x{0,2}") takes it off the prefix.
  const next = a[i]!;
  const prefix = next === "?" || next === "*" || next === "{" ? literal.slice(0, -1) : literal;
  return prefix ? { name: prefix, patternType: "PREFIXED" } : ANY;
}

/**
 * The ACL patterns that cover every name a regex can match (Kafka ACLs know names, prefixes and
 * "*", not regexes): orders|payments → two names, orders\..* → the prefix "orders.", .* → every
 * name. A regex this reading cannot narrow is covered by "*".
 */
export function regexAclPatterns(regex: string): NamePattern[] {
  const alts = alternatives(regex);
  if (alts.some((a) => a.includes("(") || a.includes("["))) {
    // Groups and classes: only a literal prefix before them counts.
    const patterns = alts.map((a) =>
      patternOf(a.slice(0, Math.min(...["(", "["].map((c) => (a.includes(c) ? a.indexOf(c) : a.length)))) + "."),
    );
    return dedupe(patterns);
  }
  return dedupe(alts.map(patternOf));
}

function dedupe(patterns: NamePattern[]): NamePattern[] {
  if (patterns.some((p) => p.name === "*")) return [ANY];
  const seen = new Map<string, NamePattern>();
  for (const p of patterns) seen.set(`${p.patternType}:${p.name}`, p);
  // A name or prefix inside another prefix adds nothing.
  const all = [...seen.values()];
  return all.filter(
    (p) =>
      !all.some(
        (q) =>
          q !== p &&
          q.patternType === "PREFIXED" &&
          p.name.startsWith(q.name) &&
          (p.patternType === "LITERAL" || p.name !== q.name),
      ),
  );
}

/** How the form describes what the patterns cover. */
export function describeAclPatterns(patterns: NamePattern[]): string {
  if (patterns.some((p) => p.name === "*")) return "every topic";
  return patterns.map((p) => (p.patternType === "PREFIXED" ? `${p.name}*` : p.name)).join(", ");
}
