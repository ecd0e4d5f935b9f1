// The operation shapes the resource routers share. A procedure stays parse → authorise → one
// service call; a router names the route, the input and the service call, and the block adds the
// OpenAPI meta, the answer's schema and the `{ items }` envelope of lists.
import type { Domain, OrgScope } from "@weir/domain";
import { z } from "zod";
import * as s from "../schemas.ts";
import { orgProcedure, type Meta } from "../trpc.ts";

/** What a service call gets from a procedure on an organisation's resources. */
export interface OrgCall {
  domain: Domain;
  scope: OrgScope;
}

interface Route<I extends z.ZodType> {
  path: `/${string}`;
  summary: string;
  input: I;
  /** Statuses it can answer beyond those its access, method and path imply. */
  alsoAnswers?: Meta["alsoAnswers"];
}

const meta = (method: "GET" | "POST" | "PATCH" | "DELETE", tags: string[], r: Route<z.ZodType>): Meta => ({
  openapi: { method, path: r.path, tags, summary: r.summary },
  ...(r.alsoAnswers ? { alsoAnswers: r.alsoAnswers } : {}),
});

/**
 * A service call's answer as tRPC's resolver type, which it cannot work out for a schema named by a
 * type parameter; each block's `call` is typed against the schema itself, which checks the answer.
 */
const answer = <T>(p: Promise<unknown>) => p as Promise<T>;

/**
 * The operations on one kind of resource, answering `view`; a list answers `{ items }` of `item`
 * (a lighter view, or the same).
 */
export function resourceOperations<V extends z.ZodType, L extends z.ZodType = V>(
  tags: string[],
  view: V,
  item: L = view as unknown as L,
) {
  return {
    /** GET: the resources, as `{ items }`. */
    list<I extends z.ZodType>(r: Route<I>, call: (c: OrgCall, input: z.output<I>) => Promise<z.input<L>[]>) {
      return orgProcedure
        .meta(meta("GET", tags, r))
        .input(r.input)
        .output(z.object({ items: z.array(item) }))
        .query(async ({ ctx, input }) => ({ items: await call(ctx, input as z.output<I>) }));
    },

    /** GET: one resource. */
    get<I extends z.ZodType>(r: Route<I>, call: (c: OrgCall, input: z.output<I>) => Promise<z.input<V>>) {
      return orgProcedure
        .meta(meta("GET", tags, r))
        .input(r.input)
        .output(view)
        .query(({ ctx, input }) => answer(call(ctx, input as z.output<I>)));
    },

    /** A change (create, update, delete, an action), answering the resource as it is now. */
    change<I extends z.ZodType>(
      method: "POST" | "PATCH" | "DELETE",
      r: Route<I>,
      call: (c: OrgCall, input: z.output<I>) => Promise<z.input<V>>,
    ) {
      return orgProcedure
        .meta(meta(method, tags, r))
        .input(r.input)
        .output(view)
        .mutation(({ ctx, input }) => answer(call(ctx, input as z.output<I>)));
    },

    /** GET: what the controller did and saw about one resource. */
    events<I extends z.ZodType>(
      r: Omit<Route<I>, "summary"> & { summary?: string },
      call: (c: OrgCall, input: z.output<I>) => Promise<z.input<typeof s.resourceEvent>[]>,
    ) {
      return orgProcedure
        .meta(meta("GET", tags, { ...r, summary: r.summary ?? "What the controller did and saw" }))
        .input(r.input)
        .output(z.object({ items: z.array(s.resourceEvent) }))
        .query(async ({ ctx, input }) => ({ items: await call(ctx, input as z.output<I>) }));
    },
  };
}
