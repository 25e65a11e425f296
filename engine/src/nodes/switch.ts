import type { Item, NodeOutput } from '../runner/items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { test, type Condition } from './conditions.ts';

export const switchNode: NodeExecutor = (ctx) => {
  const params = ctx.params();
  const out: NodeOutput = {};
  const send = (handle: string, item: Item) => (out[handle] ??= []).push(item);
  ctx.items.forEach((item, i) => {
    const p = params[i] ?? {};
    if (p.mode === 'expression') {
      const count = Number(p.numberOutputs ?? 4);
      const index = Number(p.output);
      if (!Number.isInteger(index) || index < 0 || index >= count) {
        throw new NodeError(
          `item ${i + 1}: the output index ${JSON.stringify(p.output)} is not between 0 and ${count - 1}`,
        );
      }
      send(`output${index}`, item);
      return;
    }
    const rules = Array.isArray(p.rules) ? (p.rules as Condition[]) : [];
    const ignoreCase = p.ignoreCase === true;
    const match = rules.findIndex((rule, r) => {
      try {
        return test(rule, ignoreCase);
      } catch (e) {
        throw new NodeError(`item ${i + 1}, rule ${r + 1}: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    if (match >= 0) send(`output${match}`, item);
    else if (p.fallbackOutput === 'extra') send('fallback', item);
    else if (p.fallbackOutput === 'output') send(`output${Number(p.fallbackOutputIndex ?? 0)}`, item);
  });
  return out;
};
