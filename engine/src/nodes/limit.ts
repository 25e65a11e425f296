import { MAIN } from '#shared/nodes/types.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';

export const limit: NodeExecutor = (ctx) => {
  const p = ctx.nodeParams();
  const max = Number(p.maxItems);
  if (!Number.isInteger(max) || max < 0)
    throw new NodeError(`"Max items" must be a whole number, not ${JSON.stringify(p.maxItems)}`);
  return {
    [MAIN]: p.keep === 'lastItems' ? ctx.items.slice(Math.max(0, ctx.items.length - max)) : ctx.items.slice(0, max),
  };
};
