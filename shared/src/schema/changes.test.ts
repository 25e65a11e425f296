import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { changedTargets, MAX_TARGETS_PER_TRANSACTION, parseNodeTarget } from './changes.ts';
import {
  addNode,
  connect,
  deleteNode,
  getParameterText,
  initWorkflowDoc,
  moveNode,
  removeParameter,
  renameNode,
  setNotes,
  setParameter,
  setWorkflowDescription,
  setWorkflowSetting,
} from './write.ts';

/** A workflow with a code node `a` and a webhook `b`, and every transaction from here on recorded. */
const setUp = (): { doc: Y.Doc; targetsOf: (edit: () => void) => string[][] } => {
  const doc = new Y.Doc();
  initWorkflowDoc(doc, { name: 'Orders' });
  addNode(doc, { id: 'a', type: 'code', position: { x: 0, y: 0 } });
  addNode(doc, { id: 'b', type: 'webhook', position: { x: 200, y: 0 } });
  const targetsOf = (edit: () => void): string[][] => {
    const seen: string[][] = [];
    const record = (tr: Y.Transaction): void => void seen.push(changedTargets(doc, tr).sort());
    doc.on('afterTransaction', record);
    edit();
    doc.off('afterTransaction', record);
    return seen;
  };
  return { doc, targetsOf };
};

describe('changedTargets (SPEC CHG1)', () => {
  it('names a parameter set as a value, and only that parameter', () => {
    const { doc, targetsOf } = setUp();
    expect(targetsOf(() => setParameter(doc, 'b', 'path', 'orders'))).toEqual([['node:b:param:path']]);
    expect(targetsOf(() => removeParameter(doc, 'b', 'path'))).toEqual([['node:b:param:path']]);
  });

  it('names a text parameter typed into (a change inside its Y.Text)', () => {
    const { doc, targetsOf } = setUp();
    setParameter(doc, 'a', 'jsCode', 'return items;');
    expect(getParameterText(doc, 'a', 'jsCode')).toBeInstanceOf(Y.Text);
    expect(targetsOf(() => setParameter(doc, 'a', 'jsCode', 'return items.slice(1);'))).toEqual([
      ['node:a:param:jsCode'],
    ]);
  });

  it('names the node for its own fields: moves, renames, notes', () => {
    const { doc, targetsOf } = setUp();
    expect(targetsOf(() => moveNode(doc, 'a', { x: 5, y: 5 }))).toEqual([['node:a']]);
    expect(targetsOf(() => renameNode(doc, 'a', 'Transform'))).toEqual([['node:a']]);
    expect(targetsOf(() => setNotes(doc, 'a', 'why'))).toEqual([['node:a']]);
  });

  it('names nodes added and deleted, not the edges a delete takes along', () => {
    const { doc, targetsOf } = setUp();
    expect(targetsOf(() => addNode(doc, { id: 'c', type: 'code', position: { x: 0, y: 0 } }))).toEqual([['node:c']]);
    connect(doc, { source: 'b', sourceHandle: 'main', target: 'c', targetHandle: 'main' });
    expect(targetsOf(() => deleteNode(doc, 'c'))).toEqual([['node:c']]);
  });

  it('names nothing nobody can ask about: edges, the workflow’s meta', () => {
    const { doc, targetsOf } = setUp();
    expect(
      targetsOf(() => connect(doc, { source: 'b', sourceHandle: 'main', target: 'a', targetHandle: 'main' })),
    ).toEqual([[]]);
    expect(targetsOf(() => setWorkflowDescription(doc, 'Takes orders'))).toEqual([[]]);
    expect(targetsOf(() => setWorkflowSetting(doc, 'timezone', 'Europe/Berlin'))).toEqual([[]]);
  });

  it('names only well-formed targets, at most 100 per transaction, whatever a raw client writes', () => {
    const { doc, targetsOf } = setUp();
    const nodes = doc.getMap('nodes');
    const [targets] = targetsOf(() =>
      doc.transact(() => {
        nodes.set('bad id with spaces', new Y.Map());
        nodes.set('nul\u0000id', new Y.Map());
        const a = nodes.get('a') as Y.Map<unknown>;
        const parameters = a.get('parameters') as Y.Map<unknown>;
        parameters.set('x'.repeat(129), 1);
        parameters.set('with\u0000nul', 1);
        for (let i = 0; i < 500; i += 1) nodes.set(`made${i}`, new Y.Map());
      }),
    );
    expect(targets).toHaveLength(MAX_TARGETS_PER_TRANSACTION);
    expect(targets?.every((t) => parseNodeTarget(t) !== undefined)).toBe(true);
  });

  it('names every target of one transaction once, as a remote update applies them', () => {
    const { doc } = setUp();
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    other.transact(() => {
      setParameter(other, 'a', 'jsCode', 'x');
      setParameter(other, 'a', 'jsCode', 'xy');
      setParameter(other, 'b', 'path', 'p');
      moveNode(other, 'b', { x: 1, y: 1 });
    });
    const seen: string[][] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => seen.push(changedTargets(doc, tr).sort()));
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)));
    expect(seen).toEqual([['node:a:param:jsCode', 'node:b', 'node:b:param:path']]);
  });

  it('names nothing for a transaction that changed nothing', () => {
    const { doc, targetsOf } = setUp();
    expect(targetsOf(() => doc.transact(() => undefined))).toEqual([[]]);
  });
});

describe('parseNodeTarget', () => {
  it('reads a node and a parameter target, a parameter name with colons included', () => {
    expect(parseNodeTarget('node:a1')).toEqual({ nodeId: 'a1' });
    expect(parseNodeTarget('node:a1:param:path')).toEqual({ nodeId: 'a1', param: 'path' });
    expect(parseNodeTarget('node:a1:param:a:b')).toEqual({ nodeId: 'a1', param: 'a:b' });
  });

  it('refuses anything else', () => {
    for (const bad of [
      '',
      'node:',
      'node:a b',
      'edge:x',
      'meta',
      'node:a:param:',
      `node:a:param:${'x'.repeat(129)}`,
      'node:a:param:nul\u0000',
    ])
      expect(parseNodeTarget(bad)).toBeUndefined();
  });
});
