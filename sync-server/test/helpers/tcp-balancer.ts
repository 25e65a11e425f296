import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A round-robin TCP balancer on 127.0.0.1, standing in for the load balancer
 * in front of a cluster: each new connection goes to the next backend that
 * accepts it, skipping dead ones. TCP, not HTTP, so WebSocket upgrades pass
 * untouched and the stock y-websocket provider (one URL) reconnects "to
 * another instance" when its instance dies, unmodified.
 */
export interface TcpBalancer {
  port: number;
  url: string;
  /** Which backend served each connection, in order (port numbers). */
  readonly served: number[];
  close(): Promise<void>;
}

export const startTcpBalancer = async (backends: () => readonly number[]): Promise<TcpBalancer> => {
  let next = 0;
  const served: number[] = [];
  const open = new Set<Socket>();

  /** Tries the backends from the round-robin position on; undefined when none accepts. */
  const dial = async (): Promise<{ socket: Socket; port: number } | undefined> => {
    const ports = backends();
    for (let tried = 0; tried < ports.length; tried++) {
      const port = ports[next++ % ports.length];
      if (port === undefined) continue;
      const socket = await new Promise<Socket | undefined>((resolve) => {
        const s = connect({ host: '127.0.0.1', port });
        s.once('connect', () => resolve(s));
        s.once('error', () => resolve(undefined));
      });
      if (socket) return { socket, port };
    }
    return undefined;
  };

  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    void dial().then((backend) => {
      if (!backend || client.destroyed) {
        backend?.socket.destroy();
        client.destroy();
        return;
      }
      served.push(backend.port);
      const upstream = backend.socket;
      open.add(upstream);
      upstream.on('close', () => {
        open.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    served,
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
