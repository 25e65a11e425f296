import { MAIN } from '#shared/nodes/types.ts';
import type { Item, NodeOutput } from '../runner/items.ts';
import { abortableSleep } from '../runner/sleep.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { passes, test, type Condition } from './conditions.ts';
import { getPath } from './paths.ts';

export const ifNode: NodeExecutor = (ctx) => {
  const params = ctx.params();
  const out: NodeOutput = { true: [], false: [] };
  ctx.items.forEach((item, i) => out[passes(params[i] ?? {}) ? 'true' : 'false']?.push(item));
  return out;
};

export const filter: NodeExecutor = (ctx) => {
  const params = ctx.params();
  return { [MAIN]: ctx.items.filter((_, i) => passes(params[i] ?? {})) };
};

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

export const merge: NodeExecutor = (ctx) => {
  const p = ctx.nodeParams();
  const one = ctx.inputs.input1 ?? [];
  const two = ctx.inputs.input2 ?? [];
  switch (p.mode) {
    case 'append':
      return { [MAIN]: [...one, ...two] };
    case 'chooseBranch':
      if (p.useDataOfInput === 'empty') return { [MAIN]: [{ json: {} }] };
      return { [MAIN]: p.useDataOfInput === 'input2' ? two : one };
    case 'combineByPosition': {
      const n = Math.max(one.length, two.length);
      const out: Item[] = [];
      for (let i = 0; i < n; i++) out.push({ json: { ...(one[i]?.json ?? {}), ...(two[i]?.json ?? {}) } });
      return { [MAIN]: out };
    }
    case 'combineByFields': {
      const pairs = (Array.isArray(p.fieldsToMatch) ? p.fieldsToMatch : []) as { field1: string; field2: string }[];
      if (pairs.length === 0 || pairs.some((f) => !f.field1 || !f.field2)) {
        throw new NodeError('name the fields to match on both inputs');
      }
      const key = (item: Item, side: 'field1' | 'field2') =>
        JSON.stringify(pairs.map((f) => getPath(item.json, f[side])));
      const byKey = new Map<string, Item[]>();
      for (const item of two) byKey.set(key(item, 'field2'), [...(byKey.get(key(item, 'field2')) ?? []), item]);
      const matched = new Set<Item>();
      const out: Item[] = [];
      const mode = p.joinMode ?? 'keepMatches';
      for (const a of one) {
        const partners = byKey.get(key(a, 'field1')) ?? [];
        for (const b of partners) matched.add(b);
        if (mode === 'keepMatches') for (const b of partners) out.push({ json: { ...a.json, ...b.json } });
        else if (mode === 'keepNonMatches' && partners.length === 0) out.push(a);
        else if (mode === 'keepEverything' || mode === 'enrichInput1') {
          if (partners.length === 0) out.push(a);
          else for (const b of partners) out.push({ json: { ...a.json, ...b.json } });
        } else if (mode === 'enrichInput2') {
          for (const b of partners) out.push({ json: { ...a.json, ...b.json } });
        }
      }
      if (mode === 'keepNonMatches' || mode === 'keepEverything' || mode === 'enrichInput2') {
        for (const b of two) if (!matched.has(b)) out.push(b);
      }
      return { [MAIN]: out };
    }
    default:
      throw new NodeError(`unknown mode "${String(p.mode)}"`);
  }
};

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

export const noOp: NodeExecutor = (ctx) => ({ [MAIN]: ctx.items });
