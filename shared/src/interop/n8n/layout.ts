import { NODE_HEIGHT, NODE_WIDTH } from '../../nodes/node-size.ts';

/**
 * n8n's canvas positions → Weft's. n8n draws a node as a 100×100 square on a
 * 20-pixel grid; Weft's are 200×56, so n8n's positions as they are put wide
 * Weft nodes over each other. The layout is stretched sideways only as much
 * as the tightest row needs (a 100-wide n8n gap becomes a 220-wide one at
 * most), which keeps its shape; nodes that overlapped even in n8n are then
 * moved down until free. Sticky notes stay behind (the editor draws them
 * below nodes) and grow to cover the nodes they covered in n8n.
 */

/** n8n's node square. */
const N8N_SIZE = 100;
/** Room kept between two nodes: one grid step of n8n's and Weft's canvas. */
export const LAYOUT_GAP = 20;
const MAX_STRETCH = (NODE_WIDTH + LAYOUT_GAP) / N8N_SIZE;
/** Weft's sticky-note size limits (its width and height parameters). */
const STICKY_MIN = { width: 80, height: 60 };
const STICKY_MAX = 4000;

export interface Point {
  x: number;
  y: number;
}

export interface LayoutInput {
  /** n8n's top-left corner. */
  position: Point;
  /** Set for a sticky note: its size on n8n's canvas. */
  sticky?: { width: number; height: number };
}

export interface LayoutOutput {
  position: Point;
  /** A sticky note's size on Weft's canvas. */
  size?: { width: number; height: number };
}

interface Box {
  x: number;
  y: number;
}

const overlaps = (a: Box, b: Box): boolean =>
  Math.abs(a.x - b.x) < NODE_WIDTH + LAYOUT_GAP && Math.abs(a.y - b.y) < NODE_HEIGHT + LAYOUT_GAP;

/** The sideways stretch: the least that parts every pair of nodes that sit apart in n8n but side by side in Weft. */
const stretchFor = (points: readonly Point[]): number => {
  const byY = [...points].sort((a, b) => a.y - b.y);
  let stretch = 1;
  for (let i = 0; i < byY.length; i++) {
    const a = byY[i] as Point;
    for (let j = i + 1; j < byY.length; j++) {
      const b = byY[j] as Point;
      const dy = b.y - a.y;
      if (dy >= NODE_HEIGHT + LAYOUT_GAP) break;
      const dx = Math.abs(b.x - a.x);
      // Nodes that overlap in n8n too are moved apart afterwards, not stretched apart.
      if (dx < N8N_SIZE && dy < N8N_SIZE) continue;
      stretch = Math.max(stretch, (NODE_WIDTH + LAYOUT_GAP) / dx);
    }
  }
  return Math.min(stretch, MAX_STRETCH);
};

/** Places nodes free of each other: in reading order, each moves down past any already placed that it touches. */
const separate = (boxes: Box[]): void => {
  const cell = (v: number, size: number) => Math.floor(v / size);
  const cw = NODE_WIDTH + LAYOUT_GAP;
  const ch = NODE_HEIGHT + LAYOUT_GAP;
  const grid = new Map<string, Box[]>();
  const near = (b: Box): Box[] => {
    const out: Box[] = [];
    for (let gx = cell(b.x, cw) - 1; gx <= cell(b.x, cw) + 1; gx++)
      for (let gy = cell(b.y, ch) - 1; gy <= cell(b.y, ch) + 1; gy++) out.push(...(grid.get(`${gx}:${gy}`) ?? []));
    return out;
  };
  const order = [...boxes].sort((a, b) => a.y - b.y || a.x - b.x);
  for (const b of order) {
    for (;;) {
      const hit = near(b).find((o) => overlaps(o, b));
      if (!hit) break;
      b.y = hit.y + NODE_HEIGHT + LAYOUT_GAP;
    }
    const key = `${cell(b.x, cw)}:${cell(b.y, ch)}`;
    const list = grid.get(key);
    if (list) list.push(b);
    else grid.set(key, [b]);
  }
};

const clampSize = (v: number, min: number) => Math.min(STICKY_MAX, Math.max(min, Math.round(v)));

/** Weft positions (and sticky sizes) for n8n's, in the same order. */
export const layoutFromN8n = (inputs: readonly LayoutInput[]): LayoutOutput[] => {
  const nodes = inputs.map((n, i) => ({ i, n })).filter(({ n }) => !n.sticky);
  const stretch = stretchFor(nodes.map(({ n }) => n.position));
  const boxes = new Map<number, Box>(
    nodes.map(({ i, n }) => [i, { x: Math.round(n.position.x * stretch), y: Math.round(n.position.y) }]),
  );
  separate([...boxes.values()]);

  return inputs.map((n, i): LayoutOutput => {
    const box = boxes.get(i);
    if (box) return { position: { x: box.x, y: box.y } };
    const sticky = n.sticky ?? { width: 0, height: 0 };
    const left = n.position.x;
    const top = n.position.y;
    let x1 = Math.round(left * stretch);
    let y1 = Math.round(top);
    let x2 = Math.round((left + sticky.width) * stretch);
    let y2 = Math.round(top + sticky.height);
    // What the note covered in n8n (a node whose middle was on it) it covers in Weft.
    for (const { i: j, n: node } of nodes) {
      const cx = node.position.x + N8N_SIZE / 2;
      const cy = node.position.y + N8N_SIZE / 2;
      if (cx < left || cx > left + sticky.width || cy < top || cy > top + sticky.height) continue;
      const b = boxes.get(j);
      if (!b) continue;
      x1 = Math.min(x1, b.x - LAYOUT_GAP);
      y1 = Math.min(y1, b.y - LAYOUT_GAP);
      x2 = Math.max(x2, b.x + NODE_WIDTH + LAYOUT_GAP);
      y2 = Math.max(y2, b.y + NODE_HEIGHT + LAYOUT_GAP);
    }
    return {
      position: { x: x1, y: y1 },
      size: { width: clampSize(x2 - x1, STICKY_MIN.width), height: clampSize(y2 - y1, STICKY_MIN.height) },
    };
  });
};
