import { MAIN } from '#shared/nodes/types.ts';
import { isJsonObject, type Item, type JsonObject } from '../runner/items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { fieldList, getPath } from './paths.ts';
import { str } from './values.ts';

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
