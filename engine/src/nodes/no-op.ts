import { MAIN } from '#shared/nodes/types.ts';
import type { NodeExecutor } from '../runner/types.ts';

export const noOp: NodeExecutor = (ctx) => ({ [MAIN]: ctx.items });
