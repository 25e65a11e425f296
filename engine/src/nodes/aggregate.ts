import { MAIN } from '#shared/nodes/types.ts';
import type { JsonObject } from '../runner/items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { fieldList, getPath } from './paths.ts';
import { str } from './values.ts';

export const aggregate: NodeExecutor = (ctx) => {
  const p = ctx.nodeParams();
  if (ctx.items.length === 0) return { [MAIN]: [] };
  if (p.aggregate === 'aggregateAllItemData') {
    const field = str(p.destinationFieldName, 'data');
    const only = p.include === 'specifiedFields' ? fieldList(p.fieldsToInclude) : undefined;
    const except = p.include === 'allFieldsExcept' ? new Set(fieldList(p.fieldsToExclude)) : undefined;
    const pick = (json: JsonObject): JsonObject => {
      if (only) return Object.fromEntries(only.map((f) => [f, getPath(json, f)]));
      if (except) return Object.fromEntries(Object.entries(json).filter(([k]) => !except.has(k)));
      return json;
    };
    return { [MAIN]: [{ json: { [field]: ctx.items.map((i) => pick(i.json)) } }] };
  }
  const fields = (Array.isArray(p.fieldsToAggregate) ? p.fieldsToAggregate : []) as {
    fieldToAggregate: string;
    renameField?: boolean;
    outputFieldName?: string;
  }[];
  const json: JsonObject = {};
  for (const f of fields) {
    if (!f.fieldToAggregate) throw new NodeError('a field to aggregate has no name');
    const name = f.renameField && f.outputFieldName ? f.outputFieldName : f.fieldToAggregate;
    json[name] = ctx.items.map((i) => getPath(i.json, f.fieldToAggregate)).filter((v) => v !== undefined);
  }
  return { [MAIN]: [{ json }] };
};
