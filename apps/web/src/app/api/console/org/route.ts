// The console's organisation switcher: remembers which organisation the browser acts in, in the
// same httpOnly cookie the API reads. Membership is checked here, so the cookie never names an
// organisation the user cannot see.
import { AppError, ORG_COOKIE, SESSION_COOKIE } from "@weir/domain";
import { env } from "@weir/env";
import { cookies, headers } from "next/headers";
import { z } from "zod";
import { domain } from "@/server/domain";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const body = z.strictObject({ orgId: z.uuid() });
const ORG_COOKIE_MAX_AGE = 365 * 86_400;

const error = (status: number, code: string, message: string, fields?: Record<string, string>) =>
  Response.json({ error: { code, message, ...(fields ? { fields } : {}) } }, { status });

export async function POST(req: Request) {
  const parsed = body.safeParse(await req.json().catch(() => null));
  if (!parsed.success)
    return error(400, "VALIDATION_FAILED", "Send { orgId } with an organisation id.", {
      orgId: "Must be an organisation id",
    });

  const jar = await cookies();
  const d = domain();
  const principal = await d.accounts.authenticate({ sessionToken: jar.get(SESSION_COOKIE)?.value ?? null });
  if (!principal || principal.kind !== "user") return error(401, "UNAUTHENTICATED", "Sign in to switch organisations.");

  const h = await headers();
  try {
    const scope = await d.accounts.resolveScope(
      {
        principal,
        meta: { ip: h.get("x-forwarded-for")?.split(",")[0]?.trim() ?? null, userAgent: h.get("user-agent") },
      },
      parsed.data.orgId,
    );
    jar.set(ORG_COOKIE, scope.orgId, {
      path: "/",
      httpOnly: true,
      sameSite: "lax",
      secure: env().WEIR_SECURE_COOKIES,
      maxAge: ORG_COOKIE_MAX_AGE,
    });
    return Response.json({ orgId: scope.orgId, role: scope.role });
  } catch (e) {
    if (e instanceof AppError) return error(e.httpStatus, e.code, e.message, e.fields);
    throw e;
  }
}

/** Forgets the chosen organisation, so the API falls back to the user's first one. */
export async function DELETE() {
  (await cookies()).delete(ORG_COOKIE);
  return new Response(null, { status: 204 });
}
