import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { binaryFrame, frameHeader } from './ws-frame.ts';

/** Frames written raw to the TCP socket must be what a real `ws` client reads, at every length encoding. */
describe('binaryFrame', () => {
  let server: WebSocketServer;
  let url: string;
  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 70_000, 3 * 1024 * 1024])(
    'a %i-byte payload arrives intact',
    async (size) => {
      const payload = new Uint8Array(size).map((_, i) => (i * 31 + size) & 0xff);
      const serverSide = new Promise<void>((resolve) =>
        server.once('connection', (_ws, req) => {
          req.socket.write(binaryFrame(payload));
          // The same frame as header + untouched payload, in one corked write.
          const head = payload.subarray(0, 3);
          req.socket.cork();
          req.socket.write(frameHeader(head.byteLength));
          req.socket.write(head);
          req.socket.uncork();
          resolve();
        }),
      );
      const client = new WebSocket(url);
      const received: Buffer[] = [];
      await new Promise<void>((resolve, reject) => {
        client.on('message', (data: Buffer, isBinary) => {
          expect(isBinary).toBe(true);
          received.push(data);
          if (received.length === 2) resolve();
        });
        client.on('error', reject);
      });
      await serverSide;
      client.close();
      expect(received[0]?.equals(Buffer.from(payload))).toBe(true);
      expect(received[1]?.equals(Buffer.from(payload.subarray(0, 3)))).toBe(true);
    },
  );
});
