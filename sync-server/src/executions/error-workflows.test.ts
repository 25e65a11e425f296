import { describe, expect, it } from 'vitest';
import { errorTriggerItem, planErrorRun, type ErrorRunFacts } from './error-workflows.ts';

/** The rules of error runs, by table; test/integration/error-workflows.test.ts runs them for real. */

const trigger = {
  id: 'caught',
  name: 'Caught',
  type: 'errorTrigger',
  typeVersion: 1,
  position: { x: 0, y: 0 },
  parameters: {},
};
const stop = {
  id: 'stop',
  name: 'Stop',
  type: 'stopAndError',
  typeVersion: 1,
  position: { x: 200, y: 0 },
  parameters: {},
};

const facts = (over: {
  mode?: ErrorRunFacts['failed']['mode'];
  status?: ErrorRunFacts['failed']['status'];
  settings?: NonNullable<ErrorRunFacts['definition']>['settings'];
  nodes?: NonNullable<ErrorRunFacts['definition']>['nodes'];
  target?: ErrorRunFacts['target'];
  lost?: boolean;
  triggerKey?: string;
}): ErrorRunFacts => ({
  failed: {
    id: 'ex1',
    workflowId: 'wf',
    mode: over.mode ?? 'webhook',
    status: over.status ?? 'failed',
    error: 'Node "Stop" failed: no',
    retryOf: null,
    triggerKey: over.triggerKey ?? null,
  },
  lost: over.lost ?? false,
  workflowName: 'Orders',
  definition: { settings: over.settings ?? { errorWorkflow: 'errs' }, nodes: over.nodes ?? [stop] },
  lastRun: { nodeId: 'stop', name: 'Stop', status: 'failed', input: '{"main":[{"json":{"order":7}}]}', error: 'no' },
  target: over.target ?? { id: 'errs', found: { publishedHash: 'h1', triggerNodeId: 'caught', allowed: true } },
});

describe('planErrorRun', () => {
  it.each([
    ['a canceled run', facts({ status: 'canceled' })],
    ['a run of an error workflow', facts({ mode: 'error' })],
    ['a manual run without "also after manual runs"', facts({ mode: 'manual' })],
    ['a test run without it', facts({ mode: 'test' })],
    ['no error workflow and no Error Trigger', facts({ settings: {} })],
    [
      'a manual run of a workflow with its own Error Trigger',
      facts({ mode: 'manual', settings: { errorWorkflowOnManual: true }, nodes: [stop, trigger] }),
    ],
  ])('starts nothing for %s', (_, f) => {
    expect(planErrorRun(f, undefined, 5).kind).toBe('none');
  });

  it.each([
    ['webhook', {}],
    ['schedule', {}],
    ['retry', {}],
    ['manual', { errorWorkflowOnManual: true }],
  ] as const)('starts the error workflow for a failed %s run', (mode, extra) => {
    const plan = planErrorRun(facts({ mode, settings: { errorWorkflow: 'errs', ...extra } }), undefined, 5);
    expect(plan).toMatchObject({
      kind: 'run',
      row: {
        workflowId: 'errs',
        versionHash: 'h1',
        mode: 'error',
        startNodeId: 'caught',
        triggerKey: 'error:ex1',
        createdAt: 5,
      },
    });
  });

  it('a lost run the workflow retries waits for its retry; a lost retry, or a loss without retries, fires', () => {
    const retried = { errorWorkflow: 'errs', onEngineLoss: 'retry' } as const;
    expect(planErrorRun(facts({ lost: true, settings: retried }), undefined, 5)).toMatchObject({
      kind: 'log',
      level: 'info',
      message: expect.stringMatching(/this lost run is retried/) as unknown,
    });
    expect(
      planErrorRun(facts({ lost: true, settings: retried, triggerKey: 'engine-loss:ex0' }), undefined, 5).kind,
    ).toBe('run');
    expect(planErrorRun(facts({ lost: true }), undefined, 5).kind).toBe('run');
    // A failure of its own (not a loss) fires at once, retries or not.
    expect(planErrorRun(facts({ settings: retried }), undefined, 5).kind).toBe('run');
  });

  it('a production run of a workflow with its own Error Trigger and nothing set calls itself', () => {
    const plan = planErrorRun(
      facts({
        settings: {},
        nodes: [stop, trigger],
        target: { id: 'wf', found: { publishedHash: 'h2', triggerNodeId: 'caught', allowed: true } },
      }),
      undefined,
      5,
    );
    expect(plan).toMatchObject({ kind: 'run', row: { workflowId: 'wf', versionHash: 'h2' } });
  });

  it.each([
    ['gone', { id: 'errs' }, /no such workflow/],
    [
      'not allowed',
      { id: 'errs', found: { publishedHash: 'h', triggerNodeId: 'caught', allowed: false } },
      /owners can run it/,
    ],
    [
      'unpublished',
      { id: 'errs', found: { publishedHash: null, triggerNodeId: undefined, allowed: true } },
      /never published/,
    ],
    [
      'without a trigger',
      { id: 'errs', found: { publishedHash: 'h', triggerNodeId: undefined, allowed: true } },
      /no enabled Error Trigger/,
    ],
  ] as const)('a target %s is a line in the log', (_, target, message) => {
    const plan = planErrorRun(facts({ target }), undefined, 5);
    expect(plan.kind).toBe('log');
    expect(plan.kind === 'log' ? plan.message : '').toMatch(message);
  });
});

describe('errorTriggerItem', () => {
  it("is n8n's item with the failed node and its first input item, the link on the public URL", () => {
    expect(errorTriggerItem(facts({}), 'https://weft.example.com/')).toEqual({
      execution: {
        id: 'ex1',
        url: 'https://weft.example.com/w/wf?execution=ex1',
        error: {
          message: 'no',
          stack: 'Node "Stop" failed: no',
          node: { id: 'stop', name: 'Stop', type: 'stopAndError' },
        },
        lastNodeExecuted: 'Stop',
        mode: 'webhook',
        item: { order: 7 },
      },
      workflow: { id: 'wf', name: 'Orders' },
    });
  });

  it('has no node and no item when no node failed (a lost run), and a path without a public URL', () => {
    const f = {
      ...facts({}),
      lastRun: undefined,
      failed: { ...facts({}).failed, error: 'Engine lost', retryOf: 'ex0' },
    };
    expect(errorTriggerItem(f, undefined)).toMatchObject({
      execution: {
        url: '/w/wf?execution=ex1',
        retryOf: 'ex0',
        error: { message: 'Engine lost', node: null },
        item: null,
      },
    });
  });
});
