import { MAIN } from '#shared/nodes/types.ts';
import type { Item } from '../runner/items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { fieldList, getPath } from './paths.ts';

export const removeDuplicates: NodeExecutor = (ctx) => {
  const p = ctx.nodeParams();
  const keyOf = (item: Item): string => {
    if (p.compare === 'selectedFields') {
      const fields = fieldList(p.fieldsToCompare);
      if (fields.length === 0) throw new NodeError('name the fields to compare');
      return JSON.stringify(fields.map((f) => getPath(item.json, f)));
    }
    const except = p.compare === 'allFieldsExcept' ? new Set(fieldList(p.fieldsToExclude)) : new Set<string>();
    const keys = Object.keys(item.json)
      .filter((k) => !except.has(k))
      .sort();
    return JSON.stringify(keys.map((k) => [k, item.json[k]]));
  };
  const seen = new Set<string>();
  const kept = ctx.items.filter((item) => {
    const key = keyOf(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (p.removeOtherFields !== true || p.compare === 'allFields') return { [MAIN]: kept };
  // Keep only the fields that were compared.
  const only = p.compare === 'selectedFields' ? fieldList(p.fieldsToCompare) : undefined;
  const except = new Set(fieldList(p.fieldsToExclude));
  return {
    [MAIN]: kept.map((item) => ({
      json: only
        ? Object.fromEntries(only.map((f) => [f, getPath(item.json, f)]))
        : Object.fromEntries(Object.entries(item.json).filter(([k]) => !except.has(k))),
    })),
  };
};
