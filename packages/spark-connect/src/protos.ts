// Spark Connect's .proto files, taken from the pinned spark-connect jar (never copied into the
// repo, so they cannot drift from the Spark that serves them). The jar is a zip: its
// spark/connect/*.proto and the google/rpc/*.proto error types are extracted once into
// <cacheDir>/spark-connect-protos/<sha256 of the jar>/ and loaded from there.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import protobuf from "protobufjs";
import yauzl from "yauzl";

/** The entries of the jar that are extracted: Spark Connect's protos and google.rpc's error details. */
export function wantedEntry(name: string): boolean {
  return /^spark\/connect\/[^/]+\.proto$/.test(name) || /^google\/rpc\/[^/]+\.proto$/.test(name);
}

/** The .proto files the client loads (the rest of spark/connect/*.proto are imported by these). */
export const ROOT_PROTOS = ["spark/connect/base.proto", "google/rpc/status.proto", "google/rpc/error_details.proto"];

const DONE = ".complete";
/** Names the extraction of the pinned jar, so a process that never sees the jar can load the protos. */
const CURRENT = "current";

function sha256File(file: string): string {
  const hash = createHash("sha256");
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let n: number;
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest("hex");
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, zip) => (err ? reject(err) : resolve(zip))),
  );
}

/** Writes the wanted entries of `jar` under `dir`; returns their names. */
async function extractTo(jar: string, dir: string): Promise<string[]> {
  const zip = await openZip(jar);
  const names: string[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on("error", reject);
    zip.on("end", resolve);
    zip.on("entry", (entry: yauzl.Entry) => {
      if (!wantedEntry(entry.fileName)) {
        zip.readEntry();
        return;
      }
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("error", reject);
        stream.on("end", () => {
          const target = path.join(dir, entry.fileName);
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.writeFileSync(target, Buffer.concat(chunks));
          names.push(entry.fileName);
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return names.sort();
}

const extracted = new Map<string, Promise<string>>();

/**
 * Extracts the protos of `connectJar` (once per jar checksum) under `cacheDir` and returns the
 * include dir. A half-written extraction (a crash mid-way) is redone; two processes extracting at
 * once each write their own temp dir and the first rename wins. Every call also points
 * `current` at it (currentProtos), an extraction found from an earlier start included.
 */
export async function extractProtos(connectJar: string, cacheDir: string): Promise<string> {
  const key = `${connectJar}\0${cacheDir}`;
  let p = extracted.get(key);
  if (!p) {
    p = doExtract(connectJar, cacheDir);
    p.catch(() => extracted.delete(key));
    extracted.set(key, p);
  }
  const dir = await p;
  markCurrent(path.dirname(dir), dir);
  return dir;
}

async function doExtract(connectJar: string, cacheDir: string): Promise<string> {
  const digest = sha256File(connectJar);
  const root = path.join(cacheDir, "spark-connect-protos");
  const dir = path.join(root, digest.slice(0, 32));
  if (fs.existsSync(path.join(dir, DONE))) return dir;
  fs.mkdirSync(root, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(root, ".tmp-"));
  try {
    const names = await extractTo(connectJar, tmp);
    const missing = ROOT_PROTOS.filter((p) => !names.includes(p));
    if (missing.length > 0) {
      throw new Error(`${connectJar} does not contain ${missing.join(", ")}: is it a Spark Connect jar?`);
    }
    fs.writeFileSync(path.join(tmp, DONE), `${JSON.stringify({ jar: connectJar, sha256: digest, files: names })}\n`);
    fs.rmSync(dir, { recursive: true, force: true });
    try {
      fs.renameSync(tmp, dir);
    } catch (err) {
      // Another process renamed its copy first: use that one.
      if (!fs.existsSync(path.join(dir, DONE))) throw err;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

function markCurrent(root: string, dir: string) {
  const tmp = path.join(root, `.${CURRENT}-${process.pid}`);
  fs.writeFileSync(tmp, `${path.basename(dir)}\n`);
  fs.renameSync(tmp, path.join(root, CURRENT));
}

/**
 * The include dir of the protos extracted last (setup extracts the pinned jar's on every start),
 * without touching the jar: the console loads this and never the Spark install code.
 */
export function currentProtos(cacheDir: string): string {
  const root = path.join(cacheDir, "spark-connect-protos");
  let name = "";
  try {
    name = fs.readFileSync(path.join(root, CURRENT), "utf8").trim();
  } catch {
    // not extracted yet
  }
  const dir = path.join(root, name);
  if (!name || !fs.existsSync(path.join(dir, DONE))) {
    throw new Error(
      `Spark Connect's protos are not in ${root} yet: they are extracted from the pinned Spark when Weir starts (pnpm start).`,
    );
  }
  return dir;
}

export interface SparkConnectProtos {
  /** The spark.connect.SparkConnectService client constructor. */
  Service: grpc.ServiceClientConstructor;
  /** protobufjs types for decoding google.rpc.Status error details. */
  Status: protobuf.Type;
  ErrorInfo: protobuf.Type;
}

const loaded = new Map<string, SparkConnectProtos>();

/** Loads the extracted protos (from extractProtos) for grpc-js. */
export function loadProtos(includeDir: string): SparkConnectProtos {
  const cached = loaded.get(includeDir);
  if (cached) return cached;
  const def = protoLoader.loadSync(ROOT_PROTOS, {
    includeDirs: [includeDir],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    spark: { connect: { SparkConnectService: grpc.ServiceClientConstructor } };
  };
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(includeDir, target));
  root.loadSync(["google/rpc/status.proto", "google/rpc/error_details.proto"], { keepCase: true });
  const protos: SparkConnectProtos = {
    Service: pkg.spark.connect.SparkConnectService,
    Status: root.lookupType("google.rpc.Status"),
    ErrorInfo: root.lookupType("google.rpc.ErrorInfo"),
  };
  loaded.set(includeDir, protos);
  return protos;
}
