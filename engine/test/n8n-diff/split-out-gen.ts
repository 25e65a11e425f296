import type { Family } from './differ.ts';
import { caseKey, listItems, shrinkParams, splitOutParams } from './item-list-params.ts';
import type { NodeCase } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Split Out 1: lists, objects and single values, one field or several
 * (comma-separated, blanks, `$json.` prefixes, expressions), every include
 * mode, destination names (one per field), dot notation on and off.
 */
export const splitOutCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  return {
    family: 'split-out',
    seed,
    type: 'splitOut',
    typeVersion: 1,
    parameters: splitOutParams(rng, false),
    items: listItems(rng),
  };
};

export const splitOutFamily: Family = { name: 'split-out', generate: splitOutCase, shrink: shrinkParams, key: caseKey };
