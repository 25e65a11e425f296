import { MAIN } from '#shared/nodes/types.ts';
import type { JsonObject } from '#shared/runs/items.ts';
import { pairedWith } from '../runner/paired-items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { namesOf, own, setOwn } from './field-lists.ts';
import { lodashGet, lodashSet } from './lodash-paths.ts';
import { str } from './values.ts';

/**
 * Aggregate as n8n's (and Item Lists' "aggregate items" / "concatenate
 * items"): individual fields into lists (nulls and missing values left out
 * unless keepMissing, lists merged with mergeLists, a dotted field named by
 * its last part, the output name read as a path), or whole items into one
 * list (top-level fields kept or left out, items left empty dropped).
 * `missingFields` carries Item Lists before 2.1 (a field no item has is an
 * error); binaries (includeBinaries) are not Weft's and are
 * named at import.
 */

interface FieldRow {
  fieldToAggregate?: unknown;
  renameField?: unknown;
  outputFieldName?: unknown;
}

export const aggregate: NodeExecutor = (ctx) => {
  const p = ctx.nodeParams();
  const items = ctx.items;
  if (p.aggregate === 'aggregateAllItemData') {
    const exclude = p.include === 'allFieldsExcept' ? namesOf(p.fieldsToExclude, 'Fields To Exclude') : [];
    const include = p.include === 'specifiedFields' ? namesOf(p.fieldsToInclude, 'Fields To Include') : [];
    let list: JsonObject[] = items.map((i) => i.json);
    let from = items.map((_, item) => ({ item }));
    if (exclude.length > 0 || include.length > 0) {
      from = [];
      list = list.flatMap((json, item) => {
        const out: JsonObject = {};
        for (const key of Object.keys(json)) {
          if (exclude.includes(key)) continue;
          if (include.length > 0 && !include.includes(key)) continue;
          setOwn(out, key, json[key]);
        }
        if (Object.keys(out).length === 0) return [];
        from.push({ item });
        return [out];
      });
    }
    const json: JsonObject = {};
    setOwn(json, str(p.destinationFieldName), list);
    // The one item pairs with the items it holds (items left out empty are not among them);
    // Item Lists 1 declared nothing, leaving it to n8n's default pairing.
    return { [MAIN]: [p.declarePairs === false ? { json } : pairedWith({ json }, from)] };
  }

  const flat = p.disableDotNotation === true;
  const mergeLists = p.mergeLists === true;
  const keepMissing = p.keepMissing === true;
  const rows = (Array.isArray(p.fieldsToAggregate) ? p.fieldsToAggregate : []) as FieldRow[];
  if (rows.length === 0) throw new NodeError('No fields specified: add a field to aggregate');
  const read = (json: JsonObject, field: string) => (flat ? own(json, field) : lodashGet(json, field));

  if (p.missingFields === 'error') {
    // Item Lists before 2.1: a blank field, or one no item has, is an error.
    for (const row of rows) {
      const field = str(row.fieldToAggregate);
      if (field === '' && items.length > 0) throw new NodeError('Field to aggregate is blank');
      const found = items.some((i) =>
        flat ? Object.prototype.hasOwnProperty.call(i.json, field) : read(i.json, field) !== undefined,
      );
      if (!found && ((flat && field.includes('.')) || !keepMissing))
        throw new NodeError(`Couldn't find the field '${field}' in the input data`);
    }
  }

  const values: Record<string, unknown[]> = {};
  const outputFields: string[] = [];
  for (const row of rows) {
    const field = str(row.fieldToAggregate);
    const renamed = row.renameField === true;
    const outputName = renamed ? str(row.outputFieldName) : '';
    const id = renamed ? outputName : field;
    if (outputFields.includes(id)) throw new NodeError(`The '${id}' output field is used more than once`);
    outputFields.push(id);
    if (field === '') continue;
    const name = outputName || (!flat && field.includes('.') ? (field.split('.').pop() ?? '') : field);
    const collected: unknown[] = [];
    setOwn(values, name, collected);
    for (const item of items) {
      let value = read(item.json, field);
      if (!keepMissing) {
        if (Array.isArray(value)) value = value.filter((entry) => entry !== null);
        else if (value === null || value === undefined) continue;
      }
      if (Array.isArray(value) && mergeLists) collected.push(...(value as unknown[]));
      else collected.push(value);
    }
  }
  const json: JsonObject = {};
  for (const key of Object.keys(values)) {
    if (flat) setOwn(json, key, values[key]);
    else lodashSet(json, key, values[key]);
  }
  return {
    [MAIN]: [
      pairedWith(
        { json },
        items.map((_, item) => ({ item })),
      ),
    ],
  };
};
