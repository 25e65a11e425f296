import { describe, expect, it } from 'vitest';
import { edited, nodeOf, sampleDefinition } from '../../../test/workflow-fixture.ts';
import type { WorkflowDefinition } from '../definition.ts';
import { edgeId } from '../roots.ts';
import { mergeDefinitions } from './merge.ts';

/** `base` with an IF node "cond" routing its "true" output to shape. */
const base = edited(sampleDefinition(), (d) => {
  d.nodes.push({ id: 'cond', name: 'Check', type: 'if', typeVersion: 1, position: { x: 0, y: 300 }, parameters: {} });
  d.edges.push({ id: '', source: 'cond', sourceHandle: 'true', target: 'shape', targetHandle: 'main' });
});
/** `theirs` turned "cond" into a No-op, which has a "main" output only. */
const theirs = edited(base, (d) => {
  const cond = nodeOf(d, 'cond');
  cond.type = 'noOp';
  cond.parameters = {};
  d.edges = d.edges.filter((e) => e.source !== 'cond');
  d.edges.push({ id: '', source: 'cond', sourceHandle: 'main', target: 'shape', targetHandle: 'main' });
});
const edgeIds = (def: WorkflowDefinition): string[] => def.edges.map((e) => edgeId(e)).sort();

describe('mergeDefinitions', () => {
  it('takes every change of theirs when current is base', () => {
    const merged = mergeDefinitions(base, theirs, structuredClone(base));
    expect(nodeOf(merged, 'cond').type).toBe('noOp');
    expect(edgeIds(merged)).toEqual(edgeIds(theirs));
  });

  it('takes another type only for a node whose content nobody changed since base, but merges its move', () => {
    const current = edited(base, (d) => {
      nodeOf(d, 'cond').parameters.combinator = 'or';
      nodeOf(d, 'cond').position = { x: 10, y: 10 };
    });
    const merged = mergeDefinitions(base, theirs, current);
    expect(nodeOf(merged, 'cond')).toEqual(nodeOf(current, 'cond'));

    const moved = edited(base, (d) => {
      nodeOf(d, 'cond').position = { x: 10, y: 10 };
    });
    expect(nodeOf(mergeDefinitions(base, theirs, moved), 'cond')).toEqual({
      ...nodeOf(theirs, 'cond'),
      position: { x: 10, y: 10 },
    });
  });

  it('drops an edge current added from a handle the merged type lacks', () => {
    const current = edited(base, (d) => {
      d.edges.push({ id: '', source: 'cond', sourceHandle: 'false', target: 'fetch', targetHandle: 'main' });
    });
    expect(edgeIds(mergeDefinitions(base, theirs, current))).toEqual(edgeIds(theirs));
  });

  it('keeps a setting current changed, takes one only theirs changed, and leaves a deleted node deleted', () => {
    const theirsSettings = edited(theirs, (d) => {
      d.settings = { timezone: 'UTC', timeoutSeconds: 10 };
      nodeOf(d, 'fetch').retryOnFail = true;
    });
    const current = edited(base, (d) => {
      d.settings.timezone = 'Asia/Tokyo';
      d.nodes = d.nodes.filter((n) => n.id !== 'fetch');
      d.edges = d.edges.filter((e) => e.source !== 'fetch' && e.target !== 'fetch');
    });
    const merged = mergeDefinitions(base, theirsSettings, current);
    expect(merged.settings).toEqual({ timezone: 'Asia/Tokyo', timeoutSeconds: 10 });
    expect(merged.nodes.map((n) => n.id).sort()).toEqual(['cond', 'shape', 'start']);
    expect(edgeIds(merged)).toEqual(['cond:main>shape:main']);
  });
});
