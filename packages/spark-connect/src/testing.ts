// A Spark Connect server for tests: started as a child process from the pinned Spark, ready when
// its gRPC port accepts connections (about 14 s on an idle 2-core machine), stopped by its pid.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { childEnv, env } from "@weir/env";
import { ensureSpark, type SparkArtifacts } from "@weir/runtime/spark-artifacts";
import { connectServerArgs, connectServerEnv, type ConnectServerSpec } from "./server.ts";

export interface TestConnectServer {
  host: string;
  port: number;
  pid: number;
  /** The server's stdout and stderr. */
  logFile: string;
  artifacts: SparkArtifacts;
  /** How long the port took to open. */
  startupMs: number;
  stop(): Promise<void>;
}

/** A free TCP port on loopback (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    sock.setTimeout(1000);
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("timeout", () => {
      sock.destroy();
      resolve(false);
    });
    sock.once("error", () => resolve(false));
  });
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

/**
 * Starts a Spark Connect server (local[cores] by default, no UI) and waits for its port.
 * Call stop() in afterAll: it sends SIGTERM to the server's process group, then SIGKILL after 10 s.
 */
export async function startTestConnectServer(
  opts: Partial<Omit<ConnectServerSpec, "sparkHome" | "workDir">> & { readyTimeoutMs?: number } = {},
): Promise<TestConnectServer> {
  const artifacts = ensureSpark(env().WEIR_CACHE_DIR);
  const host = opts.host ?? "127.0.0.1";
  const port = opts.port ?? (await freePort());
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-spark-connect-"));
  const logFile = path.join(workDir, "server.log");
  const { command, args } = connectServerArgs({
    extraJars: artifacts.extraJars,
    ...opts,
    sparkHome: artifacts.sparkHome,
    host,
    port,
    workDir,
  });
  const out = fs.openSync(logFile, "a");
  const started = Date.now();
  const child = spawn(command, args, {
    cwd: workDir,
    // Its own process group, so stop() reaches spark-submit's JVM and anything it started.
    detached: true,
    stdio: ["ignore", out, out],
    env: childEnv(connectServerEnv(artifacts)),
  });
  fs.closeSync(out);
  const pid = child.pid!;
  const gone = exited(child);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-pid, "SIGTERM");
      } catch {
        // already gone
      }
      const killed = await Promise.race([
        gone.then(() => true),
        new Promise((r) => setTimeout(() => r(false), 10_000)),
      ]);
      if (!killed) {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // already gone
        }
        await gone;
      }
    }
    fs.rmSync(workDir, { recursive: true, force: true });
  };

  const deadline = started + (opts.readyTimeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = tail(logFile);
      await stop();
      throw new Error(
        `Spark Connect server exited (${child.exitCode ?? child.signalCode}) before opening port ${port}:\n${log}`,
      );
    }
    if (await portOpen(host, port)) break;
    if (Date.now() > deadline) {
      const log = tail(logFile);
      await stop();
      throw new Error(
        `Spark Connect server did not open port ${port} within ${opts.readyTimeoutMs ?? 120_000} ms:\n${log}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { host, port, pid, logFile, artifacts, startupMs: Date.now() - started, stop };
}
