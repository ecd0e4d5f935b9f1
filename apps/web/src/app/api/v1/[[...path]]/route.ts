import { handleRest } from "@weir/api/http";
import { domain } from "@/server/domain";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const handler = (req: Request) => handleRest(domain(), req);

export { handler as GET, handler as POST, handler as PATCH, handler as PUT, handler as DELETE };
