import { describe, expect, it } from 'vitest';
import { addNode, connect, edgesMap, fromDefinition, initWorkflowDoc, toDefinition } from '../src/schema/index.ts';
import { insertFragment } from '../src/schema/fragment.ts';
import { replica, syncAll } from './replicas.ts';

/**
 * The definition's edge order is n8n's connection order, which n8n's legacy
 * v0 execution order runs a node's children by. A connection made in the
 * editor goes to the end of the list, as n8n's editor appends it; an import
 * keeps the order it came with; two people connecting at once get the same
 * rank and their edges go by id, so every replica agrees. (docs/decisions.md)
 */

const targetsOf = (def: ReturnType<typeof toDefinition>) => def.edges.map((e) => e.target);

const workflow = (clientID = 1) => {
  const doc = replica(clientID);
  initWorkflowDoc(doc, { name: 'Order' });
  addNode(doc, { id: 'start', type: 'manualTrigger', position: { x: 0, y: 0 } });
  for (const id of ['zed', 'alpha', 'mid']) addNode(doc, { id, type: 'noOp', position: { x: 300, y: 0 } });
  return doc;
};

describe('edge order', () => {
  it('edges made in the editor come in the order they were made, not by id', () => {
    const doc = workflow();
    for (const target of ['zed', 'alpha', 'mid'])
      connect(doc, { source: 'start', sourceHandle: 'main', target, targetHandle: 'main' });
    expect(targetsOf(toDefinition(doc))).toEqual(['zed', 'alpha', 'mid']);
    // Connecting an existing edge again does not move it.
    connect(doc, { source: 'start', sourceHandle: 'main', target: 'zed', targetHandle: 'main' });
    expect(targetsOf(toDefinition(doc))).toEqual(['zed', 'alpha', 'mid']);
  });

  it('a definition (an n8n import) keeps its edge order through the document', () => {
    const def = toDefinition(workflow());
    def.edges = ['mid', 'zed', 'alpha'].map((target) => ({
      id: `start:main>${target}:main`,
      source: 'start',
      sourceHandle: 'main',
      target,
      targetHandle: 'main',
    }));
    const { doc } = fromDefinition(def);
    expect(targetsOf(toDefinition(doc))).toEqual(['mid', 'zed', 'alpha']);
    // A connection made afterwards comes last.
    addNode(doc, { id: 'aaa', type: 'noOp', position: { x: 600, y: 0 } });
    connect(doc, { source: 'start', sourceHandle: 'main', target: 'aaa', targetHandle: 'main' });
    expect(targetsOf(toDefinition(doc))).toEqual(['mid', 'zed', 'alpha', 'aaa']);
  });

  it('a paste connects its edges in their order, after the ones there are, one rank each', () => {
    const doc = workflow();
    connect(doc, { source: 'start', sourceHandle: 'main', target: 'mid', targetHandle: 'main' });
    const ids = ['hub', 'zed', 'alpha', 'mid'];
    const fragment = {
      weft: 1,
      name: 'Fragment',
      nodes: ids.map((id, i) => ({ id, name: id, type: 'noOp', typeVersion: 1, position: { x: 0, y: i * 100 } })),
      edges: ['zed', 'alpha', 'mid'].map((target) => ({ source: 'hub', target })),
    };
    const pasted = insertFragment(doc, fragment);
    const original = new Map(pasted.map((id, i) => [id, ids[i]]));
    const edges = toDefinition(doc).edges;
    expect(edges.slice(1).map((e) => original.get(e.target))).toEqual(['zed', 'alpha', 'mid']);
    const ranks = [...edgesMap(doc).values()].map((v) => (v as { order?: number }).order).sort();
    expect(ranks).toEqual([0, 1, 2, 3]);
  });

  it('two people connecting at once: both edges share a rank and go by id, the same on every replica', () => {
    const a = workflow(1);
    const b = replica(2, a);
    connect(a, { source: 'start', sourceHandle: 'main', target: 'zed', targetHandle: 'main' });
    connect(b, { source: 'start', sourceHandle: 'main', target: 'alpha', targetHandle: 'main' });
    syncAll(a, b);
    expect(targetsOf(toDefinition(a))).toEqual(['alpha', 'zed']);
    expect(toDefinition(b).edges).toEqual(toDefinition(a).edges);
  });

  it('edges stored without a rank (older documents) come first, by id; a bad rank counts as none', () => {
    const doc = workflow();
    connect(doc, { source: 'start', sourceHandle: 'main', target: 'alpha', targetHandle: 'main' });
    const edges = edgesMap(doc);
    edges.set('start:main>zed:main', { source: 'start', sourceHandle: 'main', target: 'zed', targetHandle: 'main' });
    const hostile = { source: 'start', sourceHandle: 'main', target: 'mid', targetHandle: 'main', order: Number.NaN };
    edges.set('start:main>mid:main', hostile);
    expect(targetsOf(toDefinition(doc))).toEqual(['mid', 'zed', 'alpha']);
    expect(toDefinition(doc).edges[0]).toEqual({
      id: 'start:main>mid:main',
      source: 'start',
      sourceHandle: 'main',
      target: 'mid',
      targetHandle: 'main',
    });
  });
});
