import type { NodeOutput } from '#shared/runs/items.ts';
import type { NodeExecutor } from '../runner/types.ts';
import { passes } from './conditions.ts';

export const ifNode: NodeExecutor = (ctx) => {
  const params = ctx.params();
  const out: NodeOutput = { true: [], false: [] };
  ctx.items.forEach((item, i) => out[passes(params[i] ?? {}, i, ctx.node.parameters) ? 'true' : 'false']?.push(item));
  return out;
};
