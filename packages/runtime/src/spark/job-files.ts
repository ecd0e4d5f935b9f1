// Reading a job's files for the API and the console: the driver log (with its rotated copy),
// the batch preview and the full result. Only reads files: nothing here starts a process, so
// code the console loads may import it.
import fs from "node:fs/promises";
import path from "node:path";

/** The supervisor keeps one rotated copy of a log next to it, as `<log>.1`. */
const rotated = (file: string) => `${file}.1`;

async function readIfExists(file: string, maxBytes = Infinity): Promise<{ text: string; size: number } | null> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    return { text: buf.toString("utf8"), size };
  } finally {
    await handle.close();
  }
}

export interface LogTail {
  /** The last matching lines, oldest first. */
  lines: string[];
  /** How many lines matched in all (the rotated copy included). */
  matched: number;
  /** Whether the log exists yet. */
  exists: boolean;
  /** Bytes of log kept (current file and rotated copy). */
  sizeBytes: number;
}

/** The last `lines` lines of a log and its rotated copy containing `search` (case-insensitive). */
export async function tailLog(file: string, opts: { lines: number; search?: string }): Promise<LogTail> {
  const [old, current] = await Promise.all([readIfExists(rotated(file)), readIfExists(file)]);
  const text = `${old?.text ?? ""}${current?.text ?? ""}`;
  const all = text.split("\n");
  if (all.at(-1) === "") all.pop();
  const needle = opts.search?.toLowerCase();
  const matching = needle ? all.filter((l) => l.toLowerCase().includes(needle)) : all;
  return {
    lines: matching.slice(-opts.lines),
    matched: matching.length,
    exists: old !== null || current !== null,
    sizeBytes: (old?.size ?? 0) + (current?.size ?? 0),
  };
}

/** The whole log (rotated copy first), or its last `maxBytes` bytes with `truncated` set. */
export async function readLog(file: string, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  const current = await readIfExists(file, maxBytes);
  const left = maxBytes - Math.min(current?.size ?? 0, maxBytes);
  const old = left > 0 ? await readIfExists(rotated(file), left) : null;
  const oldSize = old?.size ?? (await fs.stat(rotated(file)).catch(() => null))?.size ?? 0;
  const truncated = (current?.size ?? 0) > maxBytes || oldSize > left;
  let text = `${old?.text ?? ""}${current?.text ?? ""}`;
  // Cut at a byte count, the first line is likely partial: start at the next whole line.
  if (truncated) text = text.slice(text.indexOf("\n") + 1);
  return { text, truncated };
}

/** The preview rows a batch job wrote (one JSON object per line), or null before it wrote them. */
export async function readPreviewRows(previewFile: string): Promise<Record<string, unknown>[] | null> {
  const f = await readIfExists(previewFile);
  if (!f) return null;
  const rows: Record<string, unknown>[] = [];
  for (const line of f.text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const v: unknown = JSON.parse(line);
      if (v && typeof v === "object" && !Array.isArray(v)) rows.push(v as Record<string, unknown>);
    } catch {
      // A line cut short by a driver killed mid-write is not a row.
    }
  }
  return rows;
}

/** The last line of the runner's progress file with the given event, parsed. */
export async function lastProgressEvent(progressFile: string, event: string): Promise<Record<string, unknown> | null> {
  const f = await readIfExists(progressFile);
  if (!f) return null;
  const lines = f.text.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (!line.includes(`"${event}"`)) continue;
    try {
      const v = JSON.parse(line) as Record<string, unknown>;
      if (v.event === event) return v;
    } catch {
      continue;
    }
  }
  return null;
}

/**
 * The full result of a batch job in one format, from Spark's part files under
 * `<resultDir>/<format>/part-*`: CSV with the header once, JSON as JSON Lines. Null before the
 * job wrote it; `tooLarge` when it exceeds `maxBytes`.
 */
export async function readResultFiles(
  resultDir: string,
  format: "csv" | "json",
  maxBytes: number,
): Promise<{ text: string } | { tooLarge: number } | null> {
  const dir = path.join(resultDir, format);
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => n.startsWith("part-") && n.endsWith(`.${format}`)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  // Spark writes _SUCCESS last: without it the result is incomplete (or still being written).
  if (!(await fs.stat(path.join(dir, "_SUCCESS")).catch(() => null))) return null;
  const sizes = await Promise.all(names.map(async (n) => (await fs.stat(path.join(dir, n))).size));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > maxBytes) return { tooLarge: total };
  const parts: string[] = [];
  for (const [i, n] of names.entries()) {
    let text = await fs.readFile(path.join(dir, n), "utf8");
    if (format === "csv" && i > 0) text = text.slice(text.indexOf("\n") + 1);
    if (text && !text.endsWith("\n")) text += "\n";
    parts.push(text);
  }
  return { text: parts.join("") };
}
