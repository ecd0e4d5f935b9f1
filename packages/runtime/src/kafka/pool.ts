// The Kafka Admin client pool: one KafkaAdmin per cluster and credential, kept open so a page, a
// reconcile pass or a metrics sample does not pay a SCRAM handshake per request. The API and
// the controller each hold one pool per process; a changed address or credential replaces the
// cluster's client.
import { KafkaAdmin } from "./admin.ts";

export interface AdminTarget {
  clusterId: string;
  bootstrapServers: string;
  username: string;
  /** Identifies the credential without decrypting it (e.g. its ciphertext). */
  credentialKey: string;
  /** Called only when a new client is needed. */
  password: () => string;
  /** SASL_SSL clusters: the cluster's CA certificate (PEM). */
  ca?: string | null;
}

/** The columns of a cluster row the pool needs. */
export interface ClusterCredentials {
  id: string;
  bootstrapServers: string | null;
  adminUsername: string | null;
  adminPasswordEncrypted: string | null;
  /** "SASL_SSL" (with caCertPem) or "SASL_PLAINTEXT"; absent: SASL_PLAINTEXT. */
  securityProtocol?: string;
  caCertPem?: string | null;
}

export class KafkaAdminPool {
  private readonly clients = new Map<string, { key: string; admin: KafkaAdmin }>();

  constructor(private readonly timeoutMs = 8_000) {}

  get(target: AdminTarget): KafkaAdmin {
    const key = `${target.bootstrapServers}|${target.username}|${target.credentialKey}|${target.ca ?? ""}`;
    const hit = this.clients.get(target.clusterId);
    if (hit?.key === key) return hit.admin;
    void hit?.admin.close();
    const admin = new KafkaAdmin({
      bootstrap: target.bootstrapServers.split(",").filter(Boolean),
      username: target.username,
      password: target.password(),
      timeoutMs: this.timeoutMs,
      ...(target.ca ? { ca: target.ca } : {}),
    });
    this.clients.set(target.clusterId, { key, admin });
    return admin;
  }

  /**
   * The client of a cluster as its row describes it (address, admin user, encrypted password),
   * or null while it has no address or credential yet (or, SASL_SSL, no CA yet). `decrypt` runs
   * only for a new client.
   */
  forCluster(cluster: ClusterCredentials, decrypt: (encrypted: string) => string): KafkaAdmin | null {
    const { id, bootstrapServers, adminUsername, adminPasswordEncrypted } = cluster;
    if (!bootstrapServers || !adminUsername || !adminPasswordEncrypted) return null;
    const tls = cluster.securityProtocol === "SASL_SSL";
    if (tls && !cluster.caCertPem) return null;
    return this.get({
      clusterId: id,
      bootstrapServers,
      username: adminUsername,
      credentialKey: adminPasswordEncrypted,
      password: () => decrypt(adminPasswordEncrypted),
      ...(tls ? { ca: cluster.caCertPem } : {}),
    });
  }

  /** Closes the clients of one cluster, or all of them. */
  async close(clusterId?: string): Promise<void> {
    const entries = [...this.clients].filter(([id]) => !clusterId || id === clusterId);
    for (const [id] of entries) this.clients.delete(id);
    await Promise.all(entries.map(([, e]) => e.admin.close()));
  }
}

/** This process's pool. */
export const kafkaAdmins = new KafkaAdminPool();
