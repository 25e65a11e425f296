import type { Awareness } from 'y-protocols/awareness';

/**
 * The sync server's own entry in a room's awareness (`server: true`), not yet
 * parsed: each reader parses the part it needs with the shared schemas
 * (shared/src/protocol/live.ts), so one malformed part does not hide the others.
 */
export const serverEntry = (awareness: Awareness): Record<string, unknown> | undefined => {
  for (const state of awareness.getStates().values()) {
    if ((state as { server?: unknown }).server === true) return state;
  }
  return undefined;
};
