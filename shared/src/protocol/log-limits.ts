/**
 * How much of a run's log is kept, in a module of its own: the sandbox's
 * driver (which also runs in the browser's preview worker) enforces it too,
 * and must not pull the protocol's schemas in with it.
 */

/** A run's log keeps this many lines (the engine stops adding, then says how many it dropped)… */
export const MAX_LOG_LINES = 1_000;
/** …of at most this many characters each. */
export const MAX_LOG_MESSAGE = 4_000;
