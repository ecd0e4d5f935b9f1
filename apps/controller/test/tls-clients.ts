// How a test's clients reach a Weir Kafka cluster, as the cluster row says: SASL_SSL trusting
// its own CA (new clusters), or SASL_PLAINTEXT (clusters made before TLS, and brokers a test
// starts from a spec without TLS). kcat's -X options, kafkajs' `ssl`, and the CA itself.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Db } from "@weir/db";

export interface ClientSecurity {
  /** kcat: security.protocol and, for SASL_SSL, ssl.ca.location (a file with the CA). */
  kcat: string[];
  /** kafkajs: `ssl: { ca: [pem] }` for SASL_SSL, undefined otherwise. */
  ssl: { ca: string[] } | undefined;
  caPem: string | null;
}

export async function clusterClientSecurity(db: Db, clusterId: string): Promise<ClientSecurity> {
  const c = await db.kafkaCluster.findUniqueOrThrow({ where: { id: clusterId } });
  if (c.securityProtocol !== "SASL_SSL") {
    return { kcat: ["-X", "security.protocol=SASL_PLAINTEXT"], ssl: undefined, caPem: null };
  }
  if (!c.caCertPem) throw new Error(`cluster ${c.name} has no CA yet: wait until it runs`);
  const caFile = path.join(os.tmpdir(), `weir-test-ca-${clusterId}.pem`);
  fs.writeFileSync(caFile, c.caCertPem);
  return {
    kcat: ["-X", "security.protocol=SASL_SSL", "-X", `ssl.ca.location=${caFile}`],
    ssl: { ca: [c.caCertPem] },
    caPem: c.caCertPem,
  };
}
