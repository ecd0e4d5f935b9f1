import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { proxySparkUi, rewriteHtml, rewriteLocation, UpstreamUnreachable } from "./spark-ui-proxy";

const PREFIX = "/spark-ui/0b7c6a43-56f0-4a49-9d0e-2f2f6f7a1c11";
let master: http.Server;
let port: number;
const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }> = [];

// Stands in for a Spark master UI: what it answers is what Spark 4.2's master answers.
beforeAll(async () => {
  master = http.createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    const path = new URL(req.url!, "http://x").pathname;
    if (path === "/") {
      res.writeHead(200, {
        "content-type": "text/html;charset=utf-8",
        connection: "close, x-spark-hop",
        "x-spark-hop": "1",
        "set-cookie": "weir_session=stolen; Path=/",
        "x-frame-options": "SAMEORIGIN",
      });
      res.end(
        `<a href="${PREFIX}/proxy/worker-1">w</a><a href="/environment/">e</a>` +
          `<link href="${PREFIX}/static/webui.css"><a href="//cdn.example/x">c</a><a href="https://spark.apache.org/">s</a>`,
      );
    } else if (path === "/environment") {
      res.writeHead(301, { location: "/environment/" });
      res.end();
    } else if (path === "/environment/") {
      res.writeHead(200, { "content-type": "text/html;charset=utf-8" });
      res.end("<h1>Environment</h1>");
    } else if (path === "/absolute") {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/static/` });
      res.end();
    } else if (path === "/elsewhere") {
      res.writeHead(302, { location: "http://127.0.0.1:1/" });
      res.end();
    } else if (path === "/static/app.js") {
      res.writeHead(200, { "content-type": "text/javascript", "content-length": "10" });
      res.end("var a = 1;");
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("nope");
    }
  });
  await new Promise<void>((resolve) => master.listen(0, "127.0.0.1", resolve));
  port = (master.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => master.close(resolve)));

function proxy(path: string, init: RequestInit & { search?: string } = {}) {
  const req = new Request(`http://console.test${PREFIX}${path}${init.search ?? ""}`, init);
  return proxySparkUi({ req, upstream: { host: "127.0.0.1", port }, prefix: PREFIX, path, search: init.search ?? "" });
}

test("forwards the path and query, and none of the console's credentials", async () => {
  seen.length = 0;
  const res = await proxy("/static/app.js", {
    search: "?a=1&b",
    headers: { cookie: "weir_session=secret", authorization: "Bearer k", accept: "*/*", "if-none-match": '"x"' },
  });
  expect(res.status).toBe(200);
  expect(await res.text()).toBe("var a = 1;");
  expect(res.headers.get("content-type")).toBe("text/javascript");
  expect(seen[0]!.url).toBe("/static/app.js?a=1&b");
  expect(seen[0]!.headers.cookie).toBeUndefined();
  expect(seen[0]!.headers.authorization).toBeUndefined();
  expect(seen[0]!.headers.accept).toBe("*/*");
  expect(seen[0]!.headers["if-none-match"]).toBe('"x"');
});

test("the root page: hop-by-hop headers and Spark's cookies dropped, root links moved under the prefix", async () => {
  const res = await proxy("");
  expect(res.status).toBe(200);
  expect(res.headers.get("connection")).toBeNull();
  expect(res.headers.get("x-spark-hop")).toBeNull();
  expect(res.headers.get("set-cookie")).toBeNull();
  expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  const html = await res.text();
  expect(html).toContain(`href="${PREFIX}/proxy/worker-1"`);
  expect(html).toContain(`href="${PREFIX}/environment/"`);
  expect(html).toContain(`href="${PREFIX}/static/webui.css"`);
  expect(html).toContain('href="//cdn.example/x"');
  expect(html).toContain('href="https://spark.apache.org/"');
});

test("a redirect that only adds a trailing slash is followed, since Next would strip the slash again", async () => {
  const res = await proxy("/environment");
  expect(res.status).toBe(200);
  expect(await res.text()).toBe("<h1>Environment</h1>");
});

test("a redirect to the master's own address stays under the prefix; one to another port is refused", async () => {
  const abs = await proxy("/absolute");
  expect(abs.status).toBe(302);
  expect(abs.headers.get("location")).toBe(`${PREFIX}/static/`);
  const elsewhere = await proxy("/elsewhere");
  expect(elsewhere.status).toBe(502);
  expect(elsewhere.headers.get("location")).toBeNull();
});

test("HEAD has the status and headers without a body; errors pass through", async () => {
  const head = await proxy("/static/app.js", { method: "HEAD" });
  expect(head.status).toBe(200);
  expect(head.headers.get("content-type")).toBe("text/javascript");
  expect(await head.text()).toBe("");
  expect((await proxy("/missing")).status).toBe(404);
});

test("a master that does not listen is UpstreamUnreachable, refused", async () => {
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const req = new Request(`http://console.test${PREFIX}/`);
  const err = await proxySparkUi({
    req,
    upstream: { host: "127.0.0.1", port: deadPort },
    prefix: PREFIX,
    path: "/",
    search: "",
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamUnreachable);
  expect((err as UpstreamUnreachable).reason).toBe("refused");
});

test("rewriteLocation and rewriteHtml", () => {
  const up = new URL("http://127.0.0.1:4040/x");
  expect(rewriteLocation("/static/", up, PREFIX)).toBe(`${PREFIX}/static/`);
  expect(rewriteLocation(`${PREFIX}/jobs/?id=1`, up, PREFIX)).toBe(`${PREFIX}/jobs/?id=1`);
  expect(rewriteLocation("http://localhost:4040/a#b", up, PREFIX)).toBe(`${PREFIX}/a#b`);
  expect(rewriteLocation("http://127.0.0.1:4041/", up, PREFIX)).toBeNull();
  expect(rewriteLocation("https://spark.apache.org/docs", up, PREFIX)).toBe("https://spark.apache.org/docs");
  expect(rewriteHtml(`<a href='/logPage/?self&amp;logType=out'>`, PREFIX)).toBe(
    `<a href='${PREFIX}/logPage/?self&amp;logType=out'>`,
  );
  expect(rewriteHtml(`<form action="/app/kill/">`, PREFIX)).toBe(`<form action="${PREFIX}/app/kill/">`);
  expect(rewriteHtml(`<a href="${PREFIX}">`, PREFIX)).toBe(`<a href="${PREFIX}">`);
});
