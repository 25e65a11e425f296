import { MAIN } from '#shared/nodes/types.ts';
import type { Item } from '../runner/items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { SORT } from '../sandbox/function-source.ts';
import { SandboxError } from '../sandbox/sandbox.ts';
import { positionIn, sourceName } from '../expressions/errors.ts';
import { getPath } from './paths.ts';
import { str } from './values.ts';

const compare = (a: unknown, b: unknown): number => {
  if (a === b) return 0;
  if (a === undefined || a === null) return 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return str(a).localeCompare(str(b));
};

export const sort: NodeExecutor = (ctx) => {
  const p = ctx.nodeParams();
  if (p.type === 'random') {
    const out = [...ctx.items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [out[i], out[j]] = [out[j] as Item, out[i] as Item];
    }
    return { [MAIN]: out };
  }
  if (p.type === 'code') return { [MAIN]: sortByCode(ctx, str(p.code)) };
  const fields = (Array.isArray(p.sortFields) ? p.sortFields : []) as { fieldName: string; order: string }[];
  if (fields.some((f) => !f.fieldName)) throw new NodeError('a sort field has no name');
  // Array.prototype.sort is stable: equal items keep their order.
  return {
    [MAIN]: [...ctx.items].sort((a, b) => {
      for (const f of fields) {
        const c = compare(getPath(a.json, f.fieldName), getPath(b.json, f.fieldName));
        if (c !== 0) return f.order === 'descending' ? -c : c;
      }
      return 0;
    }),
  };
};

/** Sort by a comparison function of (a, b), run in the sandbox over the whole list at once. */
const sortByCode = (ctx: Parameters<NodeExecutor>[0], code: string): Item[] => {
  const filename = sourceName('sort', ctx.node.name);
  let order: number[];
  try {
    const id = ctx.sandbox.compile(SORT, code, filename);
    order = JSON.parse(ctx.sandbox.sort(id, JSON.stringify(ctx.items))) as number[];
  } catch (e) {
    if (e instanceof SandboxError) {
      // The code starts on line 2 of its function (see SORT).
      const at = positionIn(e.info.stack, filename);
      throw new NodeError(
        `the comparison code failed: ${e.info.name}: ${e.message}${at ? ` [line ${at.line - 1}]` : ''}`,
      );
    }
    throw e;
  }
  return order.map((i) => ctx.items[i] as Item);
};
