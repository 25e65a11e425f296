import type * as Y from 'yjs';
import type { WorkflowDefinition } from './definition.ts';
import { pinItemsOf, readPins } from './pins.ts';
import { toDefinition } from './to-definition.ts';

/**
 * The exchange JSON of a document (REST export, `weft pull` and `push`): its
 * definition plus its pins, which toDefinition leaves out because a saved
 * version and a run's definition never carry them.
 */
export const toExchange = (doc: Y.Doc): WorkflowDefinition => {
  const definition = toDefinition(doc);
  const pins = readPins(doc);
  return Object.keys(pins).length > 0 ? { ...definition, pins: pinItemsOf(pins) } : definition;
};
