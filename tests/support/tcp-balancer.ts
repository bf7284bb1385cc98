/**
 * A minimal TCP load balancer on loopback, standing in for the one in front of
 * production nodes: each new connection goes to the next backend that accepts
 * it, so when a node dies its clients' reconnects land on the others.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface Balancer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startBalancer(backends: () => number[]): Promise<Balancer> {
  let next = 0;
  const open = new Set<Socket>();

  const pipeTo = (client: Socket, ports: number[], attempt: number) => {
    if (attempt >= ports.length) return client.destroy();
    const port = ports[(next + attempt) % ports.length]!;
    const upstream = connect(port, '127.0.0.1');
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      next = (next + attempt + 1) % ports.length;
      open.add(upstream);
      client.pipe(upstream).pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      // Refused before connecting: that node is down, try the next one.
      if (!connected) pipeTo(client, ports, attempt + 1);
    });
    upstream.on('close', () => {
      open.delete(upstream);
      if (connected) client.destroy();
    });
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.on('error', () => undefined);
    client.on('close', () => open.delete(client));
    pipeTo(client, backends(), 0);
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((res) => {
        for (const s of open) s.destroy();
        server.close(() => res());
      }),
  };
}
