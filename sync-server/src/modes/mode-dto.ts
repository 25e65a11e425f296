import type { ModeDto } from '#shared/api/modes.ts';
import type { ModeState } from './mode-store.ts';

/** What REST answers and the awareness entry shows of a mode; `defaultIdleMs` is the server's pen idle release. */
export const modeDto = (state: ModeState, defaultIdleMs: number): ModeDto => ({
  mode: state.mode,
  reason: state.reason,
  setBy: state.setBy,
  setAt: state.setAt,
  pen: state.pen
    ? {
        holder: state.pen.holder,
        since: state.pen.since,
        idleReleaseAt:
          state.pen.holder !== null && state.pen.activeAt !== null
            ? state.pen.activeAt + (state.pen.idleMs ?? defaultIdleMs)
            : null,
        requests: state.pen.requests.map((r) => ({ ...r })),
      }
    : null,
});
