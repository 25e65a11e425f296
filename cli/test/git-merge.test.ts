import * as prng from 'lib0/prng';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { origins } from '#shared/origins.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';
import { getParameterText, moveNode, setParameter } from '#shared/schema/write.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { diffDefinitions } from '#shared/schema/diff/diff.ts';
import { changeUpdate } from '../src/git/push.ts';
import { applyTextEdits, textEdits } from '#shared/schema/diff/text-diff.ts';
import { sampleDoc } from './git-fixtures.ts';

/**
 * The three-way merge push relies on, without a server: a "CLI" replica
 * applies the file's changes to the document as pulled, an "editor" replica
 * edits the same document meanwhile, and the CLI's update merged into the
 * editor's document keeps both.
 */

const clone = (doc: Y.Doc): Y.Doc => {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
};

const edited = (doc: Y.Doc, edit: (def: WorkflowDefinition) => void): WorkflowDefinition => {
  const def = structuredClone(toDefinition(doc));
  edit(def);
  return def;
};

const node = (def: WorkflowDefinition, id: string) => {
  const found = def.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`no node ${id}`);
  return found;
};

/** Pull, the file edited into `local`, the editor's edit meanwhile, push: the merged definition. */
const merge = (local: (def: WorkflowDefinition) => void, editor: (doc: Y.Doc) => void) => {
  const server = sampleDoc();
  const base = clone(server);
  const file = edited(base, local);
  editor(server);
  const changes = diffDefinitions(toDefinition(base), file);
  const update = changeUpdate(base, changes);
  if (update) Y.applyUpdate(server, update, origins.cli);
  return { merged: toDefinition(server), changes, update };
};

describe('text edits', () => {
  it('turn any text into any other (seeded random texts)', () => {
    const rng = prng.create(42);
    const alphabet = ['a', 'b', '\n', 'é', '🚀', ' ', 'x\n', '\r\n'];
    const text = () => Array.from({ length: prng.uint32(rng, 0, 40) }, () => prng.oneOf(rng, alphabet)).join('');
    for (let i = 0; i < 500; i++) {
      const from = text();
      const to = prng.bool(rng) ? text() : from.slice(0, 5) + text() + from.slice(10);
      const target = new Y.Doc().getText();
      target.insert(0, from);
      applyTextEdits(target, textEdits(from, to));
      expect(target.toJSON()).toBe(to);
    }
  });

  it('touch only the lines that changed', () => {
    const from = 'one\ntwo\nthree\nfour\nfive\n';
    const to = 'ONE\ntwo\nthree\nfour\nFIVE\n';
    expect(textEdits(from, to)).toEqual([
      { index: 0, remove: 3, insert: 'ONE' },
      { index: 19, remove: 4, insert: 'FIVE' },
    ]);
  });
});

describe('a push merges with edits made since the pull', () => {
  it('changes nothing when the file is what was pulled', () => {
    const { changes, update } = merge(
      () => {},
      () => {},
    );
    expect(changes).toEqual([]);
    expect(update).toBeUndefined();
  });

  it("keeps an editor's change of another node's parameter next to the file's change", () => {
    const { merged } = merge(
      (def) => {
        node(def, 'shape').parameters.mode = 'runOnceForEachItem';
      },
      (doc) => setParameter(doc, 'fetch', 'url', 'https://example.com/v2/orders', origins.ui),
    );
    expect(node(merged, 'shape').parameters.mode).toBe('runOnceForEachItem');
    expect(node(merged, 'fetch').parameters.url).toBe('https://example.com/v2/orders');
  });

  it("merges the file's edits of a code body with an editor typing in the same body", () => {
    const { merged } = merge(
      (def) => {
        const code = node(def, 'shape').parameters.jsCode as string;
        node(def, 'shape').parameters.jsCode = code
          .replace('const total = 1;', 'const total = 2;')
          .replace('\treturn', '\t// shaped\n\treturn');
      },
      (doc) => {
        const text = getParameterText(doc, 'shape', 'jsCode');
        if (!text) throw new Error('jsCode is not a Y.Text');
        const at = text.toJSON().indexOf('// ünïcödé');
        text.insert(at, '// editor was here\r\n');
      },
    );
    const code = node(merged, 'shape').parameters.jsCode as string;
    expect(code).toContain('const total = 2;');
    expect(code).toContain('\t// shaped\n\treturn');
    // The editor's line stays where it was typed: between the two lines the file changed.
    expect(code.indexOf('const total = 2;')).toBeLessThan(code.indexOf('// editor was here'));
    expect(code.indexOf('// editor was here')).toBeLessThan(code.indexOf('// shaped'));
  });

  it('keeps a move made in the editor when the file renames the node, and swaps names', () => {
    const { merged } = merge(
      (def) => {
        node(def, 'fetch').name = 'Shape';
        node(def, 'shape').name = 'Fetch orders';
      },
      (doc) => moveNode(doc, 'fetch', { x: 999, y: 5 }, origins.ui),
    );
    expect(node(merged, 'fetch').name).toBe('Shape');
    expect(node(merged, 'shape').name).toBe('Fetch orders');
    expect(node(merged, 'fetch').position).toEqual({ x: 999, y: 5 });
  });

  it('adds and removes nodes and edges, resets a removed parameter, and sets workflow fields', () => {
    const { merged, changes } = merge(
      (def) => {
        def.name = 'Order sync v2';
        def.description = 'One line now';
        def.settings = { timeoutSeconds: 60 };
        def.nodes = def.nodes.filter((n) => n.id !== 'start');
        def.edges = def.edges.filter((e) => e.source !== 'start');
        def.nodes.push({
          id: 'hook',
          name: 'Hook',
          type: 'webhook',
          typeVersion: 1,
          position: { x: -200, y: 0 },
          parameters: { path: 'orders' },
        });
        def.edges.push({ id: '', source: 'hook', sourceHandle: 'main', target: 'fetch', targetHandle: 'main' });
        delete node(def, 'shape').parameters.mode;
        node(def, 'fetch').retryOnFail = true;
      },
      (doc) => setParameter(doc, 'fetch', 'url', 'https://example.com/v3', origins.ui),
    );
    expect(changes.map((c) => c.op).sort()).toEqual(
      [
        'addNode',
        'connect',
        'disconnect',
        'removeNode',
        'removeParameter',
        'setDescription',
        'setName',
        'setNodeSettings',
        'setSetting',
        'setSetting',
      ].sort(),
    );
    expect(merged.name).toBe('Order sync v2');
    expect(merged.description).toBe('One line now');
    expect(merged.settings).toEqual({ timeoutSeconds: 60 });
    expect(merged.nodes.map((n) => n.id).sort()).toEqual(['fetch', 'hook', 'shape']);
    expect(merged.edges.map((e) => e.id).sort()).toEqual(['fetch:main>shape:main', 'hook:main>fetch:main']);
    expect(node(merged, 'fetch').retryOnFail).toBe(true);
    expect(node(merged, 'fetch').parameters.url).toBe('https://example.com/v3');
    // The file removed the parameter: it reads as its default again.
    expect(node(merged, 'shape').parameters.mode).toBe('runOnceForAllItems');
  });

  it('lets a value an editor set meanwhile win over the file removing the value it pulled', () => {
    const { merged } = merge(
      (def) => {
        delete node(def, 'fetch').parameters.timeout;
      },
      (doc) => setParameter(doc, 'fetch', 'timeout', 5000, origins.ui),
    );
    expect(node(merged, 'fetch').parameters.timeout).toBe(5000);
  });
});
