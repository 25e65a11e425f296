import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { UserError } from '../errors.ts';
import { origins } from '../origins.ts';
import { extractFragment, insertFragment } from './fragment.ts';
import { toDefinition } from './to-definition.ts';
import { addNode, connect, initWorkflowDoc, setParameter } from './write.ts';

const workflow = () => {
  const doc = new Y.Doc();
  initWorkflowDoc(doc, { name: 'Source' });
  const hook = addNode(doc, { type: 'webhook', name: 'Hook', position: { x: 100, y: 50 } });
  const branch = addNode(doc, { type: 'if', name: 'Check', position: { x: 300, y: 80 } });
  const code = addNode(doc, { type: 'code', name: 'Shape', position: { x: 500, y: 0 } });
  setParameter(doc, code, 'jsCode', 'return $input.all();');
  connect(doc, { source: hook, sourceHandle: 'main', target: branch, targetHandle: 'main' });
  connect(doc, { source: branch, sourceHandle: 'true', target: code, targetHandle: 'main' });
  return { doc, hook, branch, code };
};

describe('copy and paste as definition JSON', () => {
  it('copies the selected nodes and only the edges between them', () => {
    const { doc, branch, code } = workflow();
    const fragment = extractFragment(doc, [branch, code]);
    expect(new Set(fragment.nodes.map((n) => n.name))).toEqual(new Set(['Check', 'Shape']));
    expect(fragment.edges).toHaveLength(1);
    expect(fragment.edges[0]).toMatchObject({ source: branch, sourceHandle: 'true', target: code });
  });

  it('pastes into another workflow through JSON text: new ids, unique names, edges remapped, placed at the point', () => {
    const { doc, branch, code } = workflow();
    const text = JSON.stringify(extractFragment(doc, [branch, code]));
    const { doc: other } = workflow();
    const before = toDefinition(other).nodes.length;
    const ids = insertFragment(other, JSON.parse(text), { at: { x: 1000, y: 1000 }, origin: origins.ui });
    const after = toDefinition(other);
    expect(after.nodes).toHaveLength(before + 2);
    const pasted = after.nodes.filter((n) => ids.includes(n.id));
    expect(pasted.map((n) => n.name).sort()).toEqual(['Check1', 'Shape1']);
    expect(ids).not.toContain(branch);
    expect(Math.min(...pasted.map((n) => n.position.x))).toBe(1000);
    expect(Math.min(...pasted.map((n) => n.position.y))).toBe(1000);
    const shape = pasted.find((n) => n.name === 'Shape1');
    expect(shape?.parameters.jsCode).toBe('return $input.all();');
    const edge = after.edges.find((e) => ids.includes(e.source));
    expect(edge).toMatchObject({ sourceHandle: 'true', target: shape?.id });
  });

  it('duplicates beside the original with an offset', () => {
    const { doc, hook } = workflow();
    const [copy] = insertFragment(doc, extractFragment(doc, [hook]), { offset: { x: 40, y: 40 } });
    const node = toDefinition(doc).nodes.find((n) => n.id === copy);
    expect(node).toMatchObject({ name: 'Hook1', position: { x: 140, y: 90 } });
  });

  it('refuses text that is not a definition, listing the problems, and writes nothing', () => {
    const { doc } = workflow();
    const before = Y.encodeStateAsUpdate(doc);
    expect(() => insertFragment(doc, { nodes: 'x' })).toThrow(/not a Weft workflow/);
    let error: unknown;
    try {
      insertFragment(doc, { weft: 1, name: 'x', nodes: [{ id: 'a' }], edges: [] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).issues.map((i) => i.message).join('\n')).toMatch(/type/);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });
});
