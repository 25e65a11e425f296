/**
 * Align and distribute selected nodes. Pure: boxes in, new top-left positions
 * out (only for nodes that move), so the canvas writes them in one transaction.
 */

export interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Alignment = 'left' | 'center' | 'right' | 'top' | 'middle' | 'bottom';
export type Distribution = 'horizontal' | 'vertical';

export type Moves = Map<string, { x: number; y: number }>;

const moved = (boxes: readonly Box[], place: (b: Box) => { x: number; y: number }): Moves => {
  const out: Moves = new Map();
  for (const b of boxes) {
    const p = place(b);
    if (p.x !== b.x || p.y !== b.y) out.set(b.id, p);
  }
  return out;
};

export const align = (boxes: readonly Box[], how: Alignment): Moves => {
  if (boxes.length < 2) return new Map();
  const left = Math.min(...boxes.map((b) => b.x));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const top = Math.min(...boxes.map((b) => b.y));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  switch (how) {
    case 'left':
      return moved(boxes, (b) => ({ x: left, y: b.y }));
    case 'right':
      return moved(boxes, (b) => ({ x: right - b.width, y: b.y }));
    case 'center':
      return moved(boxes, (b) => ({ x: Math.round((left + right) / 2 - b.width / 2), y: b.y }));
    case 'top':
      return moved(boxes, (b) => ({ x: b.x, y: top }));
    case 'bottom':
      return moved(boxes, (b) => ({ x: b.x, y: bottom - b.height }));
    case 'middle':
      return moved(boxes, (b) => ({ x: b.x, y: Math.round((top + bottom) / 2 - b.height / 2) }));
  }
};

/** Equal gaps between neighbours along the axis; the first and last node stay put. */
export const distribute = (boxes: readonly Box[], axis: Distribution): Moves => {
  if (boxes.length < 3) return new Map();
  const horizontal = axis === 'horizontal';
  const start = (b: Box) => (horizontal ? b.x : b.y);
  const size = (b: Box) => (horizontal ? b.width : b.height);
  const sorted = [...boxes].sort((a, b) => start(a) - start(b) || (a.id < b.id ? -1 : 1));
  const first = sorted[0] as Box;
  const last = sorted[sorted.length - 1] as Box;
  const span = start(last) + size(last) - start(first);
  const gap = (span - sorted.reduce((sum, b) => sum + size(b), 0)) / (sorted.length - 1);
  const places = new Map<string, number>();
  let cursor = start(first);
  for (const b of sorted) {
    places.set(b.id, Math.round(cursor));
    cursor += size(b) + gap;
  }
  return moved(boxes, (b) => {
    const p = places.get(b.id) ?? start(b);
    return horizontal ? { x: p, y: b.y } : { x: b.x, y: p };
  });
};
