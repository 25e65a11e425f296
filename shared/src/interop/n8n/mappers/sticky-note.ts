import { type Mapper, type Params, same } from '../param-reader.ts';

const stickyColors: Record<number, string> = {
  1: 'yellow',
  2: 'yellow',
  3: 'pink',
  4: 'green',
  5: 'blue',
  6: 'pink',
  7: 'gray',
};

/** Sticky notes. */
export const stickyNoteMappers: Record<string, Mapper> = {
  stickyNote: (r) => {
    const out: Params = {};
    same(r, out, ['content', 'width', 'height']);
    const color = r.get('color');
    if (typeof color === 'number') out.color = stickyColors[color] ?? 'yellow';
    return out;
  },
};
