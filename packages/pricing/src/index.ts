export * from "./default-price-book.ts";
