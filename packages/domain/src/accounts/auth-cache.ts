// Who a credential belongs to, and a user's membership, remembered for a second: an API call
// then costs no authentication query while a burst of calls runs. A change made in this process
// (revoking a key, signing out, changing a role) forgets everything at once; one made in another
// console process is seen here within AUTH_CACHE_MS.
export const AUTH_CACHE_MS = 1000;
const MAX_ENTRIES = 10_000;

// The lookup itself is cached, while it runs too: when an entry ends under load, the calls that
// arrive before its query answers wait for that one query instead of each sending their own.
const entries = new Map<string, { value: Promise<unknown>; until: number }>();

/** `load()`'s value, cached under `key` for AUTH_CACHE_MS when it is not null. */
export function cachedAuth<T>(key: string, load: () => Promise<T | null>): Promise<T | null> {
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && hit.until > now) return hit.value as Promise<T | null>;
  if (entries.size >= MAX_ENTRIES) entries.clear();
  const value = load();
  const entry = { value, until: now + AUTH_CACHE_MS };
  entries.set(key, entry);
  const drop = () => {
    if (entries.get(key) === entry) entries.delete(key);
  };
  // A miss (null) or a failure is not remembered: the next call asks again.
  value.then((v) => v === null && drop(), drop);
  return value;
}

/** Forgets every cached credential and membership (after a revocation, sign-out or role change). */
export function forgetAuth(): void {
  entries.clear();
}
