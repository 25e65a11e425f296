import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
  addNode,
  connect,
  deleteNode,
  edgesMap,
  findViolations,
  getParameterText,
  initWorkflowDoc,
  moveNode,
  readNode,
  repairDoc,
  setParameter,
  toDefinition,
  validateDefinition,
} from '../src/schema/index.ts';
import { replica, sameState, syncAll } from './replicas.ts';

/**
 * One test per row of the concurrency-semantics table (ARCHITECTURE.md §2,
 * SPEC.md DOC1–DOC5, DOC7). Two replicas start from the same document, edit
 * without seeing each other, then exchange updates.
 */
const twoReplicas = (): { a: Y.Doc; b: Y.Doc; http: string; set: string } => {
  const a = replica(1);
  initWorkflowDoc(a, { name: 'Concurrency' });
  const http = addNode(a, { id: 'http', type: 'httpRequest', position: { x: 0, y: 0 } });
  const set = addNode(a, { id: 'set', type: 'set', position: { x: 300, y: 0 } });
  const b = replica(2, a);
  return { a, b, http, set };
};

const expectValidAndEqual = (a: Y.Doc, b: Y.Doc): void => {
  expect(sameState(a, b)).toBe(true);
  expect(toDefinition(a)).toEqual(toDefinition(b));
  const result = validateDefinition(toDefinition(a));
  expect(result.ok, JSON.stringify(result)).toBe(true);
};

describe('concurrency semantics', () => {
  it('DOC1: two people move the same node — one position wins, never a mix of x and y', () => {
    const { a, b, http } = twoReplicas();
    moveNode(a, http, { x: 100, y: 100 });
    moveNode(b, http, { x: 555, y: 777 });
    syncAll(a, b);
    const position = readNode(a, http)?.position;
    expect([
      { x: 100, y: 100 },
      { x: 555, y: 777 },
    ]).toContainEqual(position);
    expectValidAndEqual(a, b);
  });

  it('DOC2: edits of different parameters of one node are both kept', () => {
    const { a, b, http } = twoReplicas();
    setParameter(a, http, 'method', 'POST');
    setParameter(b, http, 'timeout', 5000);
    syncAll(a, b);
    const params = readNode(b, http)?.parameters;
    expect(params?.method).toBe('POST');
    expect(params?.timeout).toBe(5000);
    expectValidAndEqual(a, b);
  });

  it('DOC3: two people typing into the same code parameter keep both insertions, character by character', () => {
    const a = replica(1);
    initWorkflowDoc(a, { name: 'Typing' });
    const code = addNode(a, {
      id: 'code',
      type: 'code',
      position: { x: 0, y: 0 },
      parameters: { jsCode: 'return [];' },
    });
    const b = replica(2, a);
    const textA = getParameterText(a, code, 'jsCode');
    const textB = getParameterText(b, code, 'jsCode');
    expect(textA).toBeInstanceOf(Y.Text);
    // Each types one character at a time at the start, interleaving keystrokes in time.
    const typedA = 'const a = 1;\n';
    const typedB = '// by B\n';
    for (let i = 0; i < Math.max(typedA.length, typedB.length); i++) {
      if (i < typedA.length) textA?.insert(i, typedA[i] as string);
      if (i < typedB.length) textB?.insert(i, typedB[i] as string);
    }
    syncAll(a, b);
    const merged = String(readNode(a, code)?.parameters.jsCode);
    expect(merged).toContain(typedA);
    expect(merged).toContain(typedB);
    expect(merged.endsWith('return [];')).toBe(true);
    expect(merged.length).toBe(typedA.length + typedB.length + 'return [];'.length);
    expectValidAndEqual(a, b);
  });

  it('DOC3: setParameter on a text parameter edits by diff, so a concurrent insertion survives', () => {
    const { a, b, http } = twoReplicas();
    setParameter(a, http, 'url', 'https://example.com/items');
    syncAll(a, b);
    setParameter(a, http, 'url', 'https://example.com/items?page=2');
    getParameterText(b, http, 'url')?.insert('https://'.length, 'api.');
    syncAll(a, b);
    expect(readNode(a, http)?.parameters.url).toBe('https://api.example.com/items?page=2');
  });

  it('DOC4: one deletes a node while the other edits it — the node is gone and nothing crashes', () => {
    const { a, b, http } = twoReplicas();
    deleteNode(a, http);
    setParameter(b, http, 'url', 'https://late.example');
    moveNode(b, http, { x: 9, y: 9 });
    syncAll(a, b);
    expect(readNode(a, http)).toBeNull();
    expect(readNode(b, http)).toBeNull();
    expect(toDefinition(a).nodes.map((n) => n.id)).toEqual(['set']);
    expectValidAndEqual(a, b);
  });

  it('DOC4: one deletes a node while the other connects it — the edge is hidden, then cleaned up', () => {
    const { a, b, http, set } = twoReplicas();
    deleteNode(a, set);
    connect(b, { source: http, sourceHandle: 'main', target: set, targetHandle: 'main' });
    syncAll(a, b);
    expect(readNode(a, set)).toBeNull();
    expect(edgesMap(a).size).toBe(1); // the merged document still stores the dangling edge…
    expect(toDefinition(a).edges).toEqual([]); // …which the definition never shows
    // The server (one replica) repairs; everyone receives the cleanup.
    expect(repairDoc(a)).toBe(true);
    syncAll(a, b);
    expect(edgesMap(b).size).toBe(0);
    expect(findViolations(b).edgesToDelete).toEqual([]);
    expectValidAndEqual(a, b);
  });

  it('DOC5: both create a node named "HTTP Request" — both exist and names are unique after merge', () => {
    const a = replica(1);
    initWorkflowDoc(a, { name: 'Names' });
    const b = replica(2, a);
    const fromA = addNode(a, { id: 'nodeA', type: 'httpRequest', position: { x: 0, y: 0 } });
    const fromB = addNode(b, { id: 'nodeB', type: 'httpRequest', position: { x: 0, y: 200 } });
    syncAll(a, b);
    const names = Object.fromEntries(toDefinition(a).nodes.map((n) => [n.id, n.name]));
    // Deterministic rule: ascending id order keeps the name, the next gets the suffix.
    expect(names).toEqual({ [fromA]: 'HTTP Request', [fromB]: 'HTTP Request1' });
    expect(toDefinition(b)).toEqual(toDefinition(a));
    // Both replicas repair independently to the same names: identical writes converge.
    repairDoc(a);
    repairDoc(b);
    syncAll(a, b);
    expect(readNode(a, fromB)?.name).toBe('HTTP Request1');
    expect(readNode(b, fromA)?.name).toBe('HTTP Request');
    expectValidAndEqual(a, b);
  });

  it('DOC7: both connect the same two handles — one edge', () => {
    const { a, b, http, set } = twoReplicas();
    const idA = connect(a, { source: http, sourceHandle: 'main', target: set, targetHandle: 'main' });
    const idB = connect(b, { source: http, sourceHandle: 'main', target: set, targetHandle: 'main' });
    expect(idA).toBe(idB);
    syncAll(a, b);
    expect(edgesMap(a).size).toBe(1);
    expect(toDefinition(a).edges).toHaveLength(1);
    expectValidAndEqual(a, b);
  });
});
