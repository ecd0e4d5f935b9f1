// The local driver against real Kafka processes: start a 3-node combined cluster, see it
// registered through DescribeCluster, adopt it from a second driver instance, delete it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { env } from "@weir/env";
import { KafkaAdmin } from "../src/index.ts";
import { LocalKafkaRuntime, newLocalClusterSpec } from "../src/local/index.ts";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-runtime-"));
// Each broker JVM logs where its classes came from (%p: its pid), to check the class archive is mapped.
const classLog = path.join(dataDir, "classes-%p.log");
const runtime = new LocalKafkaRuntime({
  dataDir,
  cacheDir: env().WEIR_CACHE_DIR,
  jvmFlags: [`-Xlog:class+load=info:file=${classLog}`],
});
const clusterId = "00000000-0000-4000-8000-00000000aaaa";

const makeSpec = (count: number) => newLocalClusterSpec({ clusterId, brokerCount: count });

async function until<T>(fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out: ${String(last)}`);
}

afterAll(async () => {
  await runtime.deleteGroup(clusterId);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("local Kafka driver", () => {
  it("starts three KRaft nodes that register, and a second driver adopts them", async () => {
    // The release's class archive (what `pnpm start`'s set-up builds; built here if it is missing).
    expect(await runtime.classArchive()).toMatch(/-tls\.jsa$/);
    const spec = await makeSpec(3);
    const started = await Promise.all(spec.nodes.map((n) => runtime.ensureNode(spec, n.nodeId)));
    expect(started.map((s) => s.outcome)).toEqual(["started", "started", "started"]);

    const admin = new KafkaAdmin({ bootstrap: spec.nodes.map((n) => `127.0.0.1:${n.port}`), ...spec.admin });
    try {
      const desc = await until(async () => {
        const d = await admin.describeCluster();
        return d.brokers.length === 3 ? d : undefined;
      });
      expect(desc.brokers.map((b) => b.nodeId)).toEqual([1, 2, 3]);
      expect(desc.clusterId).toBe(spec.kafkaClusterId);
      // One StorageTool run for the cluster: each node has the template's bootstrap checkpoint and
      // a meta.properties of its own, and Kafka accepted them (the brokers registered above).
      const template = path.join(runtime.clusterDir(clusterId), "storage-template-3.9.2", "data");
      const metas = spec.nodes.map((n) =>
        fs.readFileSync(path.join(runtime.nodeDir(clusterId, n.nodeId), "data", "meta.properties"), "utf8"),
      );
      const field = (text: string, key: string) => new RegExp(`^${key}=(.*)$`, "m").exec(text)?.[1];
      expect(metas.map((m) => field(m, "node.id"))).toEqual(["1", "2", "3"]);
      expect(metas.map((m) => field(m, "cluster.id"))).toEqual([1, 2, 3].map(() => spec.kafkaClusterId));
      expect(new Set(metas.map((m) => field(m, "directory.id"))).size).toBe(3);
      for (const n of spec.nodes) {
        const checkpoint = path.join(runtime.nodeDir(clusterId, n.nodeId), "data", "bootstrap.checkpoint");
        expect(fs.readFileSync(checkpoint)).toEqual(fs.readFileSync(path.join(template, "bootstrap.checkpoint")));
      }
    } finally {
      await admin.close();
    }

    // Every broker mapped the archive: Kafka's own classes came from it ("top": the dynamic
    // archive over the JDK's), not from the jars. A JVM refuses an archive whose flags differ
    // from the dump's without a word, as brokers did until the agent flag was matched.
    for (const s of started) {
      const loaded = fs.readFileSync(classLog.replace("%p", String(s.pid)), "utf8");
      expect(loaded).toMatch(/kafka\.server\.KafkaRaftServer source: shared objects file \(top\)/);
    }

    const second = new LocalKafkaRuntime({ dataDir, cacheDir: env().WEIR_CACHE_DIR });
    const adopted = await Promise.all(spec.nodes.map((n) => second.ensureNode(spec, n.nodeId)));
    expect(adopted.map((a) => a.outcome)).toEqual(["adopted", "adopted", "adopted"]);
    expect(adopted.map((a) => a.pid)).toEqual(started.map((s) => s.pid));

    const wrong = new KafkaAdmin({
      bootstrap: [`127.0.0.1:${spec.nodes[0]!.port}`],
      username: "weir-admin",
      password: "wrong",
      timeoutMs: 3000,
    });
    await expect(wrong.describeCluster()).rejects.toThrow();
    await wrong.close();
  });
});
