// Runs once when the console's server starts.
export async function register() {
  // Next sets NEXT_RUNTIME at build time; the Node server is the one that receives requests.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { answerUnsupportedMethods } = await import("./server/unsupported-methods");
  answerUnsupportedMethods();
}
