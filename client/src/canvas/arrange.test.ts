import { describe, expect, it } from 'vitest';
import { align, distribute, type Box } from './arrange.ts';

const box = (id: string, x: number, y: number, width = 100, height = 50): Box => ({ id, x, y, width, height });

describe('align', () => {
  const boxes = [box('a', 0, 0), box('b', 50, 100, 200), box('c', 300, 40, 100, 80)];
  it('left, right and center use the selection bounds', () => {
    expect(Object.fromEntries(align(boxes, 'left'))).toEqual({ b: { x: 0, y: 100 }, c: { x: 0, y: 40 } });
    expect(Object.fromEntries(align(boxes, 'right'))).toEqual({ a: { x: 300, y: 0 }, b: { x: 200, y: 100 } });
    expect(align(boxes, 'center').get('b')).toEqual({ x: 100, y: 100 });
  });
  it('top, bottom and middle move only y', () => {
    expect(Object.fromEntries(align(boxes, 'top'))).toEqual({ b: { x: 50, y: 0 }, c: { x: 300, y: 0 } });
    expect(align(boxes, 'bottom').get('a')).toEqual({ x: 0, y: 100 });
    expect(align(boxes, 'middle').get('c')).toEqual({ x: 300, y: 35 });
  });
  it('needs two nodes', () => {
    expect(align([box('a', 5, 5)], 'left').size).toBe(0);
  });
});

describe('distribute', () => {
  it('spaces nodes with equal gaps and keeps the ends', () => {
    const moves = distribute([box('a', 0, 0), box('c', 500, 0), box('b', 120, 0)], 'horizontal');
    expect(Object.fromEntries(moves)).toEqual({ b: { x: 250, y: 0 } });
  });
  it('works vertically with mixed heights', () => {
    const moves = distribute(
      [box('a', 0, 0, 10, 100), box('b', 0, 110, 10, 20), box('c', 0, 300, 10, 100)],
      'vertical',
    );
    expect(moves.get('b')).toEqual({ x: 0, y: 190 });
  });
});
