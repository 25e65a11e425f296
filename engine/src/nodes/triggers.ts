import { defaultParameters } from '#shared/nodes/catalog.ts';
import { MAIN } from '#shared/nodes/types.ts';
import { scheduleRefusal } from '#shared/nodes/schedule-rules.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { scheduleItem } from './schedule-item.ts';

/** Triggers hand on what started the run: nothing (manual), the request (webhook), the tick (schedule). */

export const manualTrigger: NodeExecutor = (ctx) => ({ [MAIN]: ctx.triggerItems ?? [{ json: {} }] });

export const webhook: NodeExecutor = (ctx) => ({
  [MAIN]: ctx.triggerItems ?? [{ json: { headers: {}, params: {}, query: {}, body: {} } }],
});

/**
 * n8n's tick item, in the workflow's time zone: for the tick's time, or now on a manual run. A rule n8n
 * refuses (an interval out of range, a cron expression its cron library cannot use) fails the run as
 * n8n's trigger does when it starts.
 */
export const scheduleTrigger: NodeExecutor = (ctx) => {
  const refusal = scheduleRefusal({ ...defaultParameters('scheduleTrigger'), ...ctx.node.parameters });
  if (refusal) throw new NodeError(refusal.message, refusal.description);
  const ticked = ctx.triggerItems?.[0]?.json.timestamp;
  const at = typeof ticked === 'string' ? Date.parse(ticked) : Number.NaN;
  return { [MAIN]: [{ json: scheduleItem(Number.isNaN(at) ? ctx.meta.now : at, ctx.meta.timezone) }] };
};
