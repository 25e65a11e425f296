import { z } from 'zod';
import { testWebhookListenSchema } from '#shared/api/access.ts';
import { executionLiveStatusSchema, triggerLiveStateSchema, type ServerAwarenessState } from '#shared/protocol/live.ts';

/**
 * A workflow's live status as instances exchange it (docs/plans/scale-out.md
 * §5.7): each field is a last-writer-wins register, so an instance can merge
 * what it hears in any order, twice or never, and shows the same state as
 * every other instance that heard the same things. What decides "later" is
 * in the register itself, never the order of arrival:
 * - execution: a later `(createdAt, id)` execution replaces an older one;
 *   within one execution an ended one beats a running one, then more events
 *   seen (`version`) win;
 * - trigger and testWebhook: the writer's time `at`, which a writer always
 *   moves past the value it replaces (so one instance's quick
 *   activate-deactivate cannot tie), and clocks of instances are assumed
 *   close (these change at human pace).
 * Equal ranks with different values (only a bug or a clock tie) fall back to
 * comparing the values' JSON, so even then every instance picks the same one.
 */

const executionRegisterSchema = z.object({
  /** Epoch ms the execution was created (its row's created_at). */
  createdAt: z.number(),
  /** Events seen for this execution: 0 when queued, +1 per node event and at the end. */
  version: z.number().int().min(0),
  value: executionLiveStatusSchema,
});

const triggerRegisterSchema = z.object({ at: z.number(), value: triggerLiveStateSchema });
/** `null`: nobody listens any more (a register must be able to say so, or a stop would not travel). */
const testWebhookRegisterSchema = z.object({ at: z.number(), value: testWebhookListenSchema.nullable() });

/** Versioned: a message of another `v` fails to parse and is dropped (a newer instance during a rolling upgrade). */
export const liveStateSchema = z.object({
  v: z.literal(1),
  execution: executionRegisterSchema.optional(),
  trigger: triggerRegisterSchema.optional(),
  testWebhook: testWebhookRegisterSchema.optional(),
});
export type LiveState = z.infer<typeof liveStateSchema>;
export type ExecutionRegister = z.infer<typeof executionRegisterSchema>;

/** The JSON a bus message or the stored copy carries; undefined for anything else. */
export const parseLiveState = (json: string): LiveState | undefined => {
  try {
    const parsed = liveStateSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

const ended = (status: string): boolean => status !== 'queued' && status !== 'running';

const compareJson = (a: unknown, b: unknown): number => {
  const [x, y] = [JSON.stringify(a), JSON.stringify(b)];
  return x < y ? -1 : x > y ? 1 : 0;
};

const compareExecutions = (a: ExecutionRegister, b: ExecutionRegister): number =>
  a.createdAt - b.createdAt ||
  (a.value.id < b.value.id ? -1 : a.value.id > b.value.id ? 1 : 0) ||
  Number(ended(a.value.status)) - Number(ended(b.value.status)) ||
  a.version - b.version ||
  compareJson(a.value, b.value);

const compareTimed = <T extends { at: number; value: unknown }>(a: T, b: T): number =>
  a.at - b.at || compareJson(a.value, b.value);

const later = <T>(a: T | undefined, b: T | undefined, compare: (x: T, y: T) => number): T | undefined =>
  a === undefined ? b : b === undefined ? a : compare(a, b) >= 0 ? a : b;

/** The join of two states: commutative, associative and idempotent (the tests check all three). */
export const mergeLive = (a: LiveState | undefined, b: LiveState | undefined): LiveState => {
  const execution = later(a?.execution, b?.execution, compareExecutions);
  const trigger = later(a?.trigger, b?.trigger, compareTimed);
  const testWebhook = later(a?.testWebhook, b?.testWebhook, compareTimed);
  return {
    v: 1,
    ...(execution ? { execution } : {}),
    ...(trigger ? { trigger } : {}),
    ...(testWebhook ? { testWebhook } : {}),
  };
};

export const sameLive = (a: LiveState | undefined, b: LiveState | undefined): boolean =>
  compareJson(a ?? null, b ?? null) === 0;

/** What the room's server awareness entry shows (the contract clients parse, shared/src/protocol/live.ts). */
export const liveAwareness = (state: LiveState): ServerAwarenessState => ({
  server: true,
  ...(state.execution ? { execution: structuredClone(state.execution.value) } : {}),
  ...(state.trigger ? { trigger: { ...state.trigger.value } } : {}),
  ...(state.testWebhook?.value ? { testWebhook: structuredClone(state.testWebhook.value) } : {}),
});
