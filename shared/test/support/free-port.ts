import { createServer } from 'node:net';

/**
 * A free TCP port on 127.0.0.1: bound and released, so the server under test
 * (or a throwaway database) binds it again right after. Tests and benchmarks
 * share this one.
 */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
