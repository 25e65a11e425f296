import { describe, expect, it } from 'vitest';
import { edited, nodeOf, sampleDefinition } from '../../../test/workflow-fixture.ts';
import type { WorkflowDefinition } from '../definition.ts';
import { compareDefinitions, type NodeComparison } from './describe.ts';

const a = sampleDefinition();
const fetchEdge = {
  id: 'fetch:main>shape:main',
  source: 'fetch',
  sourceHandle: 'main',
  target: 'shape',
  targetHandle: 'main',
};

const nodeIn = (nodes: NodeComparison[], id: string): NodeComparison | undefined => nodes.find((n) => n.id === id);

describe('compareDefinitions', () => {
  it('finds nothing between a definition and itself', () => {
    const result = compareDefinitions(a, structuredClone(a));
    expect(result.nodes.map((n) => n.status)).toEqual(['same', 'same', 'same']);
    expect(result.edges).toEqual({ added: [], removed: [] });
    expect(result.meta).toEqual([]);
  });

  it.each<[string, (def: WorkflowDefinition) => void, Partial<NodeComparison>]>([
    [
      'a move only',
      (d) => {
        nodeOf(d, 'fetch').position = { x: 300, y: 50 };
      },
      { id: 'fetch', status: 'moved', from: { x: 200, y: 0 }, to: { x: 300, y: 50 }, params: [] },
    ],
    [
      'a parameter edit',
      (d) => {
        nodeOf(d, 'fetch').parameters.url = 'https://b';
      },
      {
        id: 'fetch',
        status: 'changed',
        params: [{ path: 'parameters.url', before: 'https://example.com/orders', after: 'https://b' }],
      },
    ],
    [
      'a move and a parameter edit: changed, keeping from and to',
      (d) => {
        const fetch = nodeOf(d, 'fetch');
        fetch.position = { x: 300, y: 50 };
        fetch.parameters.url = 'https://b';
      },
      {
        id: 'fetch',
        status: 'changed',
        from: { x: 200, y: 0 },
        to: { x: 300, y: 50 },
        params: [{ path: 'parameters.url', before: 'https://example.com/orders', after: 'https://b' }],
      },
    ],
    [
      'a rename',
      (d) => {
        nodeOf(d, 'shape').name = 'Reshape';
      },
      { id: 'shape', name: 'Reshape', status: 'changed', renamed: { from: 'Shape', to: 'Reshape' }, params: [] },
    ],
    [
      'notes, a node setting, a credential and a removed parameter',
      (d) => {
        const shape = nodeOf(d, 'shape');
        shape.notes = 'Other';
        shape.disabled = true;
        shape.credentials = { api: 'c1' };
        delete shape.parameters.jsCode;
      },
      {
        id: 'shape',
        status: 'changed',
        params: [
          { path: 'parameters.jsCode', before: 'const total = 1;\nreturn $input.all();\n', after: undefined },
          { path: 'notes', before: 'First line', after: 'Other' },
          { path: 'settings.disabled', before: false, after: true },
          { path: 'credentials.api', before: null, after: 'c1' },
        ],
      },
    ],
    [
      'a new type version, renamed: the fields that differ, not a remove and an add',
      (d) => {
        const shape = nodeOf(d, 'shape');
        shape.typeVersion = 2;
        shape.name = 'Shape 2';
        shape.parameters.jsCode = 'return [];\n';
      },
      {
        id: 'shape',
        status: 'changed',
        renamed: { from: 'Shape', to: 'Shape 2' },
        params: [
          { path: 'typeVersion', before: 1, after: 2 },
          { path: 'parameters.jsCode', before: 'const total = 1;\nreturn $input.all();\n', after: 'return [];\n' },
        ],
      },
    ],
    [
      'an added node',
      (d) => {
        d.nodes.push({
          id: 'noop',
          name: 'Done',
          type: 'noOp',
          typeVersion: 1,
          position: { x: 600, y: 0 },
          parameters: {},
        });
      },
      { id: 'noop', name: 'Done', type: 'noOp', status: 'added', params: [] },
    ],
    [
      'a removed node',
      (d) => {
        d.nodes = d.nodes.filter((n) => n.id !== 'shape');
        d.edges = d.edges.filter((e) => e.target !== 'shape');
      },
      { id: 'shape', name: 'Shape', type: 'code', status: 'removed', params: [] },
    ],
  ])('%s', (_label, edit, expected) => {
    const { nodes } = compareDefinitions(a, edited(a, edit));
    const found = nodeIn(nodes, expected.id ?? '');
    // toEqual, not toMatchObject: a key the case does not name (from, to, renamed) must be absent.
    expect(found).toEqual({ name: found?.name, type: found?.type, ...expected });
    expect(nodes.filter((n) => n.id !== expected.id).every((n) => n.status === 'same')).toBe(true);
  });

  it.each<[string, (def: WorkflowDefinition) => void, { added: string[]; removed: string[] }]>([
    [
      'a removed edge',
      (d) => {
        d.edges = d.edges.filter((e) => e.source !== 'fetch');
      },
      { added: [], removed: [fetchEdge.id] },
    ],
    [
      'an edge moved to another input',
      (d) => {
        d.edges = d.edges.filter((e) => e.source !== 'fetch');
        d.edges.push({ ...fetchEdge, id: '', target: 'start' });
      },
      { added: ['fetch:main>start:main'], removed: [fetchEdge.id] },
    ],
    [
      // diffDefinitions reconnects a replaced node's edges; they were there all along.
      'a replaced node keeps its edges',
      (d) => {
        nodeOf(d, 'shape').typeVersion = 2;
      },
      { added: [], removed: [] },
    ],
  ])('edges: %s', (_label, edit, expected) => {
    const { edges } = compareDefinitions(a, edited(a, edit));
    expect({ added: edges.added.map((e) => e.id), removed: edges.removed.map((e) => e.id) }).toEqual(expected);
  });

  it('describes a removed edge fully', () => {
    const b = edited(a, (d) => {
      d.edges = d.edges.filter((e) => e.source !== 'fetch');
    });
    expect(compareDefinitions(a, b).edges.removed).toEqual([fetchEdge]);
  });

  it('lists the workflow fields with before and after', () => {
    const b = edited(a, (d) => {
      d.name = 'Order sync v2';
      d.description = '';
      d.settings = { timezone: 'Europe/Berlin', executionOrder: 'v0' };
    });
    expect(compareDefinitions(a, b).meta).toEqual([
      { path: 'name', before: 'Order sync', after: 'Order sync v2' },
      { path: 'description', before: 'Fetches orders.', after: '' },
      { path: 'settings.executionOrder', before: undefined, after: 'v0' },
    ]);
  });
});
