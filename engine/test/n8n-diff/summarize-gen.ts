import type { Family } from './differ.ts';
import { caseKey, dedupeItems, fieldName, listItems, shrinkParams } from './item-list-params.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Summarize 1 and 1.1: one to three rows of every aggregation (fields
 * existing, nested, missing, blank, `_itemIndex`, from expressions; empty
 * values in or out; each separator), split by none to three fields (values
 * of mixed types, objects, missing ones skipped or not), as separate items or
 * one, dot notation on and off, and 1's "continue if field not found".
 */

const AGGREGATIONS = ['append', 'average', 'concatenate', 'count', 'countUnique', 'max', 'min', 'sum'];
const SEPARATORS = [',', ', ', '\n', '', ' ', 'other'];
const SPLITS = ['', 'a', 'b', 'name', 'a, b', 'meta.a', 'meta', 'tags', 'missing', 'a,name,b', ' b ,', '={{ "a" }}'];

const row = (rng: Rng): Params => {
  const aggregation = rng.pick(AGGREGATIONS);
  const out: Params = {
    aggregation,
    field: rng.chance(0.05) ? '_itemIndex' : fieldName(rng),
  };
  if (rng.chance(0.4)) out.includeEmpty = rng.chance(0.7);
  if (aggregation === 'concatenate' && rng.chance(0.7)) {
    out.separateBy = rng.pick(SEPARATORS);
    if (out.separateBy === 'other') out.customSeparator = rng.pick(['|', ' - ', '', '={{ "+" }}']);
  }
  return out;
};

export const summarizeCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.pick([1, 1.1]);
  const options: Params = {};
  if (rng.chance(0.4)) options.outputFormat = rng.pick(['separateItems', 'singleItem']);
  if (rng.chance(0.25)) options.disableDotNotation = rng.chance(0.8);
  if (rng.chance(0.3)) options.skipEmptySplitFields = rng.chance(0.8);
  if (typeVersion === 1 && rng.chance(0.5)) options.continueIfFieldNotFound = rng.chance(0.8);
  return {
    family: 'summarize',
    seed,
    type: 'summarize',
    typeVersion,
    parameters: {
      fieldsToSummarize: { values: Array.from({ length: 1 + rng.int(3) }, () => row(rng)) },
      fieldsToSplitBy: rng.chance(0.35) ? '' : rng.pick(SPLITS),
      options,
    },
    items: rng.chance(0.6) ? dedupeItems(rng) : listItems(rng),
  };
};

export const summarizeFamily: Family = {
  name: 'summarize',
  generate: summarizeCase,
  shrink: shrinkParams,
  key: caseKey,
};
