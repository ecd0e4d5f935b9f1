// The local broker driver: each Kafka node is a JVM run by the shared LocalSupervisor. Per node,
// under <dataDir>/kafka/<clusterId>/node-<id>/:
//   server.properties, log4j[2].properties, jmx.yaml   rendered from the spec by pure builders
//   tls/keystore.pem, tls/truststore.pem           TLS clusters: the node's key + chain, the CA
//   data/                                          the log dir (KRaft metadata + partitions)
//   kafka.log, process.json                        kept by the supervisor
// The marker argument -Dweir.node=<clusterId>:<nodeId> names the process as this node.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureKafka, type KafkaArtifacts } from "../artifacts.ts";
import type { EnsureResult, ObservedInstance } from "../instances.ts";
import {
  heapMb,
  isBroker,
  jmxExporterYaml,
  loggingConfig,
  renderProperties,
  serverProperties,
} from "../kafka/config.ts";
import { nodeConfigInput } from "../kafka/node-revision.ts";
import { nodeTlsFiles, nodeTlsPaths } from "../kafka/node-tls.ts";
import { createClusterCa, issueNodeCert, nodeCertHosts } from "../kafka/tls.ts";
import type { BrokerRuntime, KafkaClusterSpec } from "../kafka/runtime.ts";
import { DEFAULT_KAFKA_VERSION, kafkaRelease } from "../versions.ts";
import { ARCHIVE_AGENT_FLAGS, buildClassArchive, classArchiveFlags } from "./kafka-cds.ts";
import { StorageTemplates } from "./kafka-format.ts";
import { newLocalClusterSpec } from "./spec.ts";
import { LocalSupervisor, writeIfChanged } from "./supervisor.ts";

const LOG_FILE = "kafka.log";

export const nodeMarker = (clusterId: string, nodeId: number | string) => `-Dweir.node=${clusterId}:${nodeId}`;

/**
 * Faster starts, each on by default (bench/provision measures them one by one): `sharedFormat`
 * runs Kafka's StorageTool once per cluster instead of once per node (kafka-format.ts);
 * `classArchive` starts brokers from an AppCDS archive built once per Kafka version and JDK
 * (kafka-cds.ts).
 */
export interface FastStart {
  sharedFormat?: boolean;
  classArchive?: boolean;
}

export class LocalKafkaRuntime implements BrokerRuntime {
  private readonly artifacts = new Map<string, KafkaArtifacts>();
  private readonly templates = new StorageTemplates();
  private readonly archives = new Map<string, Promise<string | null>>();

  constructor(
    private readonly opts: { dataDir: string; cacheDir: string; fastStart?: FastStart; jvmFlags?: string[] },
    private readonly supervisor = new LocalSupervisor(),
  ) {}

  /** The jars of the node's Kafka release: a node starts with the version its spec names. */
  private kafka(version: string): KafkaArtifacts {
    let artifacts = this.artifacts.get(version);
    if (!artifacts) this.artifacts.set(version, (artifacts = ensureKafka(this.opts.cacheDir, version)));
    return artifacts;
  }

  clusterDir(clusterId: string): string {
    return path.join(this.opts.dataDir, "kafka", clusterId);
  }

  nodeDir(clusterId: string, nodeId: number | string): string {
    return path.join(this.clusterDir(clusterId), `node-${nodeId}`);
  }

  onExit(listener: (clusterId: string, name: string, code: string) => void): void {
    const root = path.join(this.opts.dataDir, "kafka");
    this.supervisor.onExit((dir, code) => {
      const rel = path.relative(root, dir).split(path.sep);
      if (rel.length === 2 && rel[1]!.startsWith("node-")) listener(rel[0]!, rel[1]!.slice(5), code);
    });
  }

  /** Formats the node's storage (a JVM run of Kafka's StorageTool, with the admin credential). */
  private async format(spec: KafkaClusterSpec, dir: string): Promise<void> {
    const kafka = this.kafka(spec.kafkaVersion);
    const logging = loggingConfig(kafkaRelease(spec.kafkaVersion).logging, dir);
    const { admin } = spec;
    const args = [
      "-Xmx256m",
      "-XX:TieredStopAtLevel=1",
      logging.jvmFlag,
      "-cp",
      kafka.classpath,
      "kafka.tools.StorageTool",
      "format",
      // One argument: an id may start with '-', which the tool would take for an option.
      `--cluster-id=${spec.kafkaClusterId}`,
      "--config",
      path.join(dir, "server.properties"),
      "--ignore-formatted",
      "--add-scram",
      `SCRAM-SHA-512=[name=${admin.username},password=${admin.password}]`,
    ];
    const out: Buffer[] = [];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(kafka.java, args, { stdio: ["ignore", "pipe", "pipe"] });
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => out.push(b));
      child.on("error", reject);
      child.on("exit", resolve);
    });
    if (code !== 0) {
      const text = Buffer.concat(out).toString("utf8").trim().split("\n").slice(-5).join("\n");
      throw new Error(`Formatting the storage of ${path.basename(dir)} failed (exit ${code}): ${text}`);
    }
  }

  /** Formats a node's log dir: from the cluster's one StorageTool run, or by its own run. */
  private async formatStorage(spec: KafkaClusterSpec, nodeId: number, dir: string, dataDir: string): Promise<void> {
    if (this.opts.fastStart?.sharedFormat !== false) {
      const template = path.join(this.clusterDir(spec.clusterId), `storage-template-${spec.kafkaVersion}`);
      const node = { dir, dataDir, nodeId };
      if (await this.templates.formatNode(template, node, (d) => this.format(spec, d))) return;
    }
    await this.format(spec, dir);
  }

  /**
   * The AppCDS archive of a Kafka version, built once (a throwaway one-node TLS cluster in a
   * temporary directory, started with -XX:ArchiveClassesAtExit and stopped once it has started);
   * null while another process builds it; rejects with why the dump failed.
   */
  classArchive(version: string = DEFAULT_KAFKA_VERSION): Promise<string | null> {
    let built = this.archives.get(version);
    if (!built) {
      built = buildClassArchive(this.kafka(version), async (flag) => {
        const dataDir = fs.mkdtempSync(path.join(this.opts.dataDir, ".cds-dump-"));
        const dumper = new LocalKafkaRuntime({
          dataDir,
          cacheDir: this.opts.cacheDir,
          fastStart: { classArchive: false },
          jvmFlags: [...ARCHIVE_AGENT_FLAGS, flag],
        });
        // The dump broker speaks TLS on every listener, as brokers do by default, so the archive
        // holds the SSL and certificate classes a broker loads as it starts too.
        const base = await newLocalClusterSpec({ clusterId: "cds-dump", brokerCount: 1 });
        const ca = await createClusterCa({ clusterId: "cds-dump", clusterName: "cds-dump" });
        const nodes = await Promise.all(
          base.nodes.map(async (n) => {
            const c = await issueNodeCert({
              ca,
              clusterId: "cds-dump",
              nodeId: n.nodeId,
              hosts: nodeCertHosts(n.host),
            });
            return { ...n, cert: { certPem: c.certPem, keyPem: c.keyPem } };
          }),
        );
        const spec = { ...base, kafkaVersion: version, tls: { caPem: ca.certPem }, nodes };
        try {
          await dumper.ensureNode(spec, 1);
          for (let i = 0; !/Kafka Server started/.test(dumper.logTail(spec.clusterId, "1", 400)); i++) {
            if (i > 1200 || !dumper.supervisor.observe(dumper.nodeDir(spec.clusterId, 1)).running) {
              throw new Error("the class archive's dump broker did not start");
            }
            await new Promise((r) => setTimeout(r, 100));
          }
          await dumper.stopNode(spec.clusterId, 1);
        } finally {
          await dumper.deleteGroup(spec.clusterId);
          fs.rmSync(dataDir, { recursive: true, force: true });
        }
      });
      // A failed build is tried again by the next call.
      built.catch(() => this.archives.delete(version));
      this.archives.set(version, built);
    }
    return built;
  }

  async ensureNode(spec: KafkaClusterSpec, nodeId: number): Promise<EnsureResult> {
    const node = spec.nodes.find((n) => n.nodeId === nodeId);
    if (!node) throw new Error(`Node ${nodeId} is not part of cluster ${spec.clusterId}`);
    const dir = this.nodeDir(spec.clusterId, nodeId);
    const dataDir = path.join(dir, "data");
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });

    const props = serverProperties(nodeConfigInput(spec, nodeId, dataDir));
    writeIfChanged(path.join(dir, "server.properties"), renderProperties(props));
    const tls = nodeTlsFiles(spec, nodeId);
    if (tls) {
      const files = nodeTlsPaths(dataDir);
      fs.mkdirSync(path.dirname(files.keystorePath), { recursive: true, mode: 0o700 });
      writeIfChanged(files.keystorePath, tls.keystore);
      writeIfChanged(files.truststorePath, tls.truststore);
    }
    const logging = loggingConfig(kafkaRelease(spec.kafkaVersion).logging, dir);
    writeIfChanged(logging.file, logging.content);
    writeIfChanged(path.join(dir, "jmx.yaml"), jmxExporterYaml);

    const kafka = this.kafka(spec.kafkaVersion);
    const marker = nodeMarker(spec.clusterId, nodeId);
    const heap = heapMb(spec.instanceType.memoryGib, node.roles);
    const jvm = [
      `-Xms${heap}m`,
      `-Xmx${heap}m`,
      "-XX:+UseG1GC",
      "-XX:MaxGCPauseMillis=20",
      "-XX:+ExitOnOutOfMemoryError",
      "-Djava.awt.headless=true",
      marker,
      logging.jvmFlag,
      `-Dkafka.logs.dir=${dir}`,
      ...(this.opts.jvmFlags ?? []),
    ];
    // Made by set-up (`classArchive()`); without it the broker starts as it would anyway.
    if (this.opts.fastStart?.classArchive !== false) jvm.push(...classArchiveFlags(kafka));
    if (isBroker(node)) {
      jvm.push(`-javaagent:${kafka.jmxAgentJar}=${node.host}:${node.metricsPort}:${path.join(dir, "jmx.yaml")}`);
    }
    const launch = {
      dir,
      marker,
      command: kafka.java,
      args: [...jvm, "-cp", kafka.classpath, "kafka.Kafka", path.join(dir, "server.properties")],
      logFile: LOG_FILE,
    };
    // Format only when about to start: an adopted node is formatted already.
    if (this.supervisor.observe(dir).running) return this.supervisor.ensure(launch);
    if (!fs.existsSync(path.join(dataDir, "meta.properties"))) await this.formatStorage(spec, nodeId, dir, dataDir);
    return this.supervisor.ensure(launch);
  }

  stopNode(clusterId: string, nodeId: number): Promise<void> {
    // A controlled shutdown moves leadership away first; give it time, then insist.
    return this.supervisor.stop(this.nodeDir(clusterId, nodeId), 30_000);
  }

  removeNode(clusterId: string, nodeId: number): Promise<void> {
    return this.supervisor.remove(this.nodeDir(clusterId, nodeId), 30_000);
  }

  async observe(clusterId: string, names: string[]): Promise<ObservedInstance[]> {
    return names.map((name) => {
      const dir = this.nodeDir(clusterId, name);
      return { name, ...this.supervisor.observe(dir, path.join(dir, "data")) };
    });
  }

  logTail(clusterId: string, name: string, lines = 20): string {
    return this.supervisor.logTail(this.nodeDir(clusterId, name), LOG_FILE, lines);
  }

  deleteGroup(clusterId: string): Promise<void> {
    return this.supervisor.removeAll(this.clusterDir(clusterId));
  }
}
