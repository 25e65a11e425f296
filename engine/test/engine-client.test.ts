import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { ENGINE_PATH, engineBatchSchema, type EngineToServer } from '#shared/protocol/engine.ts';
import { EngineClient } from '../src/connection/engine-client.ts';
import { definition, node } from './harness.ts';

/**
 * The engine's side of the job contract, against a real WebSocket server on
 * 127.0.0.1 that speaks the engine protocol: a job the engine cannot read, or
 * whose definition is not a workflow, fails that run with a reason, and the
 * engine goes on taking jobs.
 */

let server: WebSocketServer;
let socket: WebSocket;
let client: EngineClient;
const finished = new Map<string, Extract<EngineToServer, { type: 'finished' }>>();
const waiters = new Map<string, () => void>();

const resultOf = (executionId: string) =>
  new Promise<Extract<EngineToServer, { type: 'finished' }>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no result for ${executionId} within 10 s`)), 10_000);
    const done = () => {
      const message = finished.get(executionId);
      if (!message) return;
      clearTimeout(timer);
      resolve(message);
    };
    if (finished.has(executionId)) done();
    else waiters.set(executionId, done);
  });

const valid = definition({
  name: 'Contract',
  nodes: [
    node('Start', 'manualTrigger'),
    node('Set', 'set', { assignments: [{ name: 'ok', value: 'yes', type: 'string' }] }),
  ],
  edges: [{ source: 'Start', target: 'Set' }],
});

const job = (executionId: string, versionHash: string, def: unknown): Record<string, unknown> => ({
  executionId,
  workflow: { id: 'wf', name: 'Contract', active: false },
  mode: 'manual',
  versionHash,
  definition: def,
});

const send = (message: unknown) => socket.send(JSON.stringify(message));

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: ENGINE_PATH });
  const connected = new Promise<void>((resolve) => {
    server.on('connection', (ws) => {
      socket = ws;
      ws.on('message', (data: Buffer) => {
        for (const message of engineBatchSchema.parse(JSON.parse(data.toString()))) {
          if (message.type !== 'finished') continue;
          finished.set(message.executionId, message);
          waiters.get(message.executionId)?.();
        }
      });
      resolve();
    });
  });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  client = new EngineClient({
    server: `http://127.0.0.1:${port}`,
    token: 't',
    engineId: 'contract-test',
    concurrency: 4,
    logger: pino({ level: 'silent' }),
  });
  await client.start();
  await connected;
});

afterAll(async () => {
  await client.stop(1_000);
  await new Promise((resolve) => server.close(resolve));
});

describe('the engine reads each job against the shared contract', () => {
  it('runs a job whose definition is a valid workflow', async () => {
    send({ type: 'run', job: job('ok-1', 'v-valid', valid) });
    const { result } = await resultOf('ok-1');
    expect(result.status).toBe('succeeded');
    expect(result.lastOutput).toEqual([{ json: { ok: 'yes' } }]);
  });

  it('fails a run whose definition is not a workflow, saying why, and keeps taking jobs', async () => {
    const broken = { ...valid, nodes: [{ ...valid.nodes[0], id: 'no spaces allowed' }], edges: [] };
    send({ type: 'run', job: job('bad-def', 'v-broken', broken) });
    const { result } = await resultOf('bad-def');
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/version v-broken is not a workflow this engine can run/);
    expect(result.error).toMatch(/nodes\[0\]\.id|nodes.*id/);

    send({ type: 'run', job: job('after-bad', 'v-valid', valid) });
    expect((await resultOf('after-bad')).result.status).toBe('succeeded');
  });

  it('a broken version stays refused; it is not cached as if it were valid', async () => {
    send({ type: 'run', job: job('bad-again', 'v-broken', { weft: 1 }) });
    expect((await resultOf('bad-again')).result.status).toBe('failed');
  });

  it('answers a job envelope it cannot read as a failed run instead of leaving it running', async () => {
    send({ type: 'run', job: { ...job('bad-mode', 'v-valid', valid), mode: 'telepathy' } });
    const { result } = await resultOf('bad-mode');
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/could not read the job/);
    expect(result.error).toMatch(/mode/);
  });

  it('a message with no execution to answer is ignored, and the engine keeps working', async () => {
    send({ type: 'run', job: { nothing: true } });
    send({ type: 'dance' });
    send({ type: 'run', job: job('still-ok', 'v-valid', valid) });
    expect((await resultOf('still-ok')).result.status).toBe('succeeded');
  });
});
