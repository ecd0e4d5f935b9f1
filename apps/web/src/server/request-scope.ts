// Who is calling, and in which organisation, for console routes outside the API (the Spark UI
// proxy): the same credentials the API reads (the session cookie, or an API key as a bearer
// token; the organisation from the x-weir-org header or the org cookie), checked by the same
// domain functions the API's procedures use.
import { AppError, ORG_COOKIE, SESSION_COOKIE, type Domain, type OrgScope } from "@weir/domain";
import type { NextRequest } from "next/server";

/** The caller's organisation scope; throws UNAUTHENTICATED without valid credentials, NOT_FOUND for an org not theirs. */
export async function scopeOfRequest(domain: Domain, req: NextRequest): Promise<OrgScope> {
  const bearer = req.headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? null;
  const principal = await domain.accounts.authenticate({
    sessionToken: req.cookies.get(SESSION_COOKIE)?.value ?? null,
    bearer,
  });
  if (!principal) {
    throw new AppError(
      "UNAUTHENTICATED",
      bearer ? "The API key is not valid or has been revoked." : "Sign in to open the Spark UI.",
    );
  }
  const forwarded = req.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const meta = { ip: forwarded || req.headers.get("x-real-ip") || null, userAgent: req.headers.get("user-agent") };
  const requestedOrgId = req.headers.get("x-weir-org") ?? req.cookies.get(ORG_COOKIE)?.value ?? null;
  return domain.accounts.resolveScope({ principal, meta }, requestedOrgId);
}
