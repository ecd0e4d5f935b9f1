import net from "node:net";

/** Asks the OS for `count` distinct free TCP ports on the loopback address. */
export async function freePorts(count: number, avoid: Set<number> = new Set()): Promise<number[]> {
  const ports: number[] = [];
  const servers: net.Server[] = [];
  try {
    while (ports.length < count) {
      const srv = net.createServer();
      await new Promise<void>((resolve, reject) => {
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => resolve());
      });
      servers.push(srv);
      const port = (srv.address() as net.AddressInfo).port;
      if (!avoid.has(port)) ports.push(port);
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
  return ports;
}
