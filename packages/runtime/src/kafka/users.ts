// SCRAM-SHA-512 credentials through AlterUserScramCredentials / DescribeUserScramCredentials.
// The client derives the salted password (RFC 5802 Hi = PBKDF2-HMAC-SHA-512), so the plaintext
// never crosses the wire and Kafka stores only the salted credential.
import { pbkdf2Sync, randomBytes } from "node:crypto";
import {
  alterUserScramCredentialsV0,
  describeUserScramCredentialsV0,
  protocolErrorsCodesById,
  ScramMechanisms,
} from "@platformatic/kafka";
import type { KafkaAdmin } from "./admin.ts";
import { KafkaRequestError, refusalFromCode } from "./errors.ts";

export const SCRAM_ITERATIONS = 8192;

/** Raw APIs throw on any per-item error; the response rides on the error, so read it there. */
async function answered<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    const response = (e as { response?: T }).response;
    if (response) return response;
    throw e;
  }
}

function check(results: { user: string; errorCode: number; errorMessage?: string | null }[]): void {
  for (const r of results) {
    if (r.errorCode !== 0) {
      throw new KafkaRequestError(
        refusalFromCode(protocolErrorsCodesById[r.errorCode] ?? String(r.errorCode), r.errorMessage ?? null),
      );
    }
  }
}

/** Creates or replaces the user's SCRAM-SHA-512 credential. */
export async function upsertScramUser(
  admin: KafkaAdmin,
  name: string,
  password: string,
  iterations = SCRAM_ITERATIONS,
): Promise<void> {
  const salt = randomBytes(32);
  const saltedPassword = pbkdf2Sync(password, salt, iterations, 64, "sha512");
  const res = await answered(
    admin.withConnection((c) =>
      alterUserScramCredentialsV0.api.async(
        c,
        [],
        [{ name, mechanism: ScramMechanisms.SCRAM_SHA_512, iterations, salt, saltedPassword }],
      ),
    ),
  );
  check(res.results);
}

/** Removes the user's SCRAM-SHA-512 credential; a user that has none is not an error. */
export async function deleteScramUser(admin: KafkaAdmin, name: string): Promise<void> {
  const res = await answered(
    admin.withConnection((c) =>
      alterUserScramCredentialsV0.api.async(c, [{ name, mechanism: ScramMechanisms.SCRAM_SHA_512 }], []),
    ),
  );
  check(res.results.filter((r) => protocolErrorsCodesById[r.errorCode] !== "RESOURCE_NOT_FOUND"));
}

/** Users that hold a SCRAM credential (with its iteration count), all of them or the named ones. */
export async function describeScramUsers(admin: KafkaAdmin, names?: string[]): Promise<Map<string, number>> {
  // Asked for named users, Kafka answers RESOURCE_NOT_FOUND for those without a credential.
  const res = await answered(
    admin.withConnection((c) =>
      describeUserScramCredentialsV0.api.async(c, names ? names.map((name) => ({ name })) : []),
    ),
  );
  const out = new Map<string, number>();
  for (const r of res.results) {
    const info = r.credentialInfos.find((c) => c.mechanism === ScramMechanisms.SCRAM_SHA_512);
    if (r.errorCode === 0 && info) out.set(r.user, info.iterations);
  }
  return out;
}
