import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { definitionFingerprints } from '#shared/runs/fingerprint.ts';
import { planBaseOf } from '#shared/runs/plan-base.ts';
import { fromDefinition } from '#shared/schema/from-definition.ts';
import { nodesMap, NodeKey } from '#shared/schema/roots.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';
import { RunPlanner } from './run-planner.ts';

/** Start → A → B, C off Start: the base run ran every node, each with one item. */
const workflow = () => {
  const node = (id: string, type: string, x: number, parameters: Record<string, unknown> = {}) => ({
    id,
    name: id,
    type,
    typeVersion: 1,
    position: { x, y: 0 },
    parameters,
    ...(type === 'httpRequest' ? { credentials: { httpAuth: 'cred-1' } } : {}),
  });
  const { doc } = fromDefinition({
    weft: 1,
    name: 'Plan',
    nodes: [
      node('start', 'manualTrigger', 0),
      node('a', 'set', 200, { mode: 'raw', jsonOutput: '{"a":1}' }),
      node('b', 'noOp', 400),
      node('c', 'httpRequest', 200, { url: 'http://127.0.0.1:1/x' }),
    ],
    edges: [
      { source: 'start', target: 'a' },
      { source: 'a', target: 'b' },
      { source: 'start', target: 'c' },
    ],
  });
  return doc;
};

/** What the server stored for a run of the document as it is: its fingerprints (with a credential stamp) and runs. */
const baseOf = (doc: Y.Doc) => {
  const definition = toDefinition(doc);
  const fingerprints = definitionFingerprints(definition, { credentials: { 'cred-1': '2026-12-01T00:00:00.000Z' } });
  const runs = definition.nodes.map((n) => ({
    nodeId: n.id,
    runIndex: 0,
    status: 'succeeded' as const,
    itemsOut: { main: 1 },
  }));
  return { id: 'base-1', plan: planBaseOf(fingerprints, runs) };
};

const setParameter = (doc: Y.Doc, nodeId: string, name: string, value: unknown) => {
  const node = nodesMap(doc).get(nodeId) as Y.Map<unknown>;
  const parameters = node.get(NodeKey.parameters) as Y.Map<unknown>;
  parameters.set(name, value);
};

describe('RunPlanner: what the next run runs again, on the live document', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('without a base nothing is marked; against an unchanged base nothing runs again (a credential stamp it cannot see counts as unchanged)', async () => {
    const doc = workflow();
    const planner = new RunPlanner(doc);
    expect(['start', 'a', 'b', 'c'].map(planner.willRun)).toEqual([undefined, undefined, undefined, undefined]);
    planner.setBase(baseOf(doc));
    await planner.loaded();
    expect(['start', 'a', 'b', 'c'].map(planner.willRun)).toEqual([undefined, undefined, undefined, undefined]);
    const plan = planner.plan('all');
    expect(plan?.ok && plan.plan.reuse.sort()).toEqual(['a', 'b', 'c', 'start']);
    planner.destroy();
  });

  it('a changed parameter marks the node and what follows it, with the reason, once the edits pause', async () => {
    const doc = workflow();
    const planner = new RunPlanner(doc);
    planner.setBase(baseOf(doc));
    await planner.loaded();
    let notified = 0;
    planner.subscribe(() => notified++);
    setParameter(doc, 'a', 'jsonOutput', '{"a":2}');
    expect(planner.willRun('a')).toBeUndefined();
    vi.advanceTimersByTime(250);
    expect(notified).toBe(1);
    expect(planner.willRun('a')).toBe('parameters changed');
    expect(planner.willRun('b')).toBe('upstream a changed');
    expect(planner.willRun('start')).toBeUndefined();
    expect(planner.willRun('c')).toBeUndefined();
    planner.destroy();
  });

  it('moving nodes plans nothing', async () => {
    const doc = workflow();
    const planner = new RunPlanner(doc);
    planner.setBase(baseOf(doc));
    await planner.loaded();
    const spy = vi.spyOn(planner, 'plan');
    for (let i = 0; i < 20; i++) (nodesMap(doc).get('a') as Y.Map<unknown>).set(NodeKey.position, { x: i, y: i });
    vi.advanceTimersByTime(1000);
    expect(spy).not.toHaveBeenCalled();
    planner.destroy();
  });

  it('Execute step on a node whose parent has no output in the base is refused before the server is asked', async () => {
    const doc = workflow();
    const planner = new RunPlanner(doc);
    const base = baseOf(doc);
    const { a: _dropped, ...runs } = base.plan.runs;
    planner.setBase({ id: 'base-2', plan: { ...base.plan, runs } });
    await planner.loaded();
    const plan = planner.plan('step', 'b');
    expect(plan === undefined || plan.ok ? 'ok' : plan.error.code).toBe('step_needs_input');
    planner.destroy();
  });
});
