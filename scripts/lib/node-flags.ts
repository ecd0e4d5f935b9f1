/**
 * Node flags of the console and the controller under `pnpm start`, and of the console that
 * `pnpm bench:api` measures (so the bench measures what users run).
 *
 * - The controller keeps a young generation of 4 MB (semi-space) instead of Node's 16 MB: it does
 *   little allocation per second, and the smaller heap saves memory (`pnpm bench:control-plane`).
 * - The console keeps Node's 16 MB: under `pnpm bench:api` at 50 connections, 4 MB cost a third
 *   of its throughput to garbage collection (ratio to the floor 0.27-0.41x against 0.41-0.50x,
 *   alternating runs on 30 Nov) for 313 MB RSS after the runs instead of 438-468 MB; idle it is
 *   about 20 MB larger (250 MB).
 * - WebAssembly (Prisma's query compiler) stays on V8's baseline compiler in both, which costs no
 *   measurable query time and saves about 50 MB per process.
 */
export const NODE_FLAGS = {
  console: ["--max-semi-space-size=16", "--liftoff-only"],
  controller: ["--enable-source-maps", "--max-semi-space-size=4", "--liftoff-only"],
};
