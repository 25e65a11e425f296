import type { Family } from './differ.ts';
import { caseKey, dedupeItems, listItems, shrinkParams, sortParams } from './item-list-params.ts';
import type { NodeCase } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Sort 1: by fields (one to three, ascending or descending, dotted, bracketed,
 * missing and blank names, names from expressions, dot notation off), by code
 * (n8n's default code with its undeclared variable, consistent and
 * inconsistent comparators, code that throws or never returns) and random
 * (compared as a multiset: see the sort-random-order exception).
 */
export const sortCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  return {
    family: 'sort',
    seed,
    type: 'sort',
    typeVersion: 1,
    parameters: sortParams(rng),
    items: rng.chance(0.4) ? dedupeItems(rng) : listItems(rng),
  };
};

export const sortFamily: Family = { name: 'sort', generate: sortCase, shrink: shrinkParams, key: caseKey };
