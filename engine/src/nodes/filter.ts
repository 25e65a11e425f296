import { MAIN } from '#shared/nodes/types.ts';
import type { NodeExecutor } from '../runner/types.ts';
import { passes } from './conditions.ts';

export const filter: NodeExecutor = (ctx) => {
  const params = ctx.params();
  return { [MAIN]: ctx.items.filter((_, i) => passes(params[i] ?? {}, i, ctx.node.parameters)) };
};
