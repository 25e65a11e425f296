import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { replica, syncAll } from '../../../test/replicas.ts';
import { edited, nodeOf, sampleDefinition } from '../../../test/workflow-fixture.ts';
import { origins } from '../../origins.ts';
import type { WorkflowDefinition } from '../definition.ts';
import { fromDefinition } from '../from-definition.ts';
import { toDefinition } from '../to-definition.ts';
import { connect, getParameterText, moveNode, renameNode, setParameter } from '../write.ts';
import { applyChanges } from './apply.ts';
import type { Change } from './diff.ts';
import { restoreChanges, undoRestoreChanges } from './restore.ts';

const server = origins.server('restorer');

/** What the restorer's server does: every change in one transaction on the live document. */
const applyAll = (doc: Y.Doc, changes: readonly Change[]): void => {
  doc.transact(() => {
    applyChanges(doc, changes, server);
  }, server);
};

/**
 * The live state `before` the restore and an older version `target` that
 * differs from it in every kind of way: workflow fields, a parameter, code,
 * a node only `before` has (with its edge), one only `target` has, a rename
 * and a node of another type.
 */
const before = edited(sampleDefinition(), (d) => {
  d.name = 'Order sync v2';
  d.settings.onEngineLoss = 'retry';
  nodeOf(d, 'fetch').parameters.url = 'https://example.com/v2/orders';
  nodeOf(d, 'fetch').name = 'Fetch v2';
  nodeOf(d, 'shape').parameters.jsCode = 'const total = 2;\nreturn $input.all();\n';
  d.nodes.push({ id: 'done', name: 'Done', type: 'noOp', typeVersion: 1, position: { x: 600, y: 0 }, parameters: {} });
  d.edges.push({ id: '', source: 'shape', sourceHandle: 'main', target: 'done', targetHandle: 'main' });
});
const target = edited(sampleDefinition(), (d) => {
  d.nodes.push({ id: 'old', name: 'Old', type: 'noOp', typeVersion: 1, position: { x: 0, y: 200 }, parameters: {} });
  nodeOf(d, 'start').position = { x: -50, y: 0 };
});

const canonical = (def: WorkflowDefinition): WorkflowDefinition => toDefinition(fromDefinition(def).doc);

/** A server document at `before`, an editor's replica of it, and the restore applied on the server. */
const restored = () => {
  const live = replica(1, fromDefinition(before).doc);
  const editor = replica(2, live);
  const beforeDef = toDefinition(live);
  applyAll(live, restoreChanges(beforeDef, target));
  return { live, editor, beforeDef };
};

const undo = (live: Y.Doc, beforeDef: WorkflowDefinition): WorkflowDefinition => {
  applyAll(live, undoRestoreChanges(canonical(target), beforeDef, toDefinition(live)));
  return toDefinition(live);
};

describe('restore', () => {
  it('makes the live document the version', () => {
    const { live } = restored();
    expect(toDefinition(live)).toEqual(canonical(target));
  });

  it('and its undo, with nothing in between, give back the state before', () => {
    const { live, beforeDef } = restored();
    expect(undo(live, beforeDef)).toEqual(beforeDef);
  });

  it('keeps an edit made at the same time as the restore, and undoing it keeps that edit too', () => {
    const live = replica(1, fromDefinition(before).doc);
    const editor = replica(2, live);
    const beforeDef = toDefinition(live);
    // Concurrent: the editor's move has not reached the server when the restore commits.
    moveNode(editor, 'shape', { x: 999, y: 9 }, origins.ui);
    applyAll(live, restoreChanges(beforeDef, target));
    syncAll(live, editor);
    expect(nodeOf(toDefinition(live), 'shape').position).toEqual({ x: 999, y: 9 });
    expect(nodeOf(toDefinition(live), 'fetch').parameters.url).toBe('https://example.com/orders');

    const after = undo(live, beforeDef);
    syncAll(live, editor);
    expect(toDefinition(editor)).toEqual(after);
    expect(nodeOf(after, 'shape').position).toEqual({ x: 999, y: 9 });
    expect(nodeOf(after, 'fetch').parameters.url).toBe('https://example.com/v2/orders');
    expect(nodeOf(after, 'shape').parameters.jsCode).toBe('const total = 2;\nreturn $input.all();\n');
    expect(after.nodes.map((n) => n.id).sort()).toEqual(['done', 'fetch', 'shape', 'start']);
  });

  it.each<[string, (doc: Y.Doc) => void, (after: WorkflowDefinition) => void]>([
    [
      'a parameter the restore changed, edited since, keeps its new value; the others go back',
      (doc) => setParameter(doc, 'fetch', 'url', 'https://example.com/v3', origins.ui),
      (after) => {
        expect(nodeOf(after, 'fetch').parameters.url).toBe('https://example.com/v3');
        expect(nodeOf(after, 'fetch').name).toBe('Fetch v2');
        expect(after.name).toBe('Order sync v2');
      },
    ],
    [
      'code typed into since the restore is kept whole',
      (doc) => {
        const text = getParameterText(doc, 'shape', 'jsCode');
        if (!text) throw new Error('jsCode is not a Y.Text');
        text.insert(0, '// note\n');
      },
      (after) => {
        expect(nodeOf(after, 'shape').parameters.jsCode).toBe('// note\nconst total = 1;\nreturn $input.all();\n');
        expect(nodeOf(after, 'fetch').parameters.url).toBe('https://example.com/v2/orders');
      },
    ],
    [
      'a node the restore brought back and someone moved since stays',
      (doc) => moveNode(doc, 'old', { x: 5, y: 5 }, origins.ui),
      (after) => {
        expect(nodeOf(after, 'old').position).toEqual({ x: 5, y: 5 });
        expect(nodeOf(after, 'done').name).toBe('Done');
      },
    ],
    [
      'a name the undo would give back, taken since by another node, stays taken',
      (doc) => renameNode(doc, 'shape', 'Fetch v2', origins.ui),
      (after) => {
        expect(nodeOf(after, 'shape').name).toBe('Fetch v2');
        expect(nodeOf(after, 'fetch').name).toBe('Fetch orders');
        expect(nodeOf(after, 'fetch').parameters.url).toBe('https://example.com/v2/orders');
      },
    ],
  ])('after the restore, %s', (_label, edit, check) => {
    const { live, editor, beforeDef } = restored();
    syncAll(live, editor);
    edit(editor);
    syncAll(live, editor);
    const after = undo(live, beforeDef);
    check(after);
    // Untouched by anyone since the restore: back as before.
    expect(nodeOf(after, 'start').position).toEqual({ x: 0, y: 0 });
    expect(after.settings.onEngineLoss).toBe('retry');
  });

  // Here the live document is at `target` and the restore brings `before` back, with its node "done" and that node's edge.
  it.each<[string, (doc: Y.Doc) => void, string[]]>([
    [
      'edited since: it stays with the edit; its edge, untouched, goes as the undo asks',
      (doc) => setParameter(doc, 'done', 'x', 1, origins.ui),
      ['fetch:main>shape:main', 'start:main>fetch:main'],
    ],
    [
      'connected since: it stays with the new edge; the untouched one goes',
      (doc) =>
        connect(doc, { source: 'done', sourceHandle: 'main', target: 'fetch', targetHandle: 'main' }, origins.ui),
      ['done:main>fetch:main', 'fetch:main>shape:main', 'start:main>fetch:main'],
    ],
  ])('a node the restore added and someone %s', (_label, edit, edges) => {
    const live = replica(1, fromDefinition(target).doc);
    const liveBefore = toDefinition(live);
    applyAll(live, restoreChanges(liveBefore, before));
    const editor = replica(2, live);
    edit(editor);
    syncAll(live, editor);
    applyAll(live, undoRestoreChanges(canonical(before), liveBefore, toDefinition(live)));
    const after = toDefinition(live);
    expect(after.nodes.map((n) => n.id).sort()).toEqual(['done', 'fetch', 'old', 'shape', 'start']);
    expect(after.edges.map((e) => e.id).sort()).toEqual(edges);
  });

  it('a node the restore added and nobody touched goes again', () => {
    const live = replica(1, fromDefinition(target).doc);
    const liveBefore = toDefinition(live);
    applyAll(live, restoreChanges(liveBefore, before));
    applyAll(live, undoRestoreChanges(canonical(before), liveBefore, toDefinition(live)));
    expect(toDefinition(live)).toEqual(liveBefore);
  });
});
