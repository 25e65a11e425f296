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
    // n8n checks the unit first, then that the amount is a number (not text) of 0 or more.
    const unit = unitMs[String(p.unit)];
    if (!unit) throw new NodeError("Invalid wait unit. Valid units are 'seconds', 'minutes', 'hours', or 'days'.");
    // A number parameter's expression may give text: n8n reads "0.01" as the number (not "" or "abc").
    const amount =
      typeof p.amount === 'string' && p.amount.trim() !== '' && Number.isFinite(Number(p.amount))
        ? Number(p.amount)
        : p.amount;
    if (typeof amount !== 'number' || !(amount >= 0) || amount === Infinity)
      throw new NodeError('Invalid wait amount. Please enter a number that is 0 or greater.');
    ms = amount * unit;
  }
  await abortableSleep(ms, ctx.signal);
  return { [MAIN]: ctx.items };
};
