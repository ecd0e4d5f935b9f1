export * from "./default-price-book.ts";
export * from "./engine.ts";
export * from "./sizing.ts";
