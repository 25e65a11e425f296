import { MAIN } from '#shared/nodes/types.ts';
import type { Item } from '../runner/items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { getPath } from './paths.ts';

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
