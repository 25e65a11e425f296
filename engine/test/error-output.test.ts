import { describe, expect, it } from 'vitest';
import { pairedItemsOfRun } from '../src/runner/paired-items.ts';
import { definition, edge, node, run } from './harness.ts';

/**
 * On error "continue (using error output)": n8n's handleNodeErrorOutput runs
 * after every node run that put something out — a disabled node's too — and
 * moves the items that are only an error (`{ error }`, at most `message` and
 * `details` besides) to the error output. A disabled node's output list is its
 * input list, which n8n empties while it sorts it: "Always Output Data" then
 * pairs its empty item to nothing.
 */

const failing = (name: string, extra: Record<string, unknown>) =>
  node(
    name,
    'code',
    { mode: 'runOnceForEachItem', jsCode: "if ($json.a === 1) throw new Error('a is 1');\nreturn { json: $json };" },
    extra,
  );

describe('error output of a disabled node', () => {
  it('an error-only item passed through goes to the error output; Always Output Data fills the first', async () => {
    const r = await run(
      definition({
        name: 'Disabled with error output',
        nodes: [
          node('Start', 'manualTrigger'),
          node('Rows', 'code', { jsCode: 'return [{ a: 1 }];' }),
          failing('First', { onError: 'continueRegularOutput' }),
          failing('Off', { disabled: true, onError: 'continueErrorOutput', alwaysOutputData: true }),
        ],
        edges: [edge('Start', 'Rows'), edge('Rows', 'First'), edge('First', 'Off')],
      }),
    );
    expect(r.status).toBe('succeeded');
    const off = r.runs.find((x) => x.name === 'Off');
    expect(off?.output.main?.map((i) => i.json)).toEqual([{}]);
    expect(off?.output.error?.map((i) => i.json)).toEqual([{ error: 'a is 1 [line 1, for item 0]' }]);
    expect(off && pairedItemsOfRun(off, 'main')).toEqual([[]]);
  });
});
