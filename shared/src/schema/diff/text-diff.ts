import { simpleDiffString } from 'lib0/diff';

/** One edit of a text, at an index of the text before any of the edits. */
export interface TextEdit {
  index: number;
  remove: number;
  insert: string;
}

/** Lines with their terminators, so joining them gives the text back. */
const splitLines = (text: string): string[] => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];

type LineOp = 'equal' | 'delete' | 'insert';

/**
 * Myers' O(ND) diff of two line lists, as one op per line; null when more
 * than `maxEdits` lines differ (the caller then replaces the whole span).
 */
const diffLines = (a: readonly string[], b: readonly string[], maxEdits: number): LineOp[] | null => {
  const n = a.length;
  const m = b.length;
  const offset = maxEdits + 1;
  const v = new Int32Array(2 * maxEdits + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= maxEdits; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
      let x = down ? (v[offset + k + 1] ?? 0) : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, d, n, m, offset);
    }
  }
  return null;
};

const backtrack = (trace: Int32Array[], edits: number, n: number, m: number, offset: number): LineOp[] => {
  const ops: LineOp[] = [];
  let x = n;
  let y = m;
  for (let d = edits; d > 0; d--) {
    const v = trace[d] ?? new Int32Array(0);
    const k = x - y;
    const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
    const prevK = down ? k + 1 : k - 1;
    const prevX = v[offset + prevK] ?? 0;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push('equal');
      x--;
      y--;
    }
    ops.push(x === prevX ? 'insert' : 'delete');
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    ops.push('equal');
    x--;
    y--;
  }
  return ops.reverse();
};

/**
 * The edits that turn `from` into `to`: a line diff whose changed runs are
 * each narrowed to the characters that differ. Applied to a Y.Text that
 * others edit at the same time, text they typed between two of these edits
 * stays where they put it (one edit spanning both would carry it along).
 */
export const textEdits = (from: string, to: string, maxEdits = 2000): TextEdit[] => {
  if (from === to) return [];
  const a = splitLines(from);
  const b = splitLines(to);
  const ops = diffLines(a, b, maxEdits);
  if (!ops) {
    const { index, remove, insert } = simpleDiffString(from, to);
    return [{ index, remove, insert }];
  }
  const edits: TextEdit[] = [];
  let ai = 0;
  let bi = 0;
  let aOffset = 0;
  let i = 0;
  while (i < ops.length) {
    if (ops[i] === 'equal') {
      aOffset += (a[ai] ?? '').length;
      ai++;
      bi++;
      i++;
      continue;
    }
    let removed = '';
    let inserted = '';
    while (i < ops.length && ops[i] !== 'equal') {
      if (ops[i] === 'delete') removed += a[ai++] ?? '';
      else inserted += b[bi++] ?? '';
      i++;
    }
    const narrowed = simpleDiffString(removed, inserted);
    if (narrowed.remove > 0 || narrowed.insert.length > 0) {
      edits.push({ index: aOffset + narrowed.index, remove: narrowed.remove, insert: narrowed.insert });
    }
    aOffset += removed.length;
  }
  return edits;
};

/** Applies edits from textEdits (indices of the original text) to a text-like target, last first. */
export const applyTextEdits = (
  target: { delete(index: number, length: number): void; insert(index: number, text: string): void },
  edits: readonly TextEdit[],
): void => {
  for (const edit of [...edits].reverse()) {
    if (edit.remove > 0) target.delete(edit.index, edit.remove);
    if (edit.insert.length > 0) target.insert(edit.index, edit.insert);
  }
};
