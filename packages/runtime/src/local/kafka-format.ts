// Storage formatting without a JVM start per node. Kafka's StorageTool writes two files into a
// log dir of a node in a static quorum: bootstrap.checkpoint (the metadata.version and the admin's
// SCRAM credential, the same for every node of the cluster) and meta.properties (the cluster id,
// the node's id and a random directory id). So the tool runs once per cluster and Kafka version,
// into a template dir, and each node gets a copy of the checkpoint and its own meta.properties.
// A tool that writes anything else (a dynamic quorum's voter checkpoint) is run per node instead.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const CHECKPOINT = "bootstrap.checkpoint";
const META = "meta.properties";

/** A log dir id as Kafka's Uuid.randomUuid() makes one: 16 random bytes, base64url, not starting with '-'. */
export function newDirectoryId(random: (n: number) => Buffer = randomBytes): string {
  for (;;) {
    const bytes = random(16);
    const id = bytes.toString("base64url");
    // Kafka reserves the ids whose first 8 bytes are zero and last below 100 (unassigned, lost, …).
    const reserved = bytes.readBigUInt64BE(0) === 0n && bytes.readBigUInt64BE(8) < 100n;
    if (!id.startsWith("-") && !reserved) return id;
  }
}

/** The template's meta.properties with this node's id and a directory id of its own. */
export function nodeMetaProperties(template: string, nodeId: number, directoryId: string): string {
  const lines = template.split("\n").filter((l) => !/^(node\.id|directory\.id)=/.test(l));
  const at = lines.findIndex((l) => l.trim() !== "" && !l.startsWith("#"));
  lines.splice(at < 0 ? lines.length : at, 0, `node.id=${nodeId}`, `directory.id=${directoryId}`);
  return lines.join("\n");
}

/** The node's server.properties pointed at the template's log dir. */
export function templateProperties(nodeProperties: string, templateDataDir: string): string {
  return nodeProperties
    .split("\n")
    .map((l) => (/^(log\.dirs|metadata\.log\.dir)=/.test(l) ? `${l.slice(0, l.indexOf("="))}=${templateDataDir}` : l))
    .join("\n");
}

export class StorageTemplates {
  private readonly pending = new Map<string, Promise<boolean>>();

  /**
   * Formats `dataDir` for `nodeId` from the template in `templateDir`, made once from this
   * node's server.properties by `runFormat(dir)` (the StorageTool with `dir`/server.properties).
   * False when the template holds more than the two files: the node must be formatted by the tool.
   */
  async formatNode(
    templateDir: string,
    node: { dir: string; dataDir: string; nodeId: number },
    runFormat: (dir: string) => Promise<void>,
  ): Promise<boolean> {
    const { dataDir, nodeId } = node;
    const templateData = path.join(templateDir, "data");
    let made = this.pending.get(templateDir);
    if (!made) {
      made = this.make(templateDir, templateData, node.dir, runFormat);
      this.pending.set(templateDir, made);
      made.catch(() => this.pending.delete(templateDir));
    }
    if (!(await made)) return false;
    const meta = fs.readFileSync(path.join(templateData, META), "utf8");
    fs.copyFileSync(path.join(templateData, CHECKPOINT), path.join(dataDir, CHECKPOINT));
    // meta.properties last: its presence is what marks a log dir as formatted.
    const tmp = path.join(dataDir, `${META}.tmp`);
    fs.writeFileSync(tmp, nodeMetaProperties(meta, nodeId, newDirectoryId()));
    fs.renameSync(tmp, path.join(dataDir, META));
    return true;
  }

  private async make(
    templateDir: string,
    templateData: string,
    nodeDir: string,
    runFormat: (dir: string) => Promise<void>,
  ): Promise<boolean> {
    if (!fs.existsSync(path.join(templateData, META))) {
      fs.rmSync(templateDir, { recursive: true, force: true });
      fs.mkdirSync(templateData, { recursive: true, mode: 0o700 });
      for (const f of fs.readdirSync(nodeDir)) {
        // The logging config and anything else the tool reads next to server.properties.
        if (f.endsWith(".properties") && f !== "server.properties") {
          fs.copyFileSync(path.join(nodeDir, f), path.join(templateDir, f));
        }
      }
      const props = fs.readFileSync(path.join(nodeDir, "server.properties"), "utf8");
      fs.writeFileSync(path.join(templateDir, "server.properties"), templateProperties(props, templateData), {
        mode: 0o600,
      });
      await runFormat(templateDir);
    }
    return fs
      .readdirSync(templateData)
      .sort()
      .every((f) => f === CHECKPOINT || f === META);
  }
}
