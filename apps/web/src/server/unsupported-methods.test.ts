import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { answerUnsupportedMethods } from "./unsupported-methods";

let server: http.Server;
let restore: () => void;
let port: number;

beforeAll(async () => {
  restore = answerUnsupportedMethods();
  // Stands in for Next: whatever reaches it was dispatched.
  server = http.createServer((_req, res) => res.end("dispatched"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  restore();
  await new Promise((resolve) => server.close(resolve));
});

function send(method: string, path: string) {
  return new Promise<{ status: number; allow: string | undefined; body: string }>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, allow: res.headers.allow, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("TRACE on an API path is 405 with Allow and the API's error body", async () => {
  const r = await send("TRACE", "/api/v1/billing/usage?month=2026-01");
  expect(r.status).toBe(405);
  expect(r.allow).toBe("GET, HEAD, OPTIONS");
  expect(JSON.parse(r.body)).toEqual({
    error: {
      code: "METHOD_NOT_ALLOWED",
      message: "TRACE is not allowed on /api/v1/billing/usage; it takes GET, HEAD.",
    },
  });
});

test("a method Next does not dispatch on an unknown API path is 404; elsewhere a bare 405", async () => {
  const unknown = await send("PROPFIND", "/api/v1/no/such/path");
  expect(unknown.status).toBe(404);
  expect(JSON.parse(unknown.body).error.code).toBe("NOT_FOUND");
  const page = await send("TRACE", "/clusters");
  expect(page).toMatchObject({ status: 405, allow: "GET, HEAD", body: "" });
});

test("the methods Next dispatches pass through", async () => {
  for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
    expect((await send(method, "/api/v1/billing/usage")).body).toBe("dispatched");
  }
});
