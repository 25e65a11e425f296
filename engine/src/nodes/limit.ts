import { MAIN } from '#shared/nodes/types.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';

/**
 * Limit as n8n's: more allowed than there are items keeps them all; else the
 * first (or last) `maxItems` by Array#slice, so a fraction counts its whole
 * part and a negative number counts from the other end, as n8n does with
 * what an expression gives it.
 */
export const limit: NodeExecutor = (ctx) => {
  const p = ctx.nodeParams();
  const max = typeof p.maxItems === 'string' && p.maxItems.trim() !== '' ? Number(p.maxItems) : p.maxItems;
  if (typeof max !== 'number' || Number.isNaN(max))
    throw new NodeError(`"Max items" must be a number, not ${JSON.stringify(p.maxItems)}`);
  const items = ctx.items;
  if (max > items.length) return { [MAIN]: items };
  return {
    [MAIN]: p.keep === 'lastItems' ? items.slice(items.length - max, items.length) : items.slice(0, max),
  };
};
