/** A failed expression, naming the node, the parameter and where in the expression. */
export class ExpressionError extends Error {
  constructor(
    readonly node: string,
    readonly parameter: string,
    /** What went wrong, without the node and parameter (the expression preview shows it beside the field). */
    readonly detail: string,
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

/** The name user code is compiled under, so positions in errors point at it: "expr:Node:param", "code:Node". */
export const sourceName = (kind: 'expr' | 'code' | 'sort', node: string, label?: string): string =>
  `${kind}:${node.replace(/[\s:()]/g, '_')}${label !== undefined ? `:${label}` : ''}`;
