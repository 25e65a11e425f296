import { MAIN } from '#shared/nodes/types.ts';
import type { Item } from '#shared/runs/items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { SORT } from '#shared/sandbox/function-source.ts';
import { SandboxError } from '#shared/sandbox/sandbox.ts';
import { positionIn, sourceName } from '#shared/expressions/errors.ts';
import { lodashIsEqual, lodashLt } from './lodash-compare.ts';
import { lodashGet } from './lodash-paths.ts';
import { declareImplicitGlobals } from './sort-code.ts';
import { str } from './values.ts';

/**
 * Sort as n8n's Sort node (and Item Lists' sort) orders items: text compared
 * lower-cased by UTF-16 code units (not localeCompare), numbers as numbers,
 * mixed types through lodash's lt, missing fields (undefined) never "less";
 * a field no item has is an error. The comparator is n8n's, not a total
 * order over mixed types, so V8's sort (the engine's, as n8n's) is what
 * makes the order equal to n8n's.
 */

interface SortField {
  fieldName: string;
  order: string;
}

const lowered = (value: unknown): unknown => (typeof value === 'string' ? value.toLowerCase() : value);

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
  const fields = (Array.isArray(p.sortFields) ? p.sortFields : []) as SortField[];
  if (fields.length === 0) throw new NodeError('No sorting specified. Please add a field to sort by');
  const flat = p.disableDotNotation === true;
  const read = (json: Record<string, unknown>, name: string): unknown =>
    flat ? (Object.prototype.hasOwnProperty.call(json, name) ? json[name] : undefined) : lodashGet(json, name);
  for (const { fieldName } of fields) {
    const name = str(fieldName);
    const found = ctx.items.some((i) =>
      flat ? Object.prototype.hasOwnProperty.call(i.json, name) : read(i.json, name) !== undefined,
    );
    if (!found) throw new NodeError(`Couldn't find the field '${name}' in the input data`);
  }
  const keys = fields.map((f) => ({ name: str(f.fieldName), dir: f.order === 'descending' ? -1 : 1 }));
  return {
    [MAIN]: [...ctx.items].sort((a, b) => {
      for (const { name, dir } of keys) {
        const x = lowered(read(a.json, name));
        const y = lowered(read(b.json, name));
        if (!lodashIsEqual(x, y)) return (lodashLt(x, y) ? -1 : 1) * dir;
      }
      return 0;
    }),
  };
};

/** Sort by a comparison function of (a, b), run in the sandbox over the whole list at once. */
const sortByCode = (ctx: Parameters<NodeExecutor>[0], code: string): Item[] => {
  if (!/\breturn\b/.test(code))
    throw new NodeError("Sort code doesn't return. Please add a 'return' statement to your code");
  const filename = sourceName('sort', ctx.node.name);
  let order: number[];
  try {
    const id = ctx.sandbox.compile(SORT, declareImplicitGlobals(code), filename);
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
