import type { Pools } from './pools.ts';
import type { Rand } from './rand.ts';
import type { HostileRecord, InputKind } from './record.ts';
import type { World } from './world.ts';

/** What every input generator reaches: the world under attack, the ids learned so far, the record. */
export interface FuzzContext {
  world: World;
  pools: Pools;
  record: HostileRecord;
  /** n8n workflow files (shared/test/fixtures/n8n): import inputs start from them now and then. */
  n8nFiles: readonly unknown[];
  /** Hears the description of the input being run (the orchestrator names unanswered inputs with it). */
  noted?: (description: string) => void;
}

/**
 * One input: draws what it sends from `r`, notes it in the record (kind and
 * description) before sending, sends it, and judges the answer, recording a
 * finding for any rule broken.
 */
export type InputRunner = (r: Rand, ctx: FuzzContext) => Promise<void>;

/** Records an input and returns its description, for findings about it. */
export const noteInput = (ctx: FuzzContext, kind: InputKind, description: string): string => {
  const text = `${kind} ${description}`;
  ctx.record.input(kind, text);
  ctx.noted?.(text);
  return text;
};
