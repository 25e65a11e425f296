import type { Family } from './differ.ts';
import { listItems, shrinkParams } from './item-list-params.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Rename Keys 1: key rows (existing, nested, bracketed, missing and blank
 * names, onto existing fields and new paths, chains where a row moves what an
 * earlier one moved, names from expressions) and regular expressions
 * (captures, anchors, invalid ones, matches of list positions, case
 * insensitive, each depth), alone and together.
 */

const CURRENT = ['a', 'b', 'name', 'tags', 'meta', 'meta.a', 'meta.b', 'tags[0]', 'missing', '', 'when', '={{ "a" }}'];
const NEW = ['x', 'a', 'name', 'meta.z', 'meta', 'x.y.z', 'tags[1]', 'b', '', 'A', '={{ "n" + "ew" }}'];
const SEARCH = [
  'a',
  '^n',
  '[aeiou]',
  '(.)(.*)',
  '\\d',
  '.',
  'A',
  'e$',
  '',
  '(',
  '^(a|b)$',
  'me',
  '^meta$',
  '={{ "^t" }}',
];
const REPLACE = ['x', '$2$1', '', 'new_$&', 'a', 'b', '_', 'meta', '$1'];

const keyRow = (rng: Rng): Params => ({ currentKey: rng.pick(CURRENT), newKey: rng.pick(NEW) });

const replacement = (rng: Rng): Params => {
  const options: Params = {};
  if (rng.chance(0.3)) options.caseInsensitive = rng.chance(0.8);
  if (rng.chance(0.5)) options.depth = rng.pick([-1, 0, 1, 2, 3]);
  return { searchRegex: rng.pick(SEARCH), replaceRegex: rng.pick(REPLACE), options };
};

export const renameKeysCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const parameters: Params = { keys: { key: Array.from({ length: rng.int(4) }, () => keyRow(rng)) } };
  if (rng.chance(0.45))
    parameters.additionalOptions = {
      regexReplacement: { replacements: Array.from({ length: 1 + rng.int(2) }, () => replacement(rng)) },
    };
  return { family: 'renameKeys', seed, type: 'renameKeys', typeVersion: 1, parameters, items: listItems(rng) };
};

const regexKey = (c: NodeCase): string => {
  const options = c.parameters.additionalOptions as
    { regexReplacement?: { replacements?: { searchRegex?: unknown }[] } } | undefined;
  const rows = options?.regexReplacement?.replacements ?? [];
  return rows.length > 0 ? `regex ${rows.map((r) => String(r.searchRegex)).join(' ')}` : 'keys only';
};

export const renameKeysFamily: Family = {
  name: 'renameKeys',
  generate: renameKeysCase,
  shrink: shrinkParams,
  key: (c) => `renameKeys ${regexKey(c)}`,
};
