import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { addNode, initWorkflowDoc, moveNode, renameNode } from '#shared/schema/index.ts';
import { definitionCache } from './use-workflow-session.ts';

describe('the definition shared by the inspector', () => {
  it('is derived once per change, and not again for moves', () => {
    const doc = new Y.Doc();
    initWorkflowDoc(doc, { name: 'Orders' });
    const id = addNode(doc, { type: 'noOp', position: { x: 0, y: 0 } });
    const cache = definitionCache(doc);
    expect(definitionCache(doc)).toBe(cache);
    let notified = 0;
    cache.subscribe(() => notified++);
    const first = cache.get();
    expect(cache.get()).toBe(first);

    for (let x = 20; x <= 200; x += 20) moveNode(doc, id, { x, y: 0 });
    expect(notified).toBe(0);
    expect(cache.get()).toBe(first);

    renameNode(doc, id, 'Pass through');
    expect(notified).toBe(1);
    const second = cache.get();
    expect(second).not.toBe(first);
    expect(second.nodes.find((n) => n.id === id)?.name).toBe('Pass through');
    // Its positions may lag (no reader needs them): the last derivation's.
    expect(second.nodes.find((n) => n.id === id)?.position).toEqual({ x: 200, y: 0 });
  });
});
