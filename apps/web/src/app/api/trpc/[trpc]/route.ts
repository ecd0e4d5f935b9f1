import { handleTrpc } from "@weir/api/http";
import { domain } from "@/server/domain";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const handler = (req: Request) => handleTrpc(domain(), req);

export { handler as GET, handler as POST };
