import { type Mapper, type Params, same } from '../param-reader.ts';

/** Loop Over Items (Split In Batches 3): the batch size, and "Reset" from its options. */
export const loopOverItemsMappers: Record<string, Mapper> = {
  splitInBatches: (r) => {
    const out: Params = {};
    same(r, out, ['batchSize']);
    const reset = r.get('options.reset');
    if (reset !== undefined) out.reset = reset;
    return out;
  },
};
