import type { Item } from '#shared/runs/items.ts';
import { LOOP_DONE_OUTPUT, LOOP_EACH_OUTPUT } from '#shared/runs/partial-plan.ts';
import { MAIN } from '#shared/nodes/types.ts';
import { pairedWith, type InputSource } from '../runner/paired-items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';

/** What the node keeps between its rounds in one execution (n8n's node context). */
interface LoopState {
  /** Items of the set not handed on yet. */
  queue?: Item[];
  /** Every item that came back, with where it came from: "done" pairs each to that (its run's input index there). */
  processed: { item: Item; source: InputSource | undefined; index: number }[];
  /** Where the set came from: later batches pair to it, not to the way back (n8n's sourceOverwrite). */
  source: InputSource | undefined;
  /** The set's items → their index in the set: later batches pair to that index of the set's source. */
  positions: Map<Item, number>;
}

const stateOf = (raw: Record<string, unknown>): LoopState => raw as unknown as LoopState;

/**
 * n8n's SplitInBatchesV3: the first round (or every round with "Reset")
 * takes the input as the set and hands on its first batch; later rounds hand
 * on the next batch and keep the items that came back; an empty batch ends
 * the loop with everything that came back on "done".
 */
export const loopOverItems: NodeExecutor = (ctx) => {
  if (!ctx.nodeState || !ctx.inputSource || !ctx.pairToSource) throw new Error('Loop Over Items needs node state');
  const p = ctx.nodeParams();
  const size = typeof p.batchSize === 'string' && p.batchSize.trim() !== '' ? Number(p.batchSize) : p.batchSize;
  if (typeof size !== 'number' || !Number.isFinite(size) || size < 1)
    throw new NodeError(`"Batch size" must be a number of at least 1, not ${JSON.stringify(p.batchSize)}`);
  const batchSize = Math.floor(size);
  const raw = ctx.nodeState();
  const state = stateOf(raw);
  const items = ctx.items;
  let batch: Item[];
  if (state.queue === undefined || p.reset === true) {
    const source = ctx.inputSource(MAIN);
    raw.source = source;
    raw.positions = new Map(items.map((item, i) => [item, i]));
    raw.processed = [];
    // The input's own items: they pair to this round's input by identity.
    batch = items.slice(0, batchSize);
    raw.queue = items.slice(batchSize);
  } else {
    const source = state.source;
    const input = source ? ctx.pairToSource(source) : undefined;
    // Each pairs to its place in the set, read against the set's source (as n8n's run shows it does).
    batch = (state.queue ?? [])
      .splice(0, batchSize)
      .map((item) =>
        pairedWith({ ...item }, input === undefined ? [] : [{ item: state.positions.get(item) ?? 0, input }]),
      );
    const back = ctx.inputSource(MAIN);
    state.processed.push(...items.map((item, index) => ({ item, source: back, index })));
  }
  if (batch.length === 0) {
    // Paired now, by the run that puts them out: a pairing's input index is that run's own.
    const pairToSource = ctx.pairToSource.bind(ctx);
    const done = state.processed.map(({ item, source, index }) =>
      pairedWith({ ...item }, source ? [{ item: index, input: pairToSource(source) }] : []),
    );
    return { [LOOP_DONE_OUTPUT]: done, [LOOP_EACH_OUTPUT]: [] };
  }
  return { [LOOP_DONE_OUTPUT]: [], [LOOP_EACH_OUTPUT]: batch };
};
