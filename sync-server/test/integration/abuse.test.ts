import { readFileSync } from 'node:fs';
import * as encoding from 'lib0/encoding';
import * as prng from 'lib0/prng';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCodes } from '#shared/protocol/close-codes.ts';
import { MessageType, SyncMessageType } from '#shared/protocol/messages.ts';
import { restClient } from '../helpers/rest.ts';
import { spawnServer } from '../helpers/spawn-server.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

const rssOf = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

/** One bad or slow client never harms a room, the server, or anyone else (SPEC SYNC6–SYNC8). */

const MAX_FRAME = 256 * 1024;
const MAX_BUFFERED = 512 * 1024;
const seed = Number(process.env.WEFT_SEED ?? Date.now() % 1_000_000_000);

let t: TestServer;
let token: string;
let workflowId: string;
const clients: YwsClient[] = [];

beforeAll(async () => {
  t = await startTestServer({ maxFrameBytes: MAX_FRAME, maxBufferedBytes: MAX_BUFFERED });
  await t.listen();
  const rest = restClient(t.baseUrl);
  const owner = await rest.signup('owner@example.com');
  token = owner.token;
  workflowId = await rest.createWorkflow(owner.as, 'Abused');
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await t.close();
});

const open = (): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`${t.wsUrl}/${workflowId}?token=${token}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

const closed = (ws: WebSocket): Promise<{ code: number; reason: string }> =>
  new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve({ code: 1006, reason: '' });
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });

/** Two healthy stock clients in the room; resolves once an edit of one reaches the other. */
const healthyPair = async (): Promise<{ a: YwsClient; b: YwsClient; check: (value: number) => Promise<void> }> => {
  const a = connectClient(t.wsUrl, workflowId, { token });
  const b = connectClient(t.wsUrl, workflowId, { token });
  clients.push(a, b);
  await Promise.all([a.synced(), b.synced()]);
  return {
    a,
    b,
    check: async (value: number) => {
      a.doc.getMap('health').set('value', value);
      await waitFor(`b to receive health=${value}`, () => b.doc.getMap('health').get('value') === value);
    },
  };
};

/** Random frames, a third of them starting like real messages so they reach deeper parsing. */
const randomFrame = (rng: prng.PRNG): Uint8Array => {
  const body = prng.uint8Array(rng, prng.int32(rng, 0, 64));
  const kind = prng.int32(rng, 0, 2);
  if (kind === 0) return body;
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, kind === 1 ? MessageType.sync : MessageType.awareness);
  if (kind === 1)
    encoding.writeVarUint(e, prng.oneOf(rng, [SyncMessageType.step1, SyncMessageType.step2, SyncMessageType.update]));
  encoding.writeVarUint(e, body.length + prng.int32(rng, -2, 2));
  encoding.writeUint8Array(e, body);
  return encoding.toUint8Array(e);
};

describe(`bad clients (seed ${seed}, replay with WEFT_SEED=${seed})`, () => {
  it('SYNC6: thousands of random frames close only the sockets that sent them', async () => {
    const { check } = await healthyPair();
    const rng = prng.create(seed);
    let sent = 0;
    let closedWithCode = 0;
    for (let round = 0; round < 40; round++) {
      const ws = await open();
      const done = closed(ws);
      for (let i = 0; i < 60 && ws.readyState === WebSocket.OPEN; i++) {
        ws.send(randomFrame(rng));
        sent++;
      }
      // A socket whose frames happened to be valid is closed by us instead.
      const timer = setTimeout(() => ws.close(), 300);
      const { code } = await done;
      clearTimeout(timer);
      if (code === CloseCodes.malformedMessage) closedWithCode++;
      expect([CloseCodes.malformedMessage, 1005, 1000]).toContain(code);
    }
    expect(sent).toBeGreaterThan(1000);
    expect(closedWithCode).toBeGreaterThan(30);
    await check(1);
    // The server still answers HTTP and accepts new sockets.
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    await check(2);
  });

  it('a text frame closes that socket with 4400', async () => {
    const ws = await open();
    const done = closed(ws);
    ws.send('hello');
    expect((await done).code).toBe(CloseCodes.malformedMessage);
  });

  it('SYNC7: an oversized frame closes that socket (1009) and the server never buffers it', async () => {
    // The server in its own process, so its memory is measured alone.
    const dir = tempDir();
    const server = await spawnServer(dir.path, { env: { WEFT_MAX_FRAME_BYTES: String(MAX_FRAME) } });
    try {
      const rest = restClient(server.baseUrl);
      const owner = await rest.signup('big@example.com');
      const id = await rest.createWorkflow(owner.as);
      const before = rssOf(server.child.pid ?? 0);
      for (let round = 0; round < 4; round++) {
        const sockets = await Promise.all(
          Array.from(
            { length: 4 },
            () =>
              new Promise<WebSocket>((resolve, reject) => {
                const ws = new WebSocket(`${server.wsUrl}/${id}?token=${owner.token}`);
                ws.once('open', () => resolve(ws));
                ws.once('error', reject);
              }),
          ),
        );
        const codes = await Promise.all(
          sockets.map((ws) => {
            const done = closed(ws);
            ws.send(new Uint8Array(32 * 1024 * 1024));
            return done;
          }),
        );
        expect(codes.map((c) => c.code)).toEqual(Array(4).fill(CloseCodes.messageTooBig));
      }
      // 16 × 32 MB were offered; the server's memory barely moved.
      const grown = rssOf(server.child.pid ?? 0) - before;
      console.log(`server RSS grew ${(grown / 1024 / 1024).toFixed(1)} MB after 16 oversized frames`);
      expect(grown, `server RSS grew ${(grown / 1024 / 1024).toFixed(1)} MB`).toBeLessThan(32 * 1024 * 1024);
      const c = connectClient(server.wsUrl, id, { token: owner.token });
      clients.push(c);
      await c.synced();
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
      dir.remove();
    }
  });

  it('SYNC8: a client that stops reading is disconnected once its send buffer passes the bound; others are unaffected', async () => {
    const { a, b } = await healthyPair();
    const members = () => t.server.rooms.peek(workflowId)?.size ?? 0;
    const before = members();
    const stalled = await open();
    await waitFor('the stalled socket to join', () => members() === before + 1);
    // Stop reading: the kernel buffers fill, then the server's send buffer for this socket grows.
    (stalled as unknown as { _socket: { pause(): void } })._socket.pause();
    const chunk = 'x'.repeat(10 * 1024);
    let sent = 0;
    const deadline = Date.now() + 30_000;
    while (members() > before && Date.now() < deadline) {
      a.doc.getArray<string>('bulk').push([`${sent++}:${chunk}`]);
      // The healthy reader shares this process's thread with the writer: paced by what it has read,
      // it is never more than 100 kB behind (a reader slower than the bound is dropped too, rightly),
      // while the stalled socket's backlog grows until the server drops it.
      if (sent % 10 === 0)
        await waitFor('b to keep up', () => b.doc.getArray('bulk').length === sent || members() <= before);
    }
    expect(members(), 'the stalled socket was dropped').toBe(before);
    expect(b.closes, 'the healthy reader kept its socket').toEqual([]);
    console.log(
      `stalled reader dropped after ${sent} updates (${((sent * chunk.length) / 1024 / 1024).toFixed(1)} MB)`,
    );
    // Loopback kernel buffers hold several MB; the server dropped it soon after its own bound.
    expect(sent * chunk.length).toBeLessThan(64 * 1024 * 1024);
    // The healthy reader got every update.
    await waitFor('b to hold everything a sent', () => b.doc.getArray('bulk').length === sent, 20_000);
    stalled.terminate();
  });
});
