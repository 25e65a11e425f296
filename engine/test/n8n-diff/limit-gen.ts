import type { Family } from './differ.ts';
import { caseKey, limitParams, listItems, shrinkParams } from './item-list-params.ts';
import type { NodeCase } from './node-case.ts';
import { Rng } from './rng.ts';

/** Limit 1: first or last items, counts from 0 past the list's length, literal or from an expression. */
export const limitCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  return { family: 'limit', seed, type: 'limit', typeVersion: 1, parameters: limitParams(rng), items: listItems(rng) };
};

export const limitFamily: Family = { name: 'limit', generate: limitCase, shrink: shrinkParams, key: caseKey };
