// The Java client properties of a SCRAM-SHA-512 client of a Weir Kafka cluster: one place for
// every Java-side client Weir configures or prints (Connect workers and connector overrides,
// MirrorMaker 2, the Spark jobs, the Java/Spark connection snippets). Pure, no I/O.
//
// A cluster's client listener is SASL_SSL (new clusters; the brokers' certificates are signed by
// the cluster's own CA, which clients trust through `ssl.truststore.certificates`) or
// SASL_PLAINTEXT (clusters created before TLS, and the optional loopback listener).

export type ClientSecurityProtocol = "SASL_SSL" | "SASL_PLAINTEXT";

export interface ClientSecurity {
  protocol: ClientSecurityProtocol;
  /** PEM of the cluster's CA certificate; required for SASL_SSL. */
  caPem?: string | null;
  username: string;
  password: string;
}

/** The JAAS line of a SCRAM-SHA-512 client. It holds the password: keep it out of logs and answers. */
export function scramJaasConfig(username: string, password: string): string {
  const q = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  return `org.apache.kafka.common.security.scram.ScramLoginModule required username=${q(username)} password=${q(password)};`;
}

/**
 * The Java client properties (security.protocol, sasl.mechanism, sasl.jaas.config and, for
 * SASL_SSL, a PEM truststore holding the cluster's CA), each key prefixed with `prefix` (for
 * example "producer.", "consumer.override.", "kafka." for Spark's Kafka source). Throws for
 * SASL_SSL without a CA: a client that trusted the JVM's default CAs could never connect.
 */
export function clientSecurityProps(c: ClientSecurity, prefix = ""): Record<string, string> {
  const props: Record<string, string> = {
    [`${prefix}security.protocol`]: c.protocol,
    [`${prefix}sasl.mechanism`]: "SCRAM-SHA-512",
    [`${prefix}sasl.jaas.config`]: scramJaasConfig(c.username, c.password),
  };
  if (c.protocol === "SASL_SSL") {
    if (!c.caPem) throw new Error("clientSecurityProps: SASL_SSL needs the cluster's CA certificate (caPem)");
    props[`${prefix}ssl.truststore.type`] = "PEM";
    props[`${prefix}ssl.truststore.certificates`] = c.caPem.trim();
  }
  return props;
}

/** clientSecurityProps as ordered pairs, for renderProperties. */
export function clientSecurityPairs(c: ClientSecurity, prefix = ""): [string, string][] {
  return Object.entries(clientSecurityProps(c, prefix));
}
