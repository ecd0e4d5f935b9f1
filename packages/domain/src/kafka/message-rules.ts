// The message browser's bounds, without zod so the console's form offers the same ones
// (`@weir/domain/rules`); the schema in messages.ts is built from them.

/** Records one browse shows. */
export const BROWSE_LIMIT = { default: 50, max: 500 } as const;

/** Records one browse reads, matching or not: the cap keeps a filter from reading a whole topic. */
export const BROWSE_SCAN = { default: 5_000, max: 50_000 } as const;
