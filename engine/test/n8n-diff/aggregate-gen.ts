import type { Family } from './differ.ts';
import { aggregateParams, caseKey, listItems, shrinkParams } from './item-list-params.ts';
import type { NodeCase } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Aggregate 1: individual fields (none to three, renamed or not, dotted and
 * bracketed, missing, blank, from expressions; disableDotNotation, mergeLists,
 * keepMissing) and all item data (destination name, fields included or left out).
 */
export const aggregateCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  return {
    family: 'aggregate',
    seed,
    type: 'aggregate',
    typeVersion: 1,
    parameters: aggregateParams(rng, false),
    items: listItems(rng),
  };
};

export const aggregateFamily: Family = {
  name: 'aggregate',
  generate: aggregateCase,
  shrink: shrinkParams,
  key: caseKey,
};
