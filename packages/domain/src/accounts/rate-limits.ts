// Rate limits on the doors an attacker knocks on (sign-in, sign-up, API-key creation), counted
// in Postgres so every console process shares one count, and the per-API-key request limit,
// counted in the process (a write per API call would cost more than the call itself). A subject
// the count has put over its limit is then refused from memory until its window ends, so a
// burst past the limit costs no query per attempt.
import type { Db } from "@weir/db";
import { RateLimitedError } from "../errors.ts";

export interface LimitRule {
  /** Names the counter: `<rule>:<subject>`. */
  name: string;
  limit: number;
  windowSeconds: number;
  /** The sentence a refused caller reads, before "Try again in …". */
  message: string;
}

export const LIMITS = {
  signInPerIp: {
    name: "sign_in:ip",
    limit: 20,
    windowSeconds: 600,
    message: "Too many sign-in attempts from this address.",
  },
  signInPerAccount: {
    name: "sign_in:account",
    limit: 10,
    windowSeconds: 900,
    message: "Too many sign-in attempts for this account.",
  },
  signUpPerIp: { name: "sign_up:ip", limit: 10, windowSeconds: 3600, message: "Too many sign-ups from this address." },
  signUpPerAccount: {
    name: "sign_up:account",
    limit: 5,
    windowSeconds: 3600,
    message: "Too many sign-ups with this email.",
  },
  apiKeyCreatePerIp: {
    name: "api_key_create:ip",
    limit: 30,
    windowSeconds: 3600,
    message: "Too many API keys created from this address.",
  },
  apiKeyCreatePerAccount: {
    name: "api_key_create:account",
    limit: 20,
    windowSeconds: 3600,
    message: "Too many API keys created by this account.",
  },
} satisfies Record<string, LimitRule>;

/**
 * A refusal by consumeLimit. `firstInWindow` is true for exactly one refusal per counter and
 * window, across console processes (the one that took the count just past the limit), so a burst
 * writes one audit event rather than one per attempt.
 */
export class LimitExceededError extends RateLimitedError {
  constructor(
    message: string,
    retryAfterSeconds: number,
    readonly firstInWindow: boolean,
  ) {
    super(message, retryAfterSeconds);
  }
}

/** Counters known to be over their limit: key → when their window ends (ms since the epoch). */
const overLimit = new Map<string, number>();
const MAX_REMEMBERED = 10_000;

function rememberOverLimit(key: string, until: number, now: number) {
  if (overLimit.size >= MAX_REMEMBERED) {
    for (const [k, end] of overLimit) if (end <= now) overLimit.delete(k);
    // Still full of live entries: forget them all; the next attempts ask Postgres again.
    if (overLimit.size >= MAX_REMEMBERED) overLimit.clear();
  }
  overLimit.set(key, until);
}

const retryText = (seconds: number) =>
  seconds >= 120 ? `Try again in ${Math.ceil(seconds / 60)} minutes.` : `Try again in ${seconds} s.`;

/**
 * The refusal `consumeLimit` would answer from memory for a subject this process has seen over
 * its limit, or null; it counts nothing and sends no query, so a transport can refuse a burst
 * before reading its requests.
 */
export function knownOverLimit(rule: LimitRule, subject: string, now = Date.now()): LimitExceededError | null {
  const until = overLimit.get(`${rule.name}:${subject}`);
  if (until === undefined || until <= now) return null;
  const seconds = Math.max(1, Math.ceil((until - now) / 1000));
  return new LimitExceededError(`${rule.message} ${retryText(seconds)}`, seconds, false);
}

/**
 * Counts one attempt against `rule` for `subject` (an IP, an email, a user id) in one atomic
 * statement (a fixed window that restarts once it has ended), and throws LimitExceededError once
 * the count passes the limit. Counting before the work is done is what bounds a concurrent burst.
 * A subject this process has seen over its limit is refused without a query until the window
 * ends: the count could only grow, and the window's end does not move.
 */
export async function consumeLimit(db: Db, rule: LimitRule, subject: string): Promise<void> {
  const key = `${rule.name}:${subject}`;
  const now = Date.now();
  const known = knownOverLimit(rule, subject, now);
  if (known) throw known;
  const [row] = await db.$queryRaw<Array<{ count: number; retry_after: number }>>`
    INSERT INTO rate_limit_counters (key, count, window_ends)
    VALUES (${key}, 1, now() + make_interval(secs => ${rule.windowSeconds}))
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rate_limit_counters.window_ends <= now() THEN 1 ELSE rate_limit_counters.count + 1 END,
      window_ends = CASE WHEN rate_limit_counters.window_ends <= now()
        THEN EXCLUDED.window_ends ELSE rate_limit_counters.window_ends END
    RETURNING count, ceil(extract(epoch FROM window_ends - now()))::int AS retry_after`;
  // Ended windows are deleted now and then rather than by a periodic task: they restart at 1
  // anyway, so keeping them only costs space.
  if (Math.random() < 0.01) pruneLimits(db).catch((e: unknown) => console.warn("[rate-limits] prune:", e));
  if (row && row.count > rule.limit) {
    const seconds = Math.max(1, row.retry_after);
    rememberOverLimit(key, now + seconds * 1000, now);
    throw new LimitExceededError(`${rule.message} ${retryText(seconds)}`, seconds, row.count === rule.limit + 1);
  }
}

/** Forgets the count of `rule` for `subject` (a successful sign-in clears its account's failures). */
export async function resetLimit(db: Db, rule: LimitRule, subject: string): Promise<void> {
  overLimit.delete(`${rule.name}:${subject}`);
  await db.rateLimitCounter.deleteMany({ where: { key: `${rule.name}:${subject}` } });
}

/** Deletes counters whose window has ended (they would restart at 1 anyway). */
export async function pruneLimits(db: Db): Promise<number> {
  const { count } = await db.rateLimitCounter.deleteMany({ where: { windowEnds: { lt: new Date() } } });
  return count;
}

/** Where an API key stands against its organisation's per-minute limit, for the RateLimit-* headers. */
export interface RequestAllowance {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

const keyWindows = new Map<string, { count: number; endsAt: number }>();

/**
 * Counts one request of API key `keyId` against `perMinute` in this process's one-minute fixed
 * window; throws RateLimitedError past it. With N console processes a key can make up to N times
 * the limit, the price of not writing to Postgres on every call.
 */
export function consumeKeyRequest(keyId: string, perMinute: number, now = Date.now()): RequestAllowance {
  let w = keyWindows.get(keyId);
  if (!w || w.endsAt <= now) {
    if (keyWindows.size > 10_000) for (const [k, v] of keyWindows) if (v.endsAt <= now) keyWindows.delete(k);
    w = { count: 0, endsAt: now + 60_000 };
    keyWindows.set(keyId, w);
  }
  w.count += 1;
  const resetSeconds = Math.max(1, Math.ceil((w.endsAt - now) / 1000));
  const allowance = { limit: perMinute, remaining: Math.max(0, perMinute - w.count), resetSeconds };
  if (w.count > perMinute) {
    throw new RateLimitedError(
      `This API key made more than ${perMinute} requests this minute, its organisation's limit. ${retryText(resetSeconds)}`,
      resetSeconds,
      allowance,
    );
  }
  return allowance;
}
