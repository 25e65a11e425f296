import { MAIN } from '#shared/nodes/types.ts';
import { abortableSleep } from '../runner/sleep.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';

const unitMs: Record<string, number> = { seconds: 1_000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

export const wait: NodeExecutor = async (ctx) => {
  const p = ctx.nodeParams();
  let ms: number;
  if (p.resume === 'specificTime') {
    const at = Date.parse(String(p.dateTime));
    if (Number.isNaN(at)) throw new NodeError(`"${String(p.dateTime)}" is not a date and time`);
    ms = Math.max(0, at - Date.now());
  } else {
    const amount = Number(p.amount);
    const unit = unitMs[String(p.unit)];
    if (!Number.isFinite(amount) || amount < 0)
      throw new NodeError(`the amount ${JSON.stringify(p.amount)} is not a number of ${String(p.unit)}`);
    if (!unit) throw new NodeError(`unknown unit "${String(p.unit)}"`);
    ms = amount * unit;
  }
  await abortableSleep(ms, ctx.signal);
  return { [MAIN]: ctx.items };
};
