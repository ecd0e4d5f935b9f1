// Reading processes from /proc: who belongs to a `pnpm start`, what each one is, how much memory
// it holds. Used by the control-plane bench and the start/stop test.
import fs from "node:fs";
import net from "node:net";

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** Start time in clock ticks after boot: with the pid, names one process even after pid reuse. */
  startTime: number;
  cmdline: string[];
  /** Resident set size in KiB (VmRSS). */
  rssKb: number;
}

export function readProc(pid: number): ProcInfo | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    // A zombie has no cmdline and no RSS: it is gone for every purpose here.
    if (fields[0] === "Z") return null;
    return {
      pid,
      ppid: Number(fields[1]),
      pgid: Number(fields[2]),
      startTime: Number(fields[19]),
      cmdline,
      rssKb: rss ? Number(rss[1]) : 0,
    };
  } catch {
    return null;
  }
}

/** Proportional set size in KiB: shared pages (the node binary, libraries) split between their users. */
export function pssKb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Whether this very process (not a later one given the same pid) is still running. */
export function isRunning(p: Pick<ProcInfo, "pid" | "startTime">): boolean {
  return readProc(p.pid)?.startTime === p.startTime;
}

export function listProcesses(): ProcInfo[] {
  return fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is ProcInfo => p !== null);
}

/** `root` and every process below it. */
export function processTree(root: number, all = listProcesses()): ProcInfo[] {
  const out: ProcInfo[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    const p = all.find((x) => x.pid === pid);
    if (p) out.push(p);
    queue.push(...all.filter((x) => x.ppid === pid).map((x) => x.pid));
  }
  return out;
}

export function processGroup(pgid: number): ProcInfo[] {
  return listProcesses().filter((p) => p.pgid === pgid);
}

/** Managed instances (Kafka nodes, later Spark and Connect) carry `-Dweir.node=<owner>:<node>`. */
export function markedProcesses(owner = ""): ProcInfo[] {
  const marker = `-Dweir.node=${owner}`;
  return listProcesses().filter((p) => p.cmdline.some((a) => a.startsWith(marker)));
}

export type Role = "pnpm" | "shell" | "launcher" | "console" | "controller" | "postgres" | "instance" | "other";

export function roleOf(p: ProcInfo): Role {
  const cmd = p.cmdline.join(" ");
  if (p.cmdline.some((a) => a.startsWith("-Dweir.node="))) return "instance";
  if (/(^|\/)postgres(\s|$)/.test(p.cmdline[0] ?? "") || /^postgres: /.test(cmd)) return "postgres";
  if (/pnpm(\.c?js)?(\s|$)/.test(cmd)) return "pnpm";
  if (/^(\/bin\/)?sh -c/.test(cmd)) return "shell";
  if (/controller/.test(cmd)) return "controller";
  if (/next-server|next\/dist\/bin\/next|next start/.test(cmd)) return "console";
  if (/launch\.mjs|scripts\/start|dist\/start/.test(cmd)) return "launcher";
  return "other";
}

/** The role of a process, or of its nearest ancestor in `tree` with one (esbuild and other helpers
 * count for the process that started them). */
export function roleInTree(p: ProcInfo, tree: ProcInfo[]): Role {
  for (let q: ProcInfo | undefined = p; q; q = tree.find((x) => x.pid === q!.ppid)) {
    const role = roleOf(q);
    if (role !== "other") return role;
  }
  return "other";
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | false | undefined | Promise<T | false | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
