/**
 * n8n's Loop Over Items (`splitInBatches` v3) and its outputs: `done` comes out when the loop has finished,
 * `loop` each round. A leaf module: the node's definition (nodes/loop-over-items.ts) and the partial-run plan
 * (partial-plan.ts, which reaches the node catalog) both read it, and neither may wait on the other to load.
 */
export const LOOP_NODE_TYPE = 'splitInBatches';
export const LOOP_DONE_OUTPUT = 'done';
export const LOOP_EACH_OUTPUT = 'loop';
