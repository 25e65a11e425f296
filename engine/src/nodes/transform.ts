import { MAIN } from '#shared/nodes/types.ts';
import { isJsonObject, type Item, type JsonObject } from '../runner/items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { SORT } from '../sandbox/function-source.ts';
import { SandboxError } from '../sandbox/sandbox.ts';
import { positionIn, sourceName } from '../expressions/errors.ts';
import { deepClone, fieldList, getPath, setPath } from './paths.ts';
import { str } from './values.ts';

/** Edit Fields (Set): assignments typed as declared, or a JSON object merged in. */
const convert = (value: unknown, type: string, name: string): unknown => {
  switch (type) {
    case 'string':
      return str(value);
    case 'number': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (String(value).trim() === '' || Number.isNaN(n))
        throw new NodeError(`field "${name}": ${JSON.stringify(value)} is not a number`);
      return n;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw new NodeError(`field "${name}": ${JSON.stringify(value)} is not true or false`);
    case 'array':
    case 'object': {
      let parsed = value;
      if (typeof value === 'string') {
        try {
          parsed = JSON.parse(value);
        } catch {
          throw new NodeError(`field "${name}": ${JSON.stringify(value)} is not JSON`);
        }
      }
      if (type === 'array' ? !Array.isArray(parsed) : !isJsonObject(parsed)) {
        throw new NodeError(
          `field "${name}": ${JSON.stringify(value)} is not ${type === 'array' ? 'a list' : 'an object'}`,
        );
      }
      return parsed;
    }
    default:
      throw new NodeError(`field "${name}": unknown type "${type}"`);
  }
};

export const set: NodeExecutor = (ctx) => {
  const params = ctx.params();
  return {
    [MAIN]: ctx.items.map((item, i) => {
      const p = params[i] ?? {};
      const json: JsonObject = p.includeOtherFields === true ? deepClone(item.json) : {};
      if (p.mode === 'raw') {
        let raw = p.jsonOutput;
        if (typeof raw === 'string') {
          try {
            raw = JSON.parse(raw);
          } catch (e) {
            throw new NodeError(`item ${i + 1}: the JSON is not valid (${e instanceof Error ? e.message : String(e)})`);
          }
        }
        if (!isJsonObject(raw)) throw new NodeError(`item ${i + 1}: the JSON must be an object`);
        return { json: { ...json, ...raw } };
      }
      const assignments = Array.isArray(p.assignments)
        ? (p.assignments as { name?: unknown; value?: unknown; type?: unknown }[])
        : [];
      for (const a of assignments) {
        const name = str(a.name, '').trim();
        if (!name) throw new NodeError('a field to set has no name');
        setPath(json, name, convert(a.value, str(a.type, 'string'), name));
      }
      return { json };
    }),
  };
};

const compare = (a: unknown, b: unknown): number => {
  if (a === b) return 0;
  if (a === undefined || a === null) return 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return str(a).localeCompare(str(b));
};

export const sort: NodeExecutor = (ctx) => {
  const p = ctx.nodeParams();
  if (p.type === 'random') {
    const out = [...ctx.items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [out[i], out[j]] = [out[j] as Item, out[i] as Item];
    }
    return { [MAIN]: out };
  }
  if (p.type === 'code') return { [MAIN]: sortByCode(ctx, str(p.code)) };
  const fields = (Array.isArray(p.sortFields) ? p.sortFields : []) as { fieldName: string; order: string }[];
  if (fields.some((f) => !f.fieldName)) throw new NodeError('a sort field has no name');
  // Array.prototype.sort is stable: equal items keep their order.
  return {
    [MAIN]: [...ctx.items].sort((a, b) => {
      for (const f of fields) {
        const c = compare(getPath(a.json, f.fieldName), getPath(b.json, f.fieldName));
        if (c !== 0) return f.order === 'descending' ? -c : c;
      }
      return 0;
    }),
  };
};

/** Sort by a comparison function of (a, b), run in the sandbox over the whole list at once. */
const sortByCode = (ctx: Parameters<NodeExecutor>[0], code: string): Item[] => {
  const filename = sourceName('sort', ctx.node.name);
  let order: number[];
  try {
    const id = ctx.sandbox.compile(SORT, code, filename);
    order = JSON.parse(ctx.sandbox.sort(id, JSON.stringify(ctx.items))) as number[];
  } catch (e) {
    if (e instanceof SandboxError) {
      // The code starts on line 2 of its function (see SORT).
      const at = positionIn(e.info.stack, filename);
      throw new NodeError(
        `the comparison code failed: ${e.info.name}: ${e.message}${at ? ` [line ${at.line - 1}]` : ''}`,
      );
    }
    throw e;
  }
  return order.map((i) => ctx.items[i] as Item);
};

export const limit: NodeExecutor = (ctx) => {
  const p = ctx.nodeParams();
  const max = Number(p.maxItems);
  if (!Number.isInteger(max) || max < 0)
    throw new NodeError(`"Max items" must be a whole number, not ${JSON.stringify(p.maxItems)}`);
  return {
    [MAIN]: p.keep === 'lastItems' ? ctx.items.slice(Math.max(0, ctx.items.length - max)) : ctx.items.slice(0, max),
  };
};

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

export const splitOut: NodeExecutor = (ctx) => {
  const p = ctx.nodeParams();
  const field = str(p.fieldToSplitOut, '').trim();
  if (!field) throw new NodeError('name the field to split out');
  const destination = str(p.destinationFieldName, '').trim();
  const include = str(p.include, 'noOtherFields');
  const keep = fieldList(p.fieldsToInclude);
  const out: Item[] = [];
  for (const item of ctx.items) {
    const value = getPath(item.json, field);
    if (value === undefined) continue;
    const list: unknown[] = Array.isArray(value) ? value : [value];
    for (const entry of list) {
      // An object spreads into the item when nothing else goes with it; otherwise it stays under its name.
      const spread = !destination && isJsonObject(entry) && include === 'noOtherFields';
      let json: JsonObject = spread ? { ...entry } : { [destination || field]: entry };
      if (include === 'allOtherFields') {
        const rest = Object.fromEntries(Object.entries(item.json).filter(([k]) => k !== field));
        json = { ...rest, ...json };
      } else if (include === 'selectedOtherFields') {
        const picked: JsonObject = {};
        for (const k of keep) picked[k] = getPath(item.json, k);
        json = { ...picked, ...json };
      }
      out.push({ json });
    }
  }
  return { [MAIN]: out };
};

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
