// What the journeys over a running Kafka cluster share: the REST API as the signed-in user, and
// kcat as the outside client with a SCRAM credential (over SASL_SSL trusting the cluster's CA).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";

export interface KafkaCredential {
  username: string;
  password: string;
  bootstrapServers: string;
  /** SASL_SSL clusters: the CA (PEM) the admin-credential answer carries; kcat trusts it. */
  securityProtocol?: string;
  caCertificatePem?: string | null;
}

/** The CA of a SASL_SSL cluster as a file kcat can read (ssl.ca.location). */
function caFileOf(pem: string): string {
  const file = path.join(os.tmpdir(), `weir-e2e-ca-${createHash("sha256").update(pem).digest("hex").slice(0, 12)}.pem`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, pem);
  return file;
}

/** A REST call; anything but a 2xx throws with the status and the body. */
export async function api(request: APIRequestContext, method: string, path: string, data?: unknown) {
  const res = await request.fetch(`/api/v1${path}`, { method, ...(data === undefined ? {} : { data }) });
  const body = await res.json().catch(() => null);
  if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${JSON.stringify(body)}`);
  return body;
}

/** kcat against the cluster with `c`'s SCRAM-SHA-512 credential; `input` goes to its stdin. */
export function kcatAs(c: KafkaCredential, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = execFile(
      "kcat",
      [
        "-b",
        c.bootstrapServers,
        ...(c.caCertificatePem
          ? ["-X", "security.protocol=SASL_SSL", "-X", `ssl.ca.location=${caFileOf(c.caCertificatePem)}`]
          : ["-X", "security.protocol=SASL_PLAINTEXT"]),
        "-X",
        "sasl.mechanisms=SCRAM-SHA-512",
        "-X",
        `sasl.username=${c.username}`,
        "-X",
        `sasl.password=${c.password}`,
        ...args,
      ],
      { timeout: 60_000 },
      (error, out, err) => (error ? reject(new Error(`kcat: ${err}`)) : resolve(String(out))),
    );
    if (input !== undefined) p.stdin!.end(input);
  });
}
