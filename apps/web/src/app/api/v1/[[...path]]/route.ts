import { handleRest } from "@weir/api/http";
import { domain } from "@/server/domain";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Every method Next dispatches goes to the API, which answers 405 with Allow for those a path
// does not take; the others never reach a route (see src/server/unsupported-methods.ts).
const handler = (req: Request) => handleRest(domain(), req);

export {
  handler as GET,
  handler as HEAD,
  handler as POST,
  handler as PUT,
  handler as PATCH,
  handler as DELETE,
  handler as OPTIONS,
};
