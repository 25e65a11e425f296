import { afterAll, describe, expect, it } from 'vitest';
import { ParameterResolver } from '#shared/expressions/resolve.ts';
import { Sandbox } from '#shared/sandbox/sandbox.ts';
import { definition, edge, node, outputsByName, run } from './harness.ts';
import { createSandbox } from '../src/sandbox/node-host.ts';

/**
 * A run shares its engine: it gives the event loop turns while it works,
 * stops at its budgets (node runs, items, bytes) and at its time limit, even
 * when every node it runs is synchronous. Loops that end keep working.
 */

const trigger = node('Start', 'manualTrigger');

/** A → B → A of No-Op nodes: a loop that never ends. */
const endlessLoop = definition({
  name: 'Loop',
  nodes: [trigger, node('A', 'noOp'), node('B', 'noOp')],
  edges: [edge('Start', 'A'), edge('A', 'B'), edge('B', 'A')],
});

/** Start → Count → IF (i < 5) → back to Count; false → Done: a loop with a counter, which ends. */
const countingLoop = definition({
  name: 'Counter',
  nodes: [
    trigger,
    node('Count', 'code', { jsCode: 'return $input.all().map((i) => ({ json: { i: (i.json.i ?? 0) + 1 } }));' }),
    node('More?', 'if', { conditions: [{ leftValue: '={{ $json.i }}', operator: 'number:lt', rightValue: '5' }] }),
    node('Done', 'noOp'),
  ],
  edges: [
    edge('Start', 'Count'),
    edge('Count', 'More?'),
    edge('More?', 'Count', 'true'),
    edge('More?', 'Done', 'false'),
  ],
});

const code = (name: string, jsCode: string, extra = {}) => node(name, 'code', { jsCode }, extra);

describe('run limits', () => {
  it('an endless A → B → A loop fails with "too many node runs", naming A and B, and timers fire while it runs', async () => {
    let eventsWhenTimerFired = -1;
    let events = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const r = await run(endlessLoop, {
      limits: { maxNodeRuns: 20_000 },
      onEvent: () => {
        // Once the loop has started: a timer due 1 ms later must fire before the loop ends.
        if (++events === 1) timer = setTimeout(() => (eventsWhenTimerFired = events), 1);
      },
    });
    clearTimeout(timer);
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^Too many node runs: the execution reached its limit of 20,000/);
    expect(r.error).toMatch(/"A" \(10,000 runs\)/);
    expect(r.error).toMatch(/"B" \(9,999 runs\)/);
    expect(r.runs).toHaveLength(20_000);
    // The timer fired while the loop was still going: the run gave the event loop turns.
    expect(eventsWhenTimerFired).toBeGreaterThan(0);
    expect(eventsWhenTimerFired).toBeLessThan(events);
    expect(r.logs.some((l) => l.level === 'error' && /Too many node runs/.test(l.message))).toBe(true);
  });

  it('the default limit stops an endless loop too', async () => {
    const r = await run(endlessLoop);
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/Too many node runs: the execution reached its limit of 10,000/);
  });

  it('a loop with a counter ends and succeeds, within a node-run limit that just fits it', async () => {
    // Start, then Count and More? five times each, then Done: 12 node runs.
    const r = await run(countingLoop, { limits: { maxNodeRuns: 12 } });
    expect(r.status).toBe('succeeded');
    expect(r.runs.filter((x) => x.name === 'Count')).toHaveLength(5);
    expect(outputsByName(r).Done).toEqual([{ i: 5 }]);
    const short = await run(countingLoop, { limits: { maxNodeRuns: 11 } });
    expect(short.status).toBe('failed');
    expect(short.error).toMatch(/Too many node runs.*"Count" \(5 runs\), "More\?" \(5 runs\)/);
  });

  it('a node that puts out more items than one node run may fails the run, naming it, whatever its on-error says', async () => {
    const def = definition({
      name: 'Items',
      nodes: [
        trigger,
        code('Many', 'return Array.from({ length: 101 }, (_, i) => ({ json: { i } }));', {
          onError: 'continueRegularOutput',
        }),
        node('After', 'noOp'),
      ],
      edges: [edge('Start', 'Many'), edge('Many', 'After')],
    });
    const r = await run(def, { limits: { maxItemsPerNode: 100 } });
    expect(r.status).toBe('failed');
    expect(r.failedNode).toBe('Many');
    expect(r.error).toBe('Node "Many" failed: it put out 101 items, more than the 100 one node run may');
    expect(r.runs.map((x) => `${x.name}:${x.status}`)).toEqual(['Start:succeeded', 'Many:failed']);
    expect(r.runs[1]?.outputJson).toBe('{}');
    expect((await run(def, { limits: { maxItemsPerNode: 101 } })).status).toBe('succeeded');
  });

  it('items of all node runs together stop at the execution limit', async () => {
    const forty = 'return Array.from({ length: 40 }, (_, i) => ({ json: { i } }));';
    const def = definition({
      name: 'Execution items',
      nodes: [trigger, code('One', forty), code('Two', forty), code('Three', forty)],
      edges: [edge('Start', 'One'), edge('One', 'Two'), edge('Two', 'Three')],
    });
    const r = await run(def, { limits: { maxItemsPerExecution: 100 } });
    expect(r.status).toBe('failed');
    expect(r.failedNode).toBe('Three');
    expect(r.error).toMatch(/its 40 items take the execution past its limit of 100 items/);
  });

  it('bytes: one node run, and all inputs and outputs of an execution, stop at their limits', async () => {
    const big = definition({
      name: 'Bytes',
      nodes: [trigger, code('Text', "return [{ json: { text: 'x'.repeat(2000) } }];"), node('Pass', 'noOp')],
      edges: [edge('Start', 'Text'), edge('Text', 'Pass')],
    });
    const perNode = await run(big, { limits: { maxBytesPerNode: 1024 } });
    expect(perNode.status).toBe('failed');
    expect(perNode.error).toMatch(/^Node "Text" failed: it put out 2,0\d\d bytes of data, more than the 1,024 bytes/);
    // Text's output (~2 kB) and Pass's input and output (~2 kB each) pass 5 kB at Pass.
    const perRun = await run(big, { limits: { maxBytesPerExecution: 5000 } });
    expect(perRun.status).toBe('failed');
    expect(perRun.failedNode).toBe('Pass');
    expect(perRun.error).toMatch(/take the execution's data past its limit of 5,000 bytes/);
    expect((await run(big, { limits: { maxBytesPerExecution: 7000 } })).status).toBe('succeeded');
  });

  it('every node run carries its input and output as the JSON text the engine sends', async () => {
    const r = await run(countingLoop);
    for (const x of r.runs) {
      expect(JSON.parse(x.inputJson ?? '')).toEqual(JSON.parse(JSON.stringify(x.input)));
      expect(JSON.parse(x.outputJson ?? '')).toEqual(JSON.parse(JSON.stringify(x.output)));
    }
    // Count's second run got its items from More?'s true output.
    expect(JSON.parse(r.runs.filter((x) => x.name === 'Count')[1]?.inputJson ?? '')).toEqual({
      main: [{ json: { i: 1 } }],
    });
  });
  it('a run that does not encode its items (an in-process caller) keeps the item and node-run budgets, without texts', async () => {
    const r = await run(countingLoop, { encodeItems: false, limits: { maxNodeRuns: 11 } });
    expect(r.error).toMatch(/Too many node runs/);
    const plain = await run(countingLoop, { encodeItems: false });
    expect(plain.status).toBe('succeeded');
    expect(plain.runs.every((x) => x.inputJson === undefined && x.outputJson === undefined)).toBe(true);
  });
});

describe('time limit', () => {
  let slow: { sandbox: Sandbox; resolver: ParameterResolver } | undefined;
  /** A sandbox whose own per-call limit (10 s) is far above the workflow's. */
  const slowSandbox = async () => {
    if (!slow) {
      const sandbox = await createSandbox({ timeoutMs: 10_000 });
      slow = { sandbox, resolver: new ParameterResolver(sandbox) };
    }
    return slow;
  };
  afterAll(() => slow?.sandbox.dispose());

  it('holds inside one sandbox call: code that never ends stops at the workflow limit, not the call limit', async () => {
    const def = definition({
      name: 'Spin',
      settings: { timeoutSeconds: 1 },
      nodes: [trigger, code('Spin', 'while (true) {}')],
      edges: [edge('Start', 'Spin')],
    });
    const t0 = Date.now();
    const r = await run(def, await slowSandbox());
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(r.status).toBe('failed');
    expect(r.error).toBe('the workflow ran longer than its 1 s limit');
    expect(r.runs.find((x) => x.name === 'Spin')?.error).toBe('the workflow ran longer than its 1 s limit');
  });

  it('holds when every node is synchronous: a loop of busy Code nodes stops at the limit', async () => {
    const def = definition({
      name: 'Busy loop',
      settings: { timeoutSeconds: 1 },
      nodes: [
        trigger,
        code('Busy', 'const t = Date.now(); while (Date.now() - t < 20) {} return $input.all();'),
        node('Again', 'noOp'),
      ],
      edges: [edge('Start', 'Busy'), edge('Busy', 'Again'), edge('Again', 'Busy')],
    });
    const t0 = Date.now();
    const r = await run(def, { limits: { maxNodeRuns: 1_000_000 } });
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(r.status).toBe('failed');
    expect(r.error).toBe('the workflow ran longer than its 1 s limit');
  });
});
