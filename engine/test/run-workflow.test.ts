import { describe, expect, it } from 'vitest';
import type { NodeExecutor } from '../src/runner/types.ts';
import { definition, edge, node, outputsByName, run } from './harness.ts';

/** The runner: order, routing, waiting, failures, retries, timeouts and cancel, with the real node implementations. */

const trigger = node('Start', 'manualTrigger');
const seed = (name: string, rows: Record<string, unknown>[]) =>
  node(name, 'code', { jsCode: `return ${JSON.stringify(rows)};` });

describe('runner', () => {
  it('Manual → Set → IF → Set/Set routes items, in the same order every time', async () => {
    const def = definition({
      name: 'Route',
      nodes: [
        trigger,
        seed('Rows', [{ n: 1 }, { n: 5 }, { n: 9 }]),
        node('Double', 'set', {
          includeOtherFields: true,
          assignments: [{ name: 'd', value: '={{ $json.n * 2 }}', type: 'number' }],
        }),
        node('Big?', 'if', { conditions: [{ leftValue: '={{ $json.d }}', operator: 'number:gt', rightValue: '5' }] }),
        node(
          'Big',
          'set',
          { assignments: [{ name: 'size', value: '=big {{ $json.n }}', type: 'string' }] },
          { position: { x: 900, y: -100 } },
        ),
        node(
          'Small',
          'set',
          { assignments: [{ name: 'size', value: '=small {{ $json.n }}', type: 'string' }] },
          { position: { x: 900, y: 100 } },
        ),
      ],
      edges: [
        edge('Start', 'Rows'),
        edge('Rows', 'Double'),
        edge('Double', 'Big?'),
        edge('Big?', 'Big', 'true'),
        edge('Big?', 'Small', 'false'),
      ],
    });
    const first = await run(def);
    expect(first.status).toBe('succeeded');
    const out = outputsByName(first);
    expect(out.Big).toEqual([{ size: 'big 5' }, { size: 'big 9' }]);
    expect(out.Small).toEqual([{ size: 'small 1' }]);
    const order = (r: typeof first) =>
      r.events.filter((e) => e.status !== 'queued').map((e) => `${e.name}:${e.status}`);
    expect(order(first)).toEqual([
      'Start:running',
      'Start:succeeded',
      'Rows:running',
      'Rows:succeeded',
      'Double:running',
      'Double:succeeded',
      'Big?:running',
      'Big?:succeeded',
      'Big:running',
      'Big:succeeded',
      'Small:running',
      'Small:succeeded',
    ]);
    expect(order(await run(def))).toEqual(order(first));
    const ifDone = first.events.find((e) => e.name === 'Big?' && e.status === 'succeeded');
    expect(ifDone).toMatchObject({ itemsIn: 3, itemsOut: { true: 2, false: 1 } });
  });

  it('a branch that gets no items does not run and is reported skipped', async () => {
    const def = definition({
      name: 'Skip',
      nodes: [
        trigger,
        seed('Rows', [{ n: 1 }]),
        node('Big?', 'if', { conditions: [{ leftValue: '={{ $json.n }}', operator: 'number:gt', rightValue: '5' }] }),
        node('Big', 'noOp'),
      ],
      edges: [edge('Start', 'Rows'), edge('Rows', 'Big?'), edge('Big?', 'Big', 'true')],
    });
    const r = await run(def);
    expect(r.status).toBe('succeeded');
    expect(r.events.filter((e) => e.name === 'Big').map((e) => e.status)).toEqual(['queued', 'skipped']);
  });

  it('Merge waits for both inputs, whichever branch runs first', async () => {
    const def = definition({
      name: 'Merge',
      nodes: [
        trigger,
        seed('A', [{ a: 1 }]),
        node('Slow', 'wait', { amount: 0.05, unit: 'seconds' }),
        seed('B', [{ b: 2 }]),
        node('Both', 'merge', { mode: 'append' }),
      ],
      edges: [
        edge('Start', 'A'),
        edge('A', 'Slow'),
        edge('Start', 'B'),
        edge('Slow', 'Both', 'main', 'input1'),
        edge('B', 'Both', 'main', 'input2'),
      ],
    });
    const r = await run(def);
    expect(outputsByName(r).Both).toEqual([{ a: 1 }, { b: 2 }]);
    expect(r.runs.filter((x) => x.name === 'Both')).toHaveLength(1);
  });

  it('a Merge with one input that never gets items runs with what it has at the end', async () => {
    const def = definition({
      name: 'Half merge',
      nodes: [
        trigger,
        seed('A', [{ a: 1 }]),
        node('Never', 'filter', { conditions: [{ leftValue: 'x', operator: 'string:equals', rightValue: 'y' }] }),
        node('Both', 'merge', { mode: 'append' }),
      ],
      edges: [
        edge('Start', 'A'),
        edge('Start', 'Never'),
        edge('A', 'Both', 'main', 'input1'),
        edge('Never', 'Both', 'main', 'input2'),
      ],
    });
    expect(outputsByName(await run(def)).Both).toEqual([{ a: 1 }]);
  });

  it('a disabled node passes its items through', async () => {
    const def = definition({
      name: 'Disabled',
      nodes: [
        trigger,
        seed('Rows', [{ n: 1 }]),
        node('Off', 'set', { assignments: [{ name: 'x', value: '1', type: 'number' }] }, { disabled: true }),
        node('After', 'noOp'),
      ],
      edges: [edge('Start', 'Rows'), edge('Rows', 'Off'), edge('Off', 'After')],
    });
    const r = await run(def);
    expect(outputsByName(r).After).toEqual([{ n: 1 }]);
    expect(r.events.find((e) => e.name === 'Off' && e.status === 'succeeded')?.disabled).toBe(true);
  });

  it('per-item failures go to the error output with their error; the others go on', async () => {
    const def = definition({
      name: 'Errors',
      nodes: [
        trigger,
        seed('Rows', [{ c: 'US' }, { c: 'UK' }, { c: 'US' }]),
        node(
          'Check',
          'code',
          {
            mode: 'runOnceForEachItem',
            jsCode: "if ($json.c === 'US') {\n  throw new Error('no US');\n}\nreturn $json;",
          },
          { onError: 'continueErrorOutput' },
        ),
        node('Ok', 'noOp', {}, { position: { x: 900, y: -100 } }),
        node('Failed', 'noOp', {}, { position: { x: 900, y: 100 } }),
      ],
      edges: [edge('Start', 'Rows'), edge('Rows', 'Check'), edge('Check', 'Ok'), edge('Check', 'Failed', 'error')],
    });
    const r = await run(def);
    expect(r.status).toBe('succeeded');
    const out = outputsByName(r);
    expect(out.Ok).toEqual([{ c: 'UK' }]);
    expect(out.Failed).toEqual([
      { c: 'US', error: 'no US [line 2, for item 0]' },
      { c: 'US', error: 'no US [line 2, for item 2]' },
    ]);
  });

  it('continue on the regular output hands failed items on with their error', async () => {
    const def = definition({
      name: 'Regular',
      nodes: [
        trigger,
        node(
          'Bad',
          'set',
          { assignments: [{ name: 'n', value: 'x', type: 'number' }] },
          { onError: 'continueRegularOutput' },
        ),
        node('After', 'noOp'),
      ],
      edges: [edge('Start', 'Bad'), edge('Bad', 'After')],
    });
    const r = await run(def);
    expect(r.status).toBe('succeeded');
    expect(outputsByName(r).After).toEqual([{ error: "'n' expects a number but we got 'x' [item 0]" }]);
  });

  it('input handles named like Object properties are just names', async () => {
    const def = definition({
      name: 'Odd handles',
      nodes: [trigger, node('Sink', 'test.sink')],
      edges: [edge('Start', 'Sink', 'main', 'toString'), edge('Start', 'Sink', 'main', '__proto__')],
    });
    const r = await run(def, {
      extraExecutors: {
        'test.sink': (ctx) => ({ main: ['toString', '__proto__'].flatMap((handle) => ctx.inputs[handle] ?? []) }),
      },
    });
    expect(r.status).toBe('succeeded');
    expect(r.runs.map((x) => [x.name, x.status])).toEqual([
      ['Start', 'succeeded'],
      ['Sink', 'succeeded'],
    ]);
    expect(outputsByName(r).Sink).toEqual([{}, {}]);
  });

  it('a failure stops the run and names the node', async () => {
    const def = definition({
      name: 'Stop',
      nodes: [trigger, node('Bad', 'code', { jsCode: 'throw new Error("broken")' }), node('After', 'noOp')],
      edges: [edge('Start', 'Bad'), edge('Bad', 'After')],
    });
    const r = await run(def);
    expect(r).toMatchObject({ status: 'failed', failedNode: 'Bad', error: 'Node "Bad" failed: broken [line 1]' });
    expect(r.events.filter((e) => e.name === 'After').map((e) => e.status)).toEqual(['queued', 'skipped']);
  });

  it('retries with exponential backoff, then succeeds', async () => {
    let calls = 0;
    const flaky: NodeExecutor = (ctx) => {
      calls++;
      if (calls < 3) throw new Error(`try ${calls} failed`);
      return { main: ctx.items };
    };
    const waits: number[] = [];
    const def = definition({
      name: 'Retry',
      nodes: [trigger, node('Flaky', 'test.flaky', {}, { retryOnFail: true, maxTries: 4, waitBetweenTries: 100 })],
      edges: [edge('Start', 'Flaky')],
    });
    const r = await run(def, {
      extraExecutors: { 'test.flaky': flaky },
      sleep: (ms) => (waits.push(ms), Promise.resolve()),
    });
    expect(r.status).toBe('succeeded');
    expect(waits).toEqual([100, 200]);
    expect(r.runs.find((x) => x.name === 'Flaky')?.attempts).toBe(3);
    expect(r.logs.map((l) => [l.level, l.node, l.message])).toEqual([
      ['warn', 'Flaky', 'Try 1 of 4 failed: try 1 failed; trying again in 100 ms'],
      ['warn', 'Flaky', 'Try 2 of 4 failed: try 2 failed; trying again in 200 ms'],
      ['info', undefined, expect.stringMatching(/^Succeeded in \d+ ms \(2 node runs\)$/)],
    ]);
  });

  it("the run's log has what Code prints, failures that let the run go on, and how it ended", async () => {
    const def = definition({
      name: 'Log',
      nodes: [
        trigger,
        node('Talk', 'code', {
          jsCode: [
            "console.log('items:', $input.all().length, { a: [1, 2] });",
            "console.warn('careful');",
            "console.error(new TypeError('bad thing'));",
            "for (let i = 0; i < 1500; i++) console.debug('line ' + i);",
            'return $input.all();',
          ].join('\n'),
        }),
        node('Shaky', 'code', { jsCode: "throw new Error('nope');" }, { onError: 'continueRegularOutput' }),
        node('Broken', 'code', { jsCode: "console.log('last words'); throw new Error('gone');" }),
      ],
      edges: [edge('Start', 'Talk'), edge('Talk', 'Shaky'), edge('Shaky', 'Broken')],
    });
    const r = await run(def);
    expect(r.status).toBe('failed');
    const lines = r.logs.map((l) => [l.level, l.node, l.message]);
    expect(lines.slice(0, 4)).toEqual([
      ['info', 'Talk', 'items: 1 {"a":[1,2]}'],
      ['warn', 'Talk', 'careful'],
      ['error', 'Talk', 'TypeError: bad thing'],
      ['info', 'Talk', 'line 0'],
    ]);
    // A run keeps 950 lines of what code prints, and room for its own: how the run went on and ended.
    expect(r.logs).toHaveLength(954);
    expect(lines[949]).toEqual(['info', 'Talk', 'line 946']);
    expect(lines.slice(950)).toEqual([
      ['warn', 'Shaky', 'Failed: nope [line 1]; the items go on with the error'],
      ['error', 'Broken', 'Failed: gone [line 1]'],
      ['error', undefined, expect.stringMatching(/^Failed after \d+ ms \(4 node runs\)$/)],
      // 553 of Talk's lines and Broken's "last words".
      ['warn', undefined, '554 more log lines were not kept (a run keeps 950 lines of what code prints)'],
    ]);
    expect(r.logs.every((l, i) => i === 0 || l.at >= (r.logs[i - 1]?.at ?? 0))).toBe(true);
  });

  it('the log names the failure that ended the run and the node it came from', async () => {
    const def = definition({
      name: 'Log end',
      nodes: [
        trigger,
        node('Shaky', 'code', { jsCode: "throw new Error('nope');" }, { onError: 'continueErrorOutput' }),
        node('Broken', 'code', { jsCode: "console.log('last words'); throw new Error('gone');" }),
      ],
      edges: [edge('Start', 'Shaky'), edge('Shaky', 'Broken', 'error')],
    });
    const r = await run(def);
    expect(r.logs.map((l) => [l.level, l.node, l.message])).toEqual([
      ['warn', 'Shaky', 'Failed: nope [line 1]; the items go on through the error output'],
      ['info', 'Broken', 'last words'],
      ['error', 'Broken', 'Failed: gone [line 1]'],
      ['error', undefined, expect.stringMatching(/^Failed after \d+ ms \(3 node runs\)$/)],
    ]);
  });

  it('gives up after the last try', async () => {
    const def = definition({
      name: 'Give up',
      nodes: [trigger, node('Never', 'test.fail', {}, { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 })],
      edges: [edge('Start', 'Never')],
    });
    const r = await run(def, { extraExecutors: { 'test.fail': () => Promise.reject(new Error('down')) } });
    expect(r).toMatchObject({ status: 'failed', error: 'Node "Never" failed: down' });
    expect(r.runs[1]?.attempts).toBe(2);
  });

  it('a node past its own time limit fails', async () => {
    const def = definition({
      name: 'Node timeout',
      nodes: [trigger, node('Long', 'wait', { amount: 30, unit: 'seconds' }, { timeoutSeconds: 1 })],
      edges: [edge('Start', 'Long')],
    });
    const started = Date.now();
    const r = await run(def);
    expect(r).toMatchObject({ status: 'failed', error: 'Node "Long" failed: the node ran longer than its 1 s limit' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('a workflow past its time limit fails', async () => {
    const def = definition({
      name: 'Workflow timeout',
      settings: { timeoutSeconds: 1 },
      nodes: [trigger, node('Long', 'wait', { amount: 30, unit: 'seconds' })],
      edges: [edge('Start', 'Long')],
    });
    const r = await run(def);
    expect(r).toMatchObject({ status: 'failed', error: 'the workflow ran longer than its 1 s limit' });
  });

  it('cancel stops a running Wait within a second', async () => {
    const def = definition({
      name: 'Cancel',
      nodes: [trigger, node('Long', 'wait', { amount: 1, unit: 'hours' }), node('After', 'noOp')],
      edges: [edge('Start', 'Long'), edge('Long', 'After')],
    });
    const controller = new AbortController();
    const running = run(def, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 100));
    const canceledAt = Date.now();
    controller.abort();
    const r = await running;
    expect(Date.now() - canceledAt).toBeLessThan(1_000);
    expect(r.status).toBe('canceled');
    expect(r.events.filter((e) => e.name === 'After').map((e) => e.status)).toEqual(['queued', 'skipped']);
  });

  it("$('Node').item reads an earlier node's item; $workflow and $execution are there", async () => {
    const def = definition({
      name: 'Refs',
      nodes: [
        trigger,
        seed('Users', [{ name: 'Ann' }, { name: 'Ben' }]),
        node('Shout', 'set', {
          assignments: [{ name: 'loud', value: '={{ $json.name.toUpperCase() }}', type: 'string' }],
        }),
        node('Both', 'set', {
          assignments: [
            {
              name: 'line',
              value:
                "={{ $('Users').item.json.name }} → {{ $json.loud }} in {{ $workflow.name }} ({{ $execution.mode }})",
              type: 'string',
            },
          ],
        }),
      ],
      edges: [edge('Start', 'Users'), edge('Users', 'Shout'), edge('Shout', 'Both')],
    });
    expect(outputsByName(await run(def)).Both).toEqual([
      { line: 'Ann → ANN in Test (manual)' },
      { line: 'Ben → BEN in Test (manual)' },
    ]);
  });

  it("$now and $today read the run clock as Luxon DateTimes in the workflow's time zone, in Code too; $workflow cannot be changed by an expression", async () => {
    // 15:30 UTC is 00:30 the next day in Tokyo: $today is that day's midnight there.
    const at = Date.UTC(2026, 10, 22, 15, 30, 5);
    const def = definition({
      name: 'Clock',
      settings: { timezone: 'Asia/Tokyo' },
      nodes: [
        trigger,
        node('Stamp', 'set', {
          assignments: [
            { name: 'now', value: '={{ $now.toMillis() }}', type: 'number' },
            { name: 'today', value: '={{ $today.toISO() }}', type: 'string' },
            { name: 'hour', value: '={{ $now.hour }}', type: 'number' },
            // Code that reaches $now without naming it still gets it.
            { name: 'viaEval', value: "={{ eval('$n' + 'ow').toMillis() }}", type: 'number' },
            {
              name: 'berlin',
              value: "={{ $now.minus({ days: 1 }).setZone('Europe/Berlin').toFormat('yyyy-MM-dd HH:mm') }}",
              type: 'string',
            },
          ],
        }),
        node('Code', 'code', {
          jsCode:
            'return [{ day: $today.day, zone: $now.zoneName, same: $now.toMillis() === $json.now, local: DateTime.local(2026, 7, 1).toISO() }];',
        }),
        node('Rename', 'set', {
          assignments: [
            { name: 'x', value: "={{ $workflow.name = 'Other' }}", type: 'string' },
            { name: 'y', value: '={{ $workflow.name }}', type: 'string' },
          ],
        }),
      ],
      edges: [edge('Start', 'Stamp'), edge('Stamp', 'Code'), edge('Code', 'Rename')],
    });
    const r = await run(def, { now: () => at });
    const outputs = outputsByName(r);
    expect(outputs.Stamp).toEqual([
      { now: at, today: '2026-11-23T00:00:00.000+09:00', hour: 0, viaEval: at, berlin: '2026-11-21 16:30' },
    ]);
    expect(outputs.Code).toEqual([{ day: 23, zone: 'Asia/Tokyo', same: true, local: '2026-07-01T00:00:00.000+09:00' }]);
    // The assignment fails (frozen), and n8n's expressions swallow a TypeError: nothing, and the name unchanged.
    expect(r.error).toBeUndefined();
    expect(outputs.Rename).toEqual([{ x: null, y: 'Test' }]);
  });

  it('an expression error names the node, the parameter and the position', async () => {
    const def = definition({
      name: 'Bad expression',
      nodes: [
        trigger,
        node('Greet', 'set', { assignments: [{ name: 'x', value: "=Hi {{ $('Nope').item.json }}", type: 'string' }] }),
      ],
      edges: [edge('Start', 'Greet')],
    });
    const r = await run(def);
    expect(r.error).toBe(
      'Node "Greet" failed: Node "Greet", parameter "assignments[0].value": ExpressionError: Referenced node doesn\'t exist (at character 8 of the expression)',
    );
    const syntax = await run(
      definition({
        name: 'Bad syntax',
        nodes: [trigger, node('Greet', 'set', { assignments: [{ name: 'x', value: '={{ 1 + }}', type: 'string' }] })],
        edges: [edge('Start', 'Greet')],
      }),
    );
    expect(syntax.error).toMatch(
      /Node "Greet", parameter "assignments\[0\]\.value": SyntaxError: .*\(at character \d+ of the expression\)/,
    );
  });

  it('an expression that never ends is stopped and the engine goes on', async () => {
    const def = definition({
      name: 'Loop',
      nodes: [
        trigger,
        node('Spin', 'set', {
          assignments: [{ name: 'x', value: '={{ (() => { while (true) {} })() }}', type: 'string' }],
        }),
      ],
      edges: [edge('Start', 'Spin')],
    });
    const r = await run(def);
    expect(r.error).toMatch(/parameter "assignments\[0\]\.value": the expression took longer than the 500 ms limit/);
    const after = await run(
      definition({ name: 'After', nodes: [trigger, seed('Rows', [{ ok: 1 }])], edges: [edge('Start', 'Rows')] }),
    );
    expect(outputsByName(after).Rows).toEqual([{ ok: 1 }]);
  });
});
