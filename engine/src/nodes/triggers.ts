import { MAIN } from '#shared/nodes/types.ts';
import type { NodeExecutor } from '../runner/types.ts';

/** Triggers hand on what started the run: nothing (manual), the request (webhook), the tick (schedule). */

export const manualTrigger: NodeExecutor = (ctx) => ({ [MAIN]: ctx.triggerItems ?? [{ json: {} }] });

export const webhook: NodeExecutor = (ctx) => ({
  [MAIN]: ctx.triggerItems ?? [{ json: { headers: {}, params: {}, query: {}, body: {} } }],
});

export const scheduleTrigger: NodeExecutor = (ctx) => {
  const now = new Date(ctx.meta.now);
  return { [MAIN]: ctx.triggerItems ?? [{ json: { timestamp: now.toISOString() } }] };
};
