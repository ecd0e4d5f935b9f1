// `@weir/domain/status` and `@weir/domain/rules` are imported by the console's client
// components: anything they load at run time lands in the browser bundle. They may import each
// other and types from anywhere, nothing else (no zod, no Prisma, no Node built-ins).
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { exports } = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as {
  exports: Record<string, string>;
};

/** The packages a file loads at run time (type-only imports are erased), following relative imports. */
function runtimeImports(file: string, seen = new Set<string>()): string[] {
  const packages: string[] = [];
  seen.add(file);
  const source = readFileSync(file, "utf8");
  for (const m of source.matchAll(/^(?:import|export)\s+(type\s+)?(?:[^;]*?\s+from\s+)?"([^"]+)"/gm)) {
    const [, typeOnly, spec] = m;
    if (typeOnly || !spec) continue;
    if (!spec.startsWith(".")) {
      packages.push(spec);
      continue;
    }
    const next = resolve(dirname(file), spec);
    if (!seen.has(next)) packages.push(...runtimeImports(next, seen));
  }
  return packages;
}

describe("modules the console imports in the browser", () => {
  test.each(["./status", "./rules"])("%s loads no package at run time", (entry) => {
    expect(runtimeImports(resolve(root, exports[entry]!))).toEqual([]);
  });

  test("the check sees what the server entry loads", () => {
    expect(runtimeImports(resolve(root, exports["."]!))).toEqual(expect.arrayContaining(["zod", "@weir/runtime"]));
  });
});
