import { listAuditInput } from "@weir/domain";
import { z } from "zod";
import * as s from "../schemas.ts";
import { orgProcedure, router } from "../trpc.ts";

export const auditRouter = router({
  list: orgProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/audit-events",
        tags: ["audit"],
        summary: "Audit events, newest first, with filters and keyset paging",
      },
    })
    .input(listAuditInput)
    .output(z.object({ items: z.array(s.auditEvent), nextCursor: z.string().nullable() }))
    .query(({ ctx, input }) => ctx.domain.audit.list(ctx.scope, input)),
});
