/** A failed expression, naming the node, the parameter and where in the expression. */
export class ExpressionError extends Error {
  constructor(
    readonly node: string,
    readonly parameter: string,
    detail: string,
    readonly position?: number,
  ) {
    super(
      `Node "${node}", parameter "${parameter}": ${detail}${position !== undefined ? ` (at character ${position} of the expression)` : ''}`,
    );
    this.name = 'ExpressionError';
  }
}

/** Line and column of the innermost frame in a QuickJS stack for `filename`. */
export const positionIn = (stack: string, filename: string): { line: number; column: number } | undefined => {
  const escaped = filename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(stack);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
};
