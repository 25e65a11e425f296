import { describe, expect, it } from 'vitest';
import { ENGINE_MAX_FRAME_BYTES, engineToServerSchema } from '#shared/protocol/engine.ts';
import { encodeFinished } from '../src/connection/engine-client.ts';
import type { RunResult } from '../src/runner/run-workflow.ts';

/** The result an engine sends: node items as JSON text, and never a frame the server would refuse. */

const result = (outputJson: string): RunResult => ({
  status: 'succeeded',
  runs: [
    {
      nodeId: 'n1',
      name: 'Big',
      runIndex: 0,
      status: 'succeeded',
      input: { main: [{ json: {} }] },
      output: {},
      attempts: 1,
      startedAt: 1,
      finishedAt: 2,
      inputJson: '{"main":[{"json":{}}]}',
      outputJson,
    },
  ],
  lastOutput: [{ json: { small: true } }],
  logs: [{ at: 1, level: 'info', message: 'Succeeded in 1 ms (1 node run)' }],
});

describe('encodeFinished', () => {
  it('sends node items as the JSON text the runner made, and nothing else of them', () => {
    const text = encodeFinished('ex1', result('{"main":[{"json":{"a":1}}]}'));
    const message = engineToServerSchema.parse(JSON.parse(text));
    expect(message).toMatchObject({
      type: 'finished',
      executionId: 'ex1',
      result: {
        status: 'succeeded',
        runs: [{ name: 'Big', input: '{"main":[{"json":{}}]}', output: '{"main":[{"json":{"a":1}}]}' }],
        lastOutput: [{ json: { small: true } }],
      },
    });
    expect(text).not.toContain('inputJson');
  });

  it('a result past the frame limit fails its execution: "output too large", runs kept without their items', () => {
    const huge = `{"main":[{"json":{"text":"${'x'.repeat(ENGINE_MAX_FRAME_BYTES)}"}}]}`;
    const text = encodeFinished('ex1', result(huge));
    expect(Buffer.byteLength(text)).toBeLessThan(ENGINE_MAX_FRAME_BYTES);
    const message = engineToServerSchema.parse(JSON.parse(text));
    if (message.type !== 'finished') throw new Error('not a result');
    expect(message.result.status).toBe('failed');
    expect(message.result.error).toMatch(/^Output too large: the execution's result is 64 MB, more than the 64 MB/);
    expect(message.result.runs).toEqual([expect.objectContaining({ name: 'Big', input: '{}', output: '{}' })]);
    expect(message.result.lastOutput).toEqual([]);
    expect(message.result.logs?.at(-1)).toMatchObject({ level: 'error', message: message.result.error });
  });
});
