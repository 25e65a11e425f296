import { LOOP_DONE_OUTPUT, LOOP_EACH_OUTPUT } from '../runs/loop-handles.ts';
import { defineNode, MAIN } from './types.ts';

/**
 * n8n's Loop Over Items (`splitInBatches` 3): hands its input on in batches,
 * one batch per round on "loop"; the branch that works on a batch connects
 * back to it; when no items are left, "done" puts out every item that came
 * back. It keeps its queue between rounds in the execution's node state.
 */
export const loopOverItems = defineNode({
  type: 'splitInBatches',
  version: 1,
  label: 'Loop Over Items',
  description: 'Splits items into batches and runs the branch on "loop" once per batch; "done" gets them all back.',
  category: 'flow',
  icon: 'repeat',
  color: '#059669',
  inputs: [{ name: MAIN, label: 'Input' }],
  outputs: [
    { name: LOOP_DONE_OUTPUT, label: 'Done' },
    { name: LOOP_EACH_OUTPUT, label: 'Loop' },
  ],
  params: [
    {
      name: 'batchSize',
      label: 'Batch size',
      description: 'Items handed on in each round.',
      kind: 'number',
      default: 1,
      min: 1,
      integer: true,
    },
    {
      name: 'reset',
      label: 'Reset',
      description:
        'Start again from the first of the incoming items each time items arrive, treating them as a new set (for a loop inside a loop).',
      kind: 'boolean',
      default: false,
    },
  ],
  keywords: ['loop', 'batch', 'split in batches', 'iterate', 'each'],
});
