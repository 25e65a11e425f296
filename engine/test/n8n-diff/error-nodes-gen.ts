import type { Family } from './differ.ts';
import { befores, onErrors } from './function-gen.ts';
import { itemSet } from './items.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Stop and Error 1: a message (text, an expression of the item, empty) or an
 * error object (with a message, only a description or an error, neither, a
 * list, null, JSON that does not parse), failing the run, going on with its
 * items or sending them to the error output, after a node that reorders or
 * drops items. Error Trigger 1 run by hand: n8n's example item.
 */

const MESSAGES = [
  'Order failed',
  '',
  '={{ "item " + $json.a }}',
  '={{ $json.missing }}',
  'Ünïcödé ✓',
  '{{ not an expression',
];
const OBJECTS = [
  '{"message":"boom","code":404}',
  '{"code":"404","description":"The resource could not be fetched"}',
  '{"error":"bad","message":""}',
  '{"code":404}',
  '{}',
  '[1,2]',
  '5',
  '{"message":5,"description":"number message"}',
  '{"message":"m","type":"custom","description":""}',
];

export const stopAndErrorCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const parameters: Params = rng.chance(0.5)
    ? { errorType: 'errorObject', errorObject: rng.pick(OBJECTS) }
    : { ...(rng.chance(0.2) ? {} : { errorType: 'errorMessage' }), errorMessage: rng.pick(MESSAGES) };
  const before = rng.chance(0.3) ? rng.pick(befores) : undefined;
  const onError = rng.pick(onErrors);
  return {
    family: 'stopAndError',
    seed,
    type: 'stopAndError',
    typeVersion: 1,
    parameters,
    items: itemSet(rng),
    ...(before ? { before } : {}),
    ...(onError !== 'stop' ? { onError } : {}),
  };
};

export const stopAndErrorFamily: Family = {
  name: 'stopAndError',
  generate: stopAndErrorCase,
  shrink: () => [],
  key: (c) =>
    `stopAndError ${c.parameters.errorType === 'errorObject' ? 'errorObject' : 'errorMessage'} ${c.onError ?? 'stop'}`,
  coverage: () => ({ onError: onErrors, 'error objects': OBJECTS }),
};

export const errorTriggerCase = (seed: number): NodeCase => ({
  family: 'errorTrigger',
  seed,
  type: 'errorTrigger',
  typeVersion: 1,
  parameters: {},
  items: [],
  triggerUnderTest: true,
});

export const errorTriggerFamily: Family = {
  name: 'errorTrigger',
  generate: errorTriggerCase,
  shrink: () => [],
  key: () => 'errorTrigger by hand',
};
