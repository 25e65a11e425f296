import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { addNode, connect, initWorkflowDoc, setWorkflowSetting, toDefinition } from '#shared/schema/index.ts';
import { run } from './harness.ts';

/**
 * n8n's legacy v0 order runs a node's children in the order of its
 * `connections` entries, and n8n's editor appends a new connection at the end.
 * A workflow edited in Weft's editor keeps that order through its document
 * (EdgeValue.order), so its children run in the order they were connected,
 * whatever their ids or positions.
 */

describe('v0 runs children in the order they were connected in the editor', () => {
  it('connected zed, then alpha, then mid: they run in that order', async () => {
    const doc = new Y.Doc();
    initWorkflowDoc(doc, { name: 'Connection order' });
    setWorkflowSetting(doc, 'executionOrder', 'v0');
    addNode(doc, { id: 'start', type: 'manualTrigger', position: { x: 0, y: 0 } });
    // Positions and ids in the opposite order: only the order of connecting counts.
    for (const [i, id] of ['zed', 'alpha', 'mid'].entries())
      addNode(doc, { id, type: 'noOp', position: { x: 300, y: 300 - i * 100 } });
    for (const target of ['zed', 'alpha', 'mid'])
      connect(doc, { source: 'start', sourceHandle: 'main', target, targetHandle: 'main' });
    const r = await run(toDefinition(doc));
    expect(r.status).toBe('succeeded');
    expect(r.runs.map((x) => x.nodeId)).toEqual(['start', 'zed', 'alpha', 'mid']);
  });
});
