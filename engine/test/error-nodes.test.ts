import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { definition, edge, items, node, run, runNode } from './harness.ts';

/**
 * Stop and Error and the Error Trigger as n8n's StopAndError (utils.ts) and
 * ErrorTrigger nodes: each way of naming the error, and the trigger's example
 * for a manual run. The differential family (error-nodes-gen.ts) is the broad proof.
 */

const failure = async (parameters: Record<string, unknown>) => {
  try {
    await runNode('stopAndError', parameters, items({ a: 1 }));
  } catch (e) {
    return { message: (e as Error).message, description: (e as { description?: string }).description };
  }
  throw new Error('Stop and Error did not fail');
};

describe('Stop and Error', () => {
  it.each([
    ['a message', { errorMessage: 'Order {{ 1 + 1 }} is late' }, 'Order {{ 1 + 1 }} is late'],
    ['an expression message', { errorMessage: '={{ "late: " + $json.a }}' }, 'late: 1'],
    ['an empty message', {}, ''],
    ['an object’s message', { errorType: 'errorObject', errorObject: '{"message":"boom","code":404}' }, 'boom'],
    ['else its description', { errorType: 'errorObject', errorObject: '{"description":"gone"}' }, 'gone'],
    ['else its error', { errorType: 'errorObject', errorObject: '{"error":"bad","message":""}' }, 'bad'],
    ['else the object', { errorType: 'errorObject', errorObject: '{"code":404}' }, 'Error: {"code":404}'],
    ['a list', { errorType: 'errorObject', errorObject: '[1,2]' }, 'Error: [1,2]'],
    ['not JSON', { errorType: 'errorObject', errorObject: '{nope' }, /^Error object is not valid JSON/],
    ['null', { errorType: 'errorObject', errorObject: 'null' }, /null/],
  ])('fails with %s', async (_, parameters, message) => {
    const { message: got } = await failure(parameters);
    if (typeof message === 'string') expect(got).toBe(message);
    else expect(got).toMatch(message);
  });

  it('keeps the error object in the description, after its own description', async () => {
    const { description } = await failure({
      errorType: 'errorObject',
      errorObject: '{"message":"boom","description":"the resource could not be fetched","code":"404"}',
    });
    expect(description?.split('\n\n')[0]).toBe('the resource could not be fetched');
    expect(JSON.parse(description?.split('\n\n')[1] ?? '')).toEqual({
      message: 'boom',
      description: 'the resource could not be fetched',
      code: '404',
    });
  });

  it('ends the run, naming the node; nothing after it runs', async () => {
    const def = definition({
      name: 'stops',
      nodes: [node('Start', 'manualTrigger'), node('Stop', 'stopAndError', { errorMessage: 'no' })],
      edges: [edge('Start', 'Stop')],
    });
    const result = await run(def);
    expect(result.status).toBe('failed');
    expect(result.error).toBe('Node "Stop" failed: no');
  });

  it.each(['continueErrorOutput', 'continueRegularOutput'] as const)(
    'set to %s, it still ends the run (no outputs of its own), its input recorded as its output, as in n8n',
    async (onError) => {
      const def = definition({
        name: 'continues',
        nodes: [
          node('Start', 'manualTrigger'),
          node('Stop', 'stopAndError', { errorMessage: 'no' }, { onError }),
          node('After', 'noOp'),
        ],
        edges: [edge('Start', 'Stop'), ...(onError === 'continueErrorOutput' ? [edge('Stop', 'After', 'error')] : [])],
      });
      const result = await run(def);
      expect(result.status).toBe('failed');
      expect(result.error).toBe('Node "Stop" failed: no');
      expect(result.runs.map((r) => [r.name, r.status])).toEqual([
        ['Start', 'succeeded'],
        ['Stop', 'failed'],
      ]);
    },
  );
});

describe('Error Trigger', () => {
  it('hands on the items the server gave the run', async () => {
    const payload = { execution: { id: 'ex9', error: { message: 'x' } }, workflow: { id: 'w', name: 'W' } };
    const out = await runNode('errorTrigger', {}, items(payload));
    expect(out.main?.map((i) => i.json)).toEqual([payload]);
  });

  it("hands on n8n's example on a manual run with nothing to hand on", async () => {
    const out = await runNode('errorTrigger', {}, items({}));
    expect(out.main?.[0]?.json).toMatchObject({
      execution: { id: 231, retryOf: '34', error: { message: 'Example Error Message', stack: 'Stacktrace' } },
      workflow: { id: '1', name: 'Example Workflow' },
    });
  });

  it('imports from n8n with Stop and Error’s parameters', () => {
    const { definition: def, warnings } = fromN8n({
      name: 'n8n',
      nodes: [
        {
          name: 'Error Trigger',
          type: 'n8n-nodes-base.errorTrigger',
          typeVersion: 1,
          position: [0, 0],
          parameters: {},
        },
        {
          name: 'Stop',
          type: 'n8n-nodes-base.stopAndError',
          typeVersion: 1,
          position: [200, 0],
          parameters: { errorType: 'errorObject', errorObject: '{"message":"m"}' },
        },
      ],
      connections: { 'Error Trigger': { main: [[{ node: 'Stop', type: 'main', index: 0 }]] } },
    });
    expect(warnings).toEqual([]);
    expect(def.nodes.map((n) => [n.type, n.parameters])).toEqual([
      ['errorTrigger', {}],
      ['stopAndError', { errorType: 'errorObject', errorObject: '{"message":"m"}' }],
    ]);
  });
});
