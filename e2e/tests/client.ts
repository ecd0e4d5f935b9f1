// Each journey is a different client behind the console's trusted proxy (the e2e server runs
// with WEIR_TRUSTED_PROXIES=127.0.0.1), as users on their own machines would be: the per-address
// limits on sign-up, sign-in and API-key creation count each journey's attempts, not the whole
// run's, and the audit log records the forwarded address.
export function asOwnClient() {
  const n = () => 1 + Math.floor(Math.random() * 254);
  return { extraHTTPHeaders: { "X-Forwarded-For": `198.51.${n()}.${n()}` } };
}
