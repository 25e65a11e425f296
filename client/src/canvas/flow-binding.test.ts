import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { origins } from '#shared/origins.ts';
import {
  addNode,
  connect,
  deleteNode,
  initWorkflowDoc,
  moveNode,
  renameNode,
  setParameter,
} from '#shared/schema/index.ts';
import { createWorkflowUndo } from '../undo/undo.ts';
import { FlowBinding } from './flow-binding.ts';

/** Two replicas that exchange every update at once, like two browsers on the relay. */
const pair = () => {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on('update', (u: Uint8Array, origin: unknown) => origin !== 'net' && Y.applyUpdate(b, u, 'net'));
  b.on('update', (u: Uint8Array, origin: unknown) => origin !== 'net' && Y.applyUpdate(a, u, 'net'));
  initWorkflowDoc(a, { name: 'W' });
  return { a, b };
};

const byId = <T extends { id: string }>(list: readonly T[]) => new Map(list.map((x) => [x.id, x]));

describe('doc → React Flow', () => {
  it('shows nodes and edges added in the document, with catalog handles', () => {
    const { a, b } = pair();
    const binding = new FlowBinding(b);
    const hook = addNode(a, { type: 'webhook', position: { x: 10, y: 20 } });
    const branch = addNode(a, { type: 'if', position: { x: 200, y: 20 } });
    connect(a, { source: hook, sourceHandle: 'main', target: branch, targetHandle: 'main' });
    const { nodes, edges } = binding.getSnapshot();
    expect(nodes.map((n) => [n.id, n.position, n.data.node.type])).toEqual([
      [hook, { x: 10, y: 20 }, 'webhook'],
      [branch, { x: 200, y: 20 }, 'if'],
    ]);
    expect(edges).toEqual([
      expect.objectContaining({ source: hook, sourceHandle: 'main', target: branch, targetHandle: 'main' }),
    ]);
  });

  it('applies a remote change incrementally: only the changed node gets a new object', () => {
    const { a, b } = pair();
    const ids = Array.from({ length: 50 }, (_, i) => addNode(a, { type: 'noOp', position: { x: i * 10, y: 0 } }));
    const binding = new FlowBinding(b);
    const listener = vi.fn();
    binding.subscribe(listener);
    const before = byId(binding.getSnapshot().nodes);
    const target = ids[7] as string;
    moveNode(a, target, { x: 999, y: 5 });
    renameNode(a, ids[9] as string, 'Renamed');
    const after = byId(binding.getSnapshot().nodes);
    expect(listener).toHaveBeenCalledTimes(2);
    const changed = ids.filter((id) => after.get(id) !== before.get(id));
    expect(changed).toEqual([target, ids[9]]);
    expect(after.get(target)?.position).toEqual({ x: 999, y: 5 });
    // A move alone keeps the node's content object: its form and label need not re-render.
    expect(after.get(target)?.data).toBe(before.get(target)?.data);
    expect(binding.getNode(target)).toBe(before.get(target)?.data.node);
    expect(after.get(ids[9] as string)?.data).not.toBe(before.get(ids[9] as string)?.data);
    expect(after.get(ids[9] as string)?.data.node.name).toBe('Renamed');
    setParameter(a, ids[3] as string, 'notes-free-param', 1);
    expect(ids.filter((id) => byId(binding.getSnapshot().nodes).get(id) !== after.get(id))).toEqual([ids[3]]);
  });

  it('hides edges whose node was deleted remotely, and the node itself', () => {
    const { a, b } = pair();
    const one = addNode(a, { type: 'manualTrigger', position: { x: 0, y: 0 } });
    const two = addNode(a, { type: 'set', position: { x: 100, y: 0 } });
    connect(a, { source: one, sourceHandle: 'main', target: two, targetHandle: 'main' });
    const binding = new FlowBinding(b);
    expect(binding.getSnapshot().edges).toHaveLength(1);
    deleteNode(a, two);
    expect(binding.getSnapshot().nodes.map((n) => n.id)).toEqual([one]);
    expect(binding.getSnapshot().edges).toEqual([]);
  });

  it('keeps local selection and measured size across remote edits of the node', () => {
    const { a, b } = pair();
    const id = addNode(a, { type: 'noOp', position: { x: 0, y: 0 } });
    const binding = new FlowBinding(b);
    binding.applyNodeChanges([
      { type: 'select', id, selected: true },
      { type: 'dimensions', id, dimensions: { width: 180, height: 56 } },
    ]);
    moveNode(a, id, { x: 1, y: 1 });
    const node = binding.getSnapshot().nodes[0];
    expect(node).toMatchObject({ selected: true, measured: { width: 180, height: 56 }, position: { x: 1, y: 1 } });
    expect(binding.selectedNodeIds()).toEqual([id]);
  });
});

describe('React Flow → doc', () => {
  it('streams a drag into the document at most every dragWriteMs, the drop always, as one undo step', () => {
    vi.useFakeTimers();
    try {
      const { a, b } = pair();
      const id = addNode(a, { type: 'noOp', position: { x: 0, y: 0 } });
      let now = 0;
      const undo = createWorkflowUndo(b);
      const binding = new FlowBinding(b, { dragWriteMs: 50, now: () => now, onDragBoundary: undo.boundary });
      const seen: number[] = [];
      a.on('update', () => seen.push(now));
      const drag = (x: number, dragging = true) =>
        binding.applyNodeChanges([{ type: 'position', id, position: { x, y: 0 }, dragging }]);
      drag(1); // written at once (first move)
      for (let t = 1; t <= 20; t++) {
        now = t * 5;
        drag(t * 10);
      }
      // Local display follows the pointer even before the document is written.
      expect(binding.getSnapshot().nodes[0]?.position).toEqual({ x: 200, y: 0 });
      vi.advanceTimersByTime(100);
      now = 2000; // a pause longer than the undo capture window
      drag(300);
      drag(310, false);
      expect(seen.length).toBeGreaterThanOrEqual(3);
      expect(seen.length).toBeLessThanOrEqual(6);
      expect(readX(a, id)).toBe(310);
      expect(undo.undo()).toBe(true);
      expect(readX(a, id)).toBe(0);
      expect(undo.undo()).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a remote move does not pull a node away from under the pointer while it is dragged here', () => {
    const { a, b } = pair();
    const id = addNode(a, { type: 'noOp', position: { x: 0, y: 0 } });
    const binding = new FlowBinding(b, { dragWriteMs: 1_000_000 });
    binding.applyNodeChanges([{ type: 'position', id, position: { x: 50, y: 50 }, dragging: true }]);
    moveNode(a, id, { x: -500, y: -500 });
    expect(binding.getSnapshot().nodes[0]?.position).toEqual({ x: 50, y: 50 });
    binding.applyNodeChanges([{ type: 'position', id, position: { x: 60, y: 60 }, dragging: false }]);
    expect(binding.getSnapshot().nodes[0]?.position).toEqual({ x: 60, y: 60 });
    expect(readX(a, id)).toBe(60);
  });

  it('deletes nodes and edges in one transaction that undo restores whole', () => {
    const { a, b } = pair();
    const one = addNode(b, { type: 'manualTrigger', position: { x: 0, y: 0 } }, origins.ui);
    const two = addNode(b, { type: 'set', position: { x: 100, y: 0 } }, origins.ui);
    const edge = connect(b, { source: one, sourceHandle: 'main', target: two, targetHandle: 'main' }, origins.ui);
    const undo = createWorkflowUndo(b);
    const binding = new FlowBinding(b);
    binding.deleteElements([two], [edge]);
    expect(binding.getSnapshot()).toMatchObject({ nodes: [{ id: one }], edges: [] });
    expect(undo.undo()).toBe(true);
    expect(
      binding
        .getSnapshot()
        .nodes.map((n) => n.id)
        .sort(),
    ).toEqual([one, two].sort());
    expect(binding.getSnapshot().edges).toHaveLength(1);
    expect(a.getMap('nodes').size).toBe(2);
  });

  it("undo reverts this user's change and leaves the other user's", () => {
    const { a, b } = pair();
    const id = addNode(a, { type: 'noOp', position: { x: 0, y: 0 } });
    const undo = createWorkflowUndo(b);
    moveNode(b, id, { x: 100, y: 0 }, origins.ui);
    renameNode(a, id, 'By A', origins.ui);
    expect(undo.undo()).toBe(true);
    expect(readX(a, id)).toBe(0);
    expect((a.getMap('nodes').get(id) as Y.Map<unknown>).get('name')).toBe('By A');
  });
});

const readX = (doc: Y.Doc, id: string): number =>
  ((doc.getMap('nodes').get(id) as Y.Map<unknown>).get('position') as { x: number }).x;

describe('undo steps', () => {
  it('each canvas action is its own step however quickly they follow; typing in a field merges', () => {
    const { b } = pair();
    const undo = createWorkflowUndo(b);
    const one = addNode(b, { type: 'noOp', position: { x: 0, y: 0 } }, origins.ui);
    const two = addNode(b, { type: 'code', position: { x: 0, y: 0 } }, origins.ui);
    const typing = { field: 'jsCode' }; // a text editor's own origin, tracked like y-codemirror's
    undo.manager.addTrackedOrigin(typing);
    const text = (b.getMap('nodes').get(two) as Y.Map<unknown>).get('parameters') as Y.Map<Y.Text>;
    const code = text.get('jsCode') as Y.Text;
    code.delete(0, code.length);
    b.transact(() => code.insert(0, 'a'), typing);
    b.transact(() => code.insert(1, 'b'), typing);
    expect(undo.undo()).toBe(true); // the typing, as one step
    expect(code.toJSON()).toBe('');
    expect(b.getMap('nodes').size).toBe(2);
    expect(undo.undo()).toBe(true); // the second node only
    expect([...b.getMap('nodes').keys()]).toEqual([one]);
  });
});
