import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { items, runNode } from './harness.ts';

/** Wait as n8n's node (Wait.node.js, n8n-nodes-base 2.41): found by the wait family of the n8n differential tests. */

describe('Wait checks its interval as n8n', () => {
  it('reads text from an expression as the number it holds ("0.01" seconds)', async () => {
    const out = await runNode(
      'wait',
      { resume: 'timeInterval', unit: 'seconds', amount: '={{ "0.01" }}' },
      items({ a: 1 }),
    );
    expect(out.main?.map((i) => i.json)).toEqual([{ a: 1 }]);
  });

  it.each([['={{ null }}'], ['abc'], ['={{ -0.5 }}'], ['']])(
    'fails an amount of %j with n8n’s message',
    async (amount) => {
      await expect(runNode('wait', { resume: 'timeInterval', unit: 'seconds', amount }, items({}))).rejects.toThrow(
        'Invalid wait amount. Please enter a number that is 0 or greater.',
      );
    },
  );

  it('fails a unit that is none of n8n’s', async () => {
    await expect(runNode('wait', { resume: 'timeInterval', unit: 'weeks', amount: 0 }, items({}))).rejects.toThrow(
      "Invalid wait unit. Valid units are 'seconds', 'minutes', 'hours', or 'days'.",
    );
  });
});

const imported = (parameters: Record<string, unknown>) =>
  fromN8n({
    name: 'w',
    nodes: [{ id: 'w', name: 'Wait', type: 'n8n-nodes-base.wait', typeVersion: 1.1, position: [0, 0], parameters }],
    connections: {},
  });

describe('Wait from n8n', () => {
  it('keeps a negative amount failing when it runs, as in n8n (not the parameter’s default)', async () => {
    const { definition } = imported({ resume: 'timeInterval', amount: -1, unit: 'seconds' });
    const parameters = definition.nodes[0]?.parameters ?? {};
    expect(parameters.amount).toBe('={{ -1 }}');
    await expect(runNode('wait', parameters, items({}))).rejects.toThrow('Invalid wait amount');
  });

  it.each(['webhook', 'form'])('names resuming on "%s", which Weft does not support', (resume) => {
    const { warnings } = imported({ resume });
    expect(warnings.map((w) => w.message).join('\n')).toMatch(new RegExp(`resumed on "${resume}"`));
  });
});
