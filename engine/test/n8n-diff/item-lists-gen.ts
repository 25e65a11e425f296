import type { Family } from './differ.ts';
import {
  aggregateParams,
  caseKey,
  dedupeItems,
  limitParams,
  listItems,
  removeDuplicatesParams,
  shrinkParams,
  sortParams,
  splitOutParams,
} from './item-list-params.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * n8n's legacy Item Lists node, versions 1 to 3.1, which Weft imports as the
 * node of each operation: aggregate ("aggregateItems" before 3,
 * "concatenateItems" from 3), limit, remove duplicates, sort, split out, with
 * the field lists in the shape each version wrote. Summarize has no Weft node
 * (it stays unsupported at import) and is not generated.
 */
export const itemListsCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.pick([1, 2, 2.1, 2.2, 3, 3.1]);
  const rows = typeVersion < 3;
  const operation = rng.pick(['aggregate', 'limit', 'removeDuplicates', 'sort', 'splitOutItems']);
  let parameters: Params;
  if (operation === 'aggregate')
    parameters = { operation: rows ? 'aggregateItems' : 'concatenateItems', ...aggregateParams(rng, rows) };
  else if (operation === 'limit') parameters = { operation, ...limitParams(rng) };
  else if (operation === 'removeDuplicates') parameters = { operation, ...removeDuplicatesParams(rng, rows) };
  else if (operation === 'sort') parameters = { operation, ...sortParams(rng) };
  else parameters = { operation, ...splitOutParams(rng, rows) };
  const items = operation === 'removeDuplicates' || operation === 'sort' ? dedupeItems(rng) : listItems(rng);
  return { family: 'item-lists', seed, type: 'itemLists', typeVersion, parameters, items };
};

export const itemListsFamily: Family = {
  name: 'item-lists',
  generate: itemListsCase,
  shrink: shrinkParams,
  key: caseKey,
};
