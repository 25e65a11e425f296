import type { Family } from './differ.ts';
import { caseKey, dedupeItems, removeDuplicatesParams, shrinkParams } from './item-list-params.ts';
import type { NodeCase } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Remove Duplicates 1, 1.1 and 2 ("remove items repeated within current
 * input"): all fields (keys in any order), all fields except, selected
 * fields, dot notation off, removeOtherFields, on items with repeats
 * (dedupeItems: same fields, values that clash in case and type). The
 * operations that keep history between executions are not generated: Weft
 * does not support them and says so at import (docs/n8n-compatibility.md).
 */
export const removeDuplicatesCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.pick([1, 1.1, 2]);
  const parameters = removeDuplicatesParams(rng, false);
  return {
    family: 'remove-duplicates',
    seed,
    type: 'removeDuplicates',
    typeVersion,
    parameters: typeVersion >= 2 ? { operation: 'removeDuplicateInputItems', ...parameters } : parameters,
    items: dedupeItems(rng),
  };
};

export const removeDuplicatesFamily: Family = {
  name: 'remove-duplicates',
  generate: removeDuplicatesCase,
  shrink: shrinkParams,
  key: caseKey,
};
