import { MAIN } from '#shared/nodes/types.ts';
import type { Item, JsonObject } from '#shared/runs/items.ts';
import { pairedWith } from '../runner/paired-items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { namesOf, own, setOwn } from './field-lists.ts';
import { lodashGet, lodashUnset } from './lodash-paths.ts';
import { deepClone } from './paths.ts';
import { str } from './values.ts';

/**
 * Split Out as n8n's: one or several fields (comma-separated, split side by
 * side: the n-th entries of each make the n-th item), an object split into
 * its values, a single value into one item, a missing field into none;
 * objects spread into the item when nothing else goes with them. `n8nVersion`
 * carries the Item Lists versions' differences (the field list read without
 * dropping empty names, missing fields and non-lists as errors, version 1's
 * single field).
 */

type Version = 'current' | 'itemLists3' | 'itemLists2.2' | 'itemLists2.1' | 'itemLists2' | 'itemLists1';
const VERSIONS: readonly string[] = [
  'current',
  'itemLists3',
  'itemLists2.2',
  'itemLists2.1',
  'itemLists2',
  'itemLists1',
];

const fieldsOf = (value: unknown, version: Version): string[] => {
  if (version === 'current')
    return namesOf(value, 'Fields To Split Out').map((f) => String(f).replace(/^\$json\./, ''));
  if (typeof value !== 'string') throw new NodeError('"Fields to split out" must be text');
  if (version === 'itemLists1') return [value];
  const fields = value.split(',').map((f) => f.trim());
  return version === 'itemLists3' ? fields.map((f) => f.replace(/^\$json\./, '')) : fields;
};

const destinationsOf = (value: unknown, version: Version): string[] => {
  const text = str(value);
  if (version === 'itemLists1') return [text];
  return text
    .split(',')
    .filter((f) => f.trim() !== '')
    .map((f) => f.trim());
};

/** The entries a field splits into, or why it cannot be split (the versions that refuse). */
const entriesOf = (value: unknown, field: string, version: Version): unknown[] => {
  if (value === undefined) {
    if (version === 'itemLists1' || version === 'itemLists2') {
      throw new NodeError(`Couldn't find the field '${field}' in the input data`);
    }
    return [];
  }
  if (version === 'itemLists1') {
    if (!Array.isArray(value)) throw new NodeError(`The provided field '${field}' is not an array`);
    return value;
  }
  if (typeof value !== 'object' || value === null) {
    if (version === 'itemLists2' || version === 'itemLists2.1')
      throw new NodeError(`The provided field '${field}' is not an array or object`);
    return [value];
  }
  return Array.isArray(value) ? value : Object.values(value);
};

export const splitOut: NodeExecutor = (ctx) => {
  const all = ctx.params();
  const out: Item[] = [];
  ctx.items.forEach((source, i) => {
    const p = all[i] ?? {};
    const version = (VERSIONS.includes(str(p.n8nVersion)) ? str(p.n8nVersion) : 'current') as Version;
    const flat = p.disableDotNotation === true;
    const include = str(p.include, 'noOtherFields');
    const item: JsonObject = { ...source.json };
    const read = (field: string) => (flat ? own(item, field) : lodashGet(item, field));
    const fields = fieldsOf(p.fieldToSplitOut, version);
    const destinations = destinationsOf(p.destinationFieldName, version);
    if (version === 'itemLists1') {
      for (const json of splitVersion1(item, fields[0] ?? '', destinations[0] ?? '', include, p.fieldsToInclude, flat))
        out.push(pairedWith({ json }, { item: i }));
      return;
    }
    if (destinations.length > 0 && destinations.length !== fields.length)
      throw new NodeError(
        'If multiple fields to split out are given, the same number of destination fields must be given',
      );
    const multiSplit = fields.length > 1;
    const split: JsonObject[] = [];
    fields.forEach((field, f) => {
      const destination = destinations[f] ?? '';
      // Weft's items carry no binary data: "$binary" has nothing to split.
      const binary = field === '$binary' && (version === 'current' || version === 'itemLists3');
      const entries = binary ? [] : entriesOf(read(field), field, version);
      entries.forEach((element, e) => {
        const entry = (split[e] ??= {});
        const name = destination || field;
        if (
          typeof element === 'object' &&
          element !== null &&
          include === 'noOtherFields' &&
          destination === '' &&
          !multiSplit
        )
          split[e] = { ...entry, ...(element as JsonObject) };
        else setOwn(entry, name, element);
      });
    });
    for (const entry of split) {
      let json = entry;
      if (include === 'allOtherFields') {
        const copy = deepClone(item);
        for (const field of fields) {
          if (flat) Reflect.deleteProperty(copy, field);
          else lodashUnset(copy, field);
        }
        json = { ...copy, ...entry };
      } else if (include === 'selectedOtherFields') {
        const names = namesOf(p.fieldsToInclude, 'Fields To Include');
        if (names.length === 0) throw new NodeError('No fields specified: add a field to include');
        for (const name of names) setOwn(entry, String(name), read(String(name)));
      }
      out.push(pairedWith({ json }, { item: i }));
    }
  });
  return { [MAIN]: out };
};

/** Item Lists 1: one field, which must be a list; other fields copied field by field before each entry. */
const splitVersion1 = (
  json: JsonObject,
  field: string,
  destination: string,
  include: string,
  fieldsToInclude: unknown,
  flat: boolean,
): JsonObject[] => {
  const read = (name: string) => (flat ? own(json, name) : lodashGet(json, name));
  const value = read(field);
  // n8n unsets the field in a copy that shares nested objects with the input; Weft's inputs stay untouched.
  const source = deepClone(json);
  if (value === undefined) throw new NodeError(`Couldn't find the field '${field}' in the input data`);
  if (!Array.isArray(value)) throw new NodeError(`The provided field '${field}' is not an array`);
  return value.map((element: unknown) => {
    let item: JsonObject = {};
    if (include === 'selectedOtherFields') {
      const names = namesOf(fieldsToInclude, 'Fields To Include').map(String);
      if (names.length === 0) throw new NodeError('No fields specified: add a field to include');
      for (const name of names) if (name !== field) setOwn(item, name, read(name));
    } else if (include === 'allOtherFields') {
      for (const key of Object.keys(source)) setOwn(item, key, flat ? own(source, key) : lodashGet(source, key));
      lodashUnset(item, field);
    }
    if (typeof element === 'object' && include === 'noOtherFields' && destination === '')
      item = { ...item, ...(element as JsonObject) };
    else item = { ...item, [destination || field]: element };
    return item;
  });
};
