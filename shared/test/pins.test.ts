import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.ts';
import { origins } from '../src/origins.ts';
import {
  addNode,
  changedTargets,
  checkPin,
  deleteNode,
  fromDefinition,
  initWorkflowDoc,
  mayViolate,
  PIN_MAX_BYTES,
  PIN_MAX_TOTAL,
  pinBytes,
  pinNode,
  pinsMap,
  readPins,
  repairDoc,
  toDefinition,
  unpinNode,
  validateDefinition,
} from '../src/schema/index.ts';
import { replica, syncAll } from './replicas.ts';

/** Pinned data in the document (docs/plans/n8n-daily.md §2.1–2.3). */

const workflow = (): Y.Doc => {
  const doc = replica(1);
  initWorkflowDoc(doc, { name: 'Pins' });
  addNode(doc, { id: 'a', type: 'set', position: { x: 0, y: 0 } });
  addNode(doc, { id: 'b', type: 'set', position: { x: 200, y: 0 } });
  return doc;
};

/** Items whose JSON text is about `bytes` long. */
const itemsOf = (bytes: number) => [{ s: 'x'.repeat(bytes - 10) }];

describe('pins', () => {
  it('pinNode stores one atomic record readPins returns; unpinNode takes it away; the definition never sees it', () => {
    const doc = workflow();
    const before = JSON.stringify(toDefinition(doc));
    pinNode(doc, 'a', [{ n: 1 }, { n: 2 }], { by: 'ana', source: 'typed', at: 5 });
    expect(readPins(doc).a).toEqual({ items: [{ n: 1 }, { n: 2 }], by: 'ana', at: 5, source: 'typed' });
    expect(JSON.stringify(toDefinition(doc))).toBe(before);
    expect(unpinNode(doc, 'a')).toBe(true);
    expect(readPins(doc)).toEqual({});
    expect(unpinNode(doc, 'a')).toBe(false);
  });

  it('checkPin names the rule a pin breaks: objects only, 1 MiB a node, 4 MiB a workflow, a node that exists', () => {
    const doc = workflow();
    const record = (items: unknown) => ({ items, by: 'ana', at: 1, source: 'typed' });
    expect(checkPin(record({ n: 1 }))).toBe('Pinned data must be a list of items');
    expect(checkPin(record([1, 2]))).toMatch(/must be an object/);
    expect(checkPin(record([[]]))).toMatch(/must be an object/);
    expect(checkPin(record([{ n: 1 }]))).toBeNull();
    const big = itemsOf(PIN_MAX_BYTES + 2048);
    expect(pinBytes({ items: big })).toBeGreaterThan(PIN_MAX_BYTES);
    expect(checkPin(record(big))).toBe('Pinned data is limited to 1 MB per node; this output is 1 MB');
    expect(checkPin(record(itemsOf(PIN_MAX_BYTES + 300_000)))).toMatch(/this output is 1\.3 MB/);
    expect(checkPin(record([{ n: 1 }]), { doc, nodeId: 'zz' })).toBe('Node zz does not exist');
    // Multi-byte text counts as UTF-8 bytes, as it is stored and sent.
    expect(pinBytes({ items: [{ s: 'é😀' }] })).toBe(JSON.stringify([{ s: 'é😀' }]).length + 1 + 2);
    expect(() => pinNode(doc, 'a', big, { by: 'ana', source: 'run' })).toThrow(UserError);
    expect(readPins(doc)).toEqual({});
  });

  it('the workflow total: a pin that would take it past 4 MiB is refused before it is written', () => {
    const doc = replica(1);
    initWorkflowDoc(doc, { name: 'Many' });
    const near = itemsOf(PIN_MAX_BYTES - 1000);
    for (const id of ['a', 'b', 'c', 'd', 'e']) addNode(doc, { id, type: 'set', position: { x: 0, y: 0 } });
    for (const id of ['a', 'b', 'c', 'd']) pinNode(doc, id, near, { by: 'ana', source: 'typed', at: 1 });
    expect(() => pinNode(doc, 'e', itemsOf(5000), { by: 'ana', source: 'typed' })).toThrow(/4 MB per workflow/);
    // Re-pinning a node replaces its pin: counted once.
    expect(checkPin({ items: near, by: 'ana', at: 2, source: 'typed' }, { doc, nodeId: 'a' })).toBeNull();
  });

  it('repair deletes a pin whose node another person deleted meanwhile: both replicas end with no pin', () => {
    const ana = workflow();
    const ben = replica(2, ana);
    pinNode(ana, 'a', [{ n: 1 }], { by: 'ana', source: 'typed', at: 1 });
    deleteNode(ben, 'a');
    const seen: boolean[] = [];
    ana.on('afterTransaction', (tr: Y.Transaction) => seen.push(mayViolate(ana, tr)));
    syncAll(ana, ben);
    expect(seen).toContain(true);
    // The server repairs, and its edit reaches everyone.
    expect(repairDoc(ana)).toBe(true);
    syncAll(ana, ben);
    expect(pinsMap(ana).size).toBe(0);
    expect(pinsMap(ben).size).toBe(0);
    expect(repairDoc(ana)).toBe(false);
  });

  it('repair deletes ill-formed pins a raw client wrote, and the newest while the total is over', () => {
    const doc = replica(1);
    initWorkflowDoc(doc, { name: 'Raw' });
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) addNode(doc, { id, type: 'set', position: { x: 0, y: 0 } });
    const near = itemsOf(PIN_MAX_BYTES - 1000);
    doc.transact(() => {
      const pins = pinsMap(doc);
      pins.set('a', { items: near, by: 'x', at: 1, source: 'typed' });
      pins.set('b', { items: near, by: 'x', at: 3, source: 'typed' });
      pins.set('c', { items: near, by: 'x', at: 3, source: 'typed' });
      pins.set('d', { items: near, by: 'x', at: 2, source: 'typed' });
      pins.set('e', { items: near, by: 'x', at: 0, source: 'typed' });
      pins.set('f', { items: 'not a list', by: 'x', at: 0, source: 'typed' });
      pins.set('ghost', { items: [], by: 'x', at: 0, source: 'typed' });
    }, origins.ui);
    repairDoc(doc);
    // Five near-1 MiB pins are over 4 MiB: the newest goes (at 3, and of the two the larger id, c).
    expect(Object.keys(readPins(doc)).sort()).toEqual(['a', 'b', 'd', 'e']);
    expect([...pinsMap(doc).keys()].sort()).toEqual(['a', 'b', 'd', 'e']);
    const total = Object.values(readPins(doc)).reduce((sum, p) => sum + pinBytes(p), 0);
    expect(total).toBeLessThanOrEqual(PIN_MAX_TOTAL);
  });

  it('changedTargets names node:<id>:pin for a pin and an unpin', () => {
    const doc = workflow();
    const seen: string[][] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => seen.push(changedTargets(doc, tr)));
    pinNode(doc, 'b', [{ n: 1 }], { by: 'ana', source: 'typed' });
    unpinNode(doc, 'b');
    expect(seen).toEqual([['node:b:pin'], ['node:b:pin']]);
  });
});

describe('pins in the exchange JSON', () => {
  const exchange = (pins: unknown) => ({
    weft: 1,
    name: 'Exchange',
    nodes: [{ id: 'a', name: 'A', type: 'set', typeVersion: 1, position: { x: 0, y: 0 } }],
    edges: [],
    pins,
  });

  it('fromDefinition writes the pins as imported; toDefinition leaves them out', () => {
    const { doc, warnings } = fromDefinition(exchange({ a: [{ n: 1 }] }), { pinnedBy: 'ana', now: 7 });
    expect(warnings).toEqual([]);
    expect(readPins(doc)).toEqual({ a: { items: [{ n: 1 }], by: 'ana', at: 7, source: 'import' } });
    expect(toDefinition(doc).pins).toBeUndefined();
  });

  it('validateDefinition leaves out, with a warning, a pin of no node or past a limit', () => {
    const result = validateDefinition(exchange({ a: [{ s: 'x'.repeat(PIN_MAX_BYTES) }], ghost: [{ n: 1 }] }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.definition.pins).toBeUndefined();
    expect(result.warnings.map((w) => w.message)).toEqual([
      'Pinned data of node a is left out: Pinned data is limited to 1 MB per node; this output is 1 MB',
      'Pinned data of node ghost is left out: Node ghost does not exist',
    ]);
    expect(validateDefinition(exchange({ a: [1] })).ok).toBe(false);
  });
});
