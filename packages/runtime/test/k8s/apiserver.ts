// A real Kubernetes API server for tests: etcd and kube-apiserver built from the Go module proxy
// by infra/k8s/tools/build.sh (cached outside the repo), started on free loopback ports with
// token authentication and a serving certificate from openssl in a temp dir, the Strimzi and
// Spark Operator CRDs applied and Established. No operator runs: a test stands in for one by
// writing `status` through the /status subresource. Missing binaries are a failure that says how
// to build them, never a skip.
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import {
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  loadAllYaml,
  setHeaderOptions,
  type KubernetesObject,
} from "@kubernetes/client-node";
import { repoRoot } from "@weir/env";
import { freePorts } from "../../src/local/ports.ts";

const run = promisify(execFile);
const BUILD = path.join(repoRoot, "infra", "k8s", "tools", "build.sh");

export interface ApiServer {
  /** https://127.0.0.1:<port> */
  server: string;
  /** A kubeconfig file for the server (a cluster admin's token, the test CA). */
  kubeconfigPath: string;
  /** The cluster admin's config, or one of `users` (authenticated, authorised only by RBAC). */
  kubeConfig(user?: string): KubeConfig;
  /** Stops kube-apiserver and etcd by pid and removes their data. */
  stop(): Promise<void>;
}

/** Where build.sh put the binaries and the CRDs; a clear error when they are not there. */
export function builtArtifacts(): { bin: string; crds: string[]; helm: string | null } {
  try {
    return JSON.parse(
      execFileSync("bash", [BUILD, "--check"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
    );
  } catch (err) {
    const why = (err as { stderr?: string }).stderr?.trim() || String(err);
    throw new Error(`The Kubernetes tests need a real kube-apiserver, etcd and the operators' CRDs. ${why}`);
  }
}

async function openssl(dir: string, args: string[]): Promise<void> {
  await run("openssl", args, { cwd: dir });
}

/** A CA, a serving certificate for 127.0.0.1 signed by it, and the service-account key pair. */
async function makeCerts(dir: string): Promise<void> {
  await openssl(dir, ["genrsa", "-out", "ca.key", "2048"]);
  await openssl(dir, [
    "req",
    "-x509",
    "-new",
    "-key",
    "ca.key",
    "-subj",
    "/CN=weir-test-ca",
    "-days",
    "2",
    "-out",
    "ca.crt",
  ]);
  await openssl(dir, ["genrsa", "-out", "serving.key", "2048"]);
  await openssl(dir, ["req", "-new", "-key", "serving.key", "-subj", "/CN=kube-apiserver", "-out", "serving.csr"]);
  fs.writeFileSync(path.join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    "serving.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "san.ext",
    "-out",
    "serving.crt",
  ]);
  await openssl(dir, ["genrsa", "-out", "sa.key", "2048"]);
  await openssl(dir, ["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
}

function startProcess(bin: string, args: string[], log: string): ChildProcess {
  const out = fs.openSync(log, "a");
  const child = spawn(bin, args, { stdio: ["ignore", out, out] });
  fs.closeSync(out);
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(child.pid, "SIGTERM");
  const killed = setTimeout(() => child.pid && process.kill(child.pid, "SIGKILL"), 10_000);
  await exited;
  clearTimeout(killed);
}

function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

async function waitFor(what: string, ms: number, check: () => Promise<boolean>, why: () => string): Promise<void> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${ms / 1000}s waiting for ${what}${last ? ` (${String(last)})` : ""}\n${why()}`);
}

/** Starts etcd and kube-apiserver, applies the CRDs and waits until they are Established. */
export async function startApiServer(opts: { readyTimeoutMs?: number; users?: string[] } = {}): Promise<ApiServer> {
  const { bin, crds } = builtArtifacts();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-k8s-"));
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const c of children.reverse()) await stopProcess(c);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await makeCerts(dir);
    const token = randomBytes(24).toString("hex");
    const userTokens = new Map((opts.users ?? []).map((u) => [u, randomBytes(24).toString("hex")]));
    fs.writeFileSync(
      path.join(dir, "tokens.csv"),
      [`${token},weir-test,1,system:masters`, ...[...userTokens].map(([u, t], i) => `${t},${u},${i + 2}`)].join("\n") +
        "\n",
    );
    const [etcdClient, etcdPeer, securePort] = await freePorts(3);
    const etcdLog = path.join(dir, "etcd.log");
    const etcd = startProcess(
      path.join(bin, "etcd"),
      [
        "--name=weir-test",
        `--data-dir=${path.join(dir, "etcd")}`,
        `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=weir-test=http://127.0.0.1:${etcdPeer}`,
        "--unsafe-no-fsync",
        "--log-level=warn",
      ],
      etcdLog,
    );
    children.push(etcd);
    const apiLog = path.join(dir, "kube-apiserver.log");
    const apiserver = startProcess(
      path.join(bin, "kube-apiserver"),
      [
        `--etcd-servers=http://127.0.0.1:${etcdClient}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${securePort}`,
        `--cert-dir=${path.join(dir, "certs")}`,
        `--tls-cert-file=${path.join(dir, "serving.crt")}`,
        `--tls-private-key-file=${path.join(dir, "serving.key")}`,
        `--token-auth-file=${path.join(dir, "tokens.csv")}`,
        "--authorization-mode=RBAC",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-account-key-file=${path.join(dir, "sa.pub")}`,
        `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
        "--service-cluster-ip-range=10.0.0.0/24",
        "--disable-admission-plugins=ServiceAccount",
        "--profiling=false",
      ],
      apiLog,
    );
    children.push(apiserver);
    const server = `https://127.0.0.1:${securePort}`;
    const kubeconfigPath = path.join(dir, "kubeconfig.json");
    fs.writeFileSync(
      kubeconfigPath,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "weir-test", cluster: { server, "certificate-authority": path.join(dir, "ca.crt") } }],
        users: [{ name: "weir-test", user: { token } }],
        contexts: [{ name: "weir-test", context: { cluster: "weir-test", user: "weir-test", namespace: "default" } }],
        "current-context": "weir-test",
      }),
    );
    const kubeConfig = (user?: string) => {
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfigPath);
      if (user) {
        const t = userTokens.get(user);
        if (!t) throw new Error(`startApiServer was not given the user ${user}`);
        kc.users = [{ name: "weir-test", token: t }];
      }
      return kc;
    };
    const ca = fs.readFileSync(path.join(dir, "ca.crt"));
    const exitedEarly = () =>
      [etcd, apiserver].find((c) => c.exitCode !== null)
        ? `etcd log:\n${tail(etcdLog)}\nkube-apiserver log:\n${tail(apiLog)}`
        : `kube-apiserver log:\n${tail(apiLog)}`;
    await waitFor(
      "kube-apiserver /readyz",
      opts.readyTimeoutMs ?? 90_000,
      async () => {
        if (etcd.exitCode !== null || apiserver.exitCode !== null) throw new Error("a process exited");
        return (await httpsGet(`${server}/readyz`, token, ca)) === "ok";
      },
      exitedEarly,
    );
    await applyCrds(kubeConfig(), crds, opts.readyTimeoutMs ?? 90_000);
    return { server, kubeconfigPath, kubeConfig, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function httpsGet(url: string, token: string, ca: Buffer): Promise<string> {
  const https = await import("node:https");
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve(body.trim()));
    });
    req.on("error", reject);
    req.setTimeout(5000, () => req.destroy(new Error("timeout")));
  });
}

type Crd = KubernetesObject & {
  spec: { names: { kind: string } };
  status?: { conditions?: { type: string; status: string }[] };
};

async function applyCrds(kc: KubeConfig, files: string[], timeoutMs: number): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const crds = files.flatMap((f) => loadAllYaml(fs.readFileSync(f, "utf8")) as Crd[]);
  for (const crd of crds) await api.create(crd);
  for (const crd of crds) {
    await waitFor(
      `the ${crd.spec.names.kind} CRD to be Established`,
      timeoutMs,
      async () => {
        const got = await api.read<Crd>({
          apiVersion: crd.apiVersion,
          kind: crd.kind,
          metadata: { name: crd.metadata!.name! },
        });
        return !!got.status?.conditions?.some((c) => c.type === "Established" && c.status === "True");
      },
      () => "",
    );
  }
}

/** Stands in for an operator: merges `status` into a custom resource through its /status subresource. */
export async function writeStatus(
  kc: KubeConfig,
  ref: { group: string; version: string; plural: string; namespace: string; name: string },
  status: Record<string, unknown>,
): Promise<void> {
  await kc
    .makeApiClient(CustomObjectsApi)
    .patchNamespacedCustomObjectStatus(
      { ...ref, body: { status } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
}

const CHART = path.join(repoRoot, "infra", "k8s", "chart");

function helmBinary(): string {
  const { helm } = builtArtifacts();
  if (!helm)
    throw new Error("helm is not built: run infra/k8s/tools/build.sh (it builds helm from its Go module once).");
  return helm;
}

/** `helm lint` of Weir's chart with the given values; throws with helm's output when it fails. */
export async function lintChart(values: Record<string, string>): Promise<string> {
  const helm = helmBinary();
  const set = Object.entries(values).flatMap(([k, v]) => ["--set", `${k}=${v}`]);
  const { stdout } = await run(helm, ["lint", CHART, "--strict", ...set]);
  return stdout;
}

/** `helm template` of Weir's chart: the manifests it renders. */
export async function renderChart(
  release: string,
  namespace: string,
  values: Record<string, string>,
): Promise<(KubernetesObject & { metadata: { name: string; namespace?: string } })[]> {
  const helm = helmBinary();
  const set = Object.entries(values).flatMap(([k, v]) => ["--set", `${k}=${v}`]);
  const { stdout } = await run(helm, ["template", release, CHART, "--namespace", namespace, ...set]);
  return (loadAllYaml(stdout) as (KubernetesObject & { metadata: { name: string; namespace?: string } })[]).filter(
    Boolean,
  );
}
