/**
 * The logging seam. Servers build a pino logger in their `main.ts` and pass it
 * down; tests pass `silentLogger`. Shared code never creates a logger itself.
 * The shape is pino's (object first, then message) so pino fits without glue.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: object): Logger;
}

const noop = (): void => {};

export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};
