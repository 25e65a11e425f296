import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromN8n } from '../src/interop/n8n/index.ts';
import { NODE_HEIGHT, NODE_WIDTH } from '../src/nodes/node-size.ts';
import type { DefinitionNode } from '../src/schema/definition.ts';

/** Imported canvases stay readable: no two nodes overlap, sticky notes still cover what they covered. */

const corpusDir = fileURLToPath(new URL('./fixtures/n8n', import.meta.url));
const corpus = readdirSync(corpusDir).filter((f) => f.endsWith('.json'));

interface N8nNode {
  name: string;
  type: string;
  typeVersion?: number;
  position?: [number, number];
  parameters?: Record<string, unknown>;
}

const STICKY = 'n8n-nodes-base.stickyNote';

const rect = (n: DefinitionNode) =>
  n.type === 'stickyNote'
    ? { x: n.position.x, y: n.position.y, w: Number(n.parameters.width), h: Number(n.parameters.height) }
    : { x: n.position.x, y: n.position.y, w: NODE_WIDTH, h: NODE_HEIGHT };

/** Pairs of nodes (not sticky notes) whose boxes on Weft's canvas overlap. */
const overlapping = (nodes: readonly DefinitionNode[]): string[] => {
  const boxes = nodes.filter((n) => n.type !== 'stickyNote').map((n) => ({ name: n.name, ...rect(n) }));
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (a && b && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h)
        out.push(`${a.name} × ${b.name}`);
    }
  return out;
};

/** For each sticky note, the nodes whose middle was on it in n8n and whose box is not wholly on it in Weft. */
const uncovered = (n8nNodes: readonly N8nNode[], nodes: readonly DefinitionNode[]): string[] => {
  const out: string[] = [];
  for (const s of n8nNodes.filter((n) => n.type === STICKY)) {
    const [sx, sy] = s.position ?? [0, 0];
    const sw = typeof s.parameters?.width === 'number' ? s.parameters.width : 240;
    const sh = typeof s.parameters?.height === 'number' ? s.parameters.height : 160;
    const note = nodes.find((n) => n.name === s.name);
    if (!note) throw new Error(`no sticky ${s.name}`);
    const r = rect(note);
    for (const n of n8nNodes.filter((m) => m.type !== STICKY)) {
      const [x, y] = n.position ?? [0, 0];
      if (x + 50 < sx || x + 50 > sx + sw || y + 50 < sy || y + 50 > sy + sh) continue;
      const b = nodes.find((m) => m.name === n.name);
      if (!b) throw new Error(`no node ${n.name}`);
      const inside =
        b.position.x >= r.x &&
        b.position.y >= r.y &&
        b.position.x + NODE_WIDTH <= r.x + r.w &&
        b.position.y + NODE_HEIGHT <= r.y + r.h;
      if (!inside) out.push(`${s.name} no longer covers ${n.name}`);
    }
  }
  return out;
};

const check = (n8nNodes: N8nNode[]) => {
  const { definition } = fromN8n({ nodes: n8nNodes, connections: {} });
  const nodes = definition.nodes as DefinitionNode[];
  expect(overlapping(nodes)).toEqual([]);
  expect(uncovered(n8nNodes, nodes)).toEqual([]);
  return nodes;
};

/** A small seeded generator, so a failing layout can be replayed. */
const random = (seed: number) => {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
};

const node = (name: string, x: number, y: number): N8nNode => ({
  name,
  type: 'n8n-nodes-base.noOp',
  typeVersion: 1,
  position: [x, y],
  parameters: {},
});

describe('n8n import: canvas layout', () => {
  it.each(corpus)('%s: no two nodes overlap, sticky notes still cover their nodes', (file) => {
    const workflow = JSON.parse(readFileSync(join(corpusDir, file), 'utf8')) as { nodes: N8nNode[] };
    check(workflow.nodes);
  });

  it('keeps a plain n8n row readable: stretched just enough, in the same order, on the same line', () => {
    // n8n's usual spacing: 220 between nodes' left edges (100-wide nodes, 120 apart).
    const nodes = check([node('A', 0, 0), node('B', 220, 0), node('C', 440, 0), node('D', 440, 200)]);
    const at = (name: string) => nodes.find((n) => n.name === name)?.position;
    expect(at('A')).toEqual({ x: 0, y: 0 });
    expect(at('B')).toEqual({ x: 220, y: 0 });
    expect(at('D')).toEqual({ x: 440, y: 200 });
  });

  it('parts nodes n8n drew 100 apart, which Weft would draw over each other', () => {
    const nodes = check([node('A', 0, 0), node('B', 100, 0), node('C', 200, 40)]);
    expect(nodes.map((n) => n.position.y)).toEqual([0, 0, 40]);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('dense generated layout, seed %i: no overlaps', (seed) => {
    const next = random(seed);
    const count = 10 + Math.floor(next() * 60);
    // Grid positions in a small area: many nodes touch or sit on top of each other in n8n already.
    const nodes = Array.from({ length: count }, (_, i) =>
      node(`N${i}`, Math.floor(next() * 30) * 20, Math.floor(next() * 20) * 20),
    );
    const stickies: N8nNode[] = Array.from({ length: 3 }, (_, i) => ({
      name: `Note${i}`,
      type: STICKY,
      typeVersion: 1,
      position: [Math.floor(next() * 20) * 20, Math.floor(next() * 10) * 20],
      parameters: { content: 'x', width: 200 + Math.floor(next() * 300), height: 160 + Math.floor(next() * 200) },
    }));
    check([...stickies, ...nodes]);
  });

  it('parts nodes stacked on one spot', () => {
    const nodes = check(Array.from({ length: 30 }, (_, i) => node(`N${i}`, 100, 100)));
    expect(new Set(nodes.map((n) => n.position.x))).toEqual(new Set([100]));
  });
});
