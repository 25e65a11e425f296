import { getLineInfo, parse, type Node } from 'acorn';

/**
 * User code reaches QuickJS only as the body of a function (the Code node,
 * Sort's comparison) or as a single expression (`{{ }}`), never as a script
 * of its own: pasted into a wrapper unchecked, `}); let x = 1; (function(){`
 * would close the function early and run at the top level of the context
 * every workflow shares. So before QuickJS sees the wrapper, the host parses
 * exactly that text (acorn) and refuses it unless it is one function whose
 * body is the user's code, which is also where a syntax error gets its
 * position. QuickJS then checks the same thing with its own parser (the
 * driver's `verify`), so that a difference between the two parsers cannot
 * reopen the hole.
 */

/** Parameters of the function each expression and Code node becomes (see `contextFor` in DRIVER_SOURCE). */
export const PARAMS =
  '$json, $input, $, $now, $today, $workflow, $execution, $itemIndex, $vars, $node, $items, $item, $if, $ifEmpty, $jmespath, $runIndex, $binary';

/**
 * The Code node's, with n8n's legacy `items` (once for all items) and `item` (once per item) when the code leaves
 * those names free, and Function Item's `getBinaryData`.
 */
export const CODE_PARAMS = `${PARAMS}, items, item, getBinaryData`;

export interface FunctionShape {
  /** Part of the compile cache's key: the same text compiled in two shapes is two functions. */
  readonly kind: 'code' | 'legacy-code' | 'function' | 'legacy-function' | 'expression' | 'sort';
  readonly async: boolean;
  readonly params: string;
  /** Wrapper text before the user's code: it ends with a line break, so the code starts at line 2, column 1. */
  readonly before: string;
  /** Wrapper text after the user's code: it starts with a line break, so a trailing `//` comment ends there. */
  readonly after: string;
}

/** A Code node: `return`, `await`, `$input.all()`, … */
export const CODE: FunctionShape = {
  kind: 'code',
  async: true,
  params: PARAMS,
  before: " 'use strict';\n",
  after: '\n',
};

/** A Code node with n8n's `items` / `item` / `getBinaryData` (see codeShapeFor). */
export const LEGACY_CODE: FunctionShape = { ...CODE, kind: 'legacy-code', params: CODE_PARAMS };

/**
 * n8n's Function and Function Item nodes see n8n's data proxy, which has no
 * `$if` or `$ifEmpty` (helpers of expressions only): those parameters get
 * names of their own, so the code's `$ifEmpty` is a free name, not defined.
 */
const withoutExpressionHelpers = (shape: FunctionShape, kind: FunctionShape['kind']): FunctionShape => ({
  ...shape,
  kind,
  params: shape.params.replace('$if, $ifEmpty,', 'weft$if, weft$ifEmpty,'),
});
const FUNCTION = withoutExpressionHelpers(CODE, 'function');
const LEGACY_FUNCTION = withoutExpressionHelpers(LEGACY_CODE, 'legacy-function');

/** The shape of a Code node's code, or (`legacyFunction`) of n8n's Function / Function Item code it runs as. */
export const codeShapeFor = (code: string, legacyFunction = false): FunctionShape => {
  const shape = plainCodeShapeFor(code);
  if (!legacyFunction) return shape;
  return shape === CODE ? FUNCTION : LEGACY_FUNCTION;
};

/**
 * The Code node's shape for `code`: with the legacy `items` and `item`
 * parameters, unless the code declares either with let, const or class at
 * its top level (a parameter of the same name would make that a syntax
 * error; n8n's own runner lets such code shadow them).
 */
const plainCodeShapeFor = (code: string): FunctionShape => {
  let program: Node;
  try {
    program = parse(`(async function () {\n${code}\n})`, { ecmaVersion: 'latest', sourceType: 'script' });
  } catch {
    return LEGACY_CODE;
  }
  const fn = nodeAt(program, 1, 'FunctionExpression') as unknown as { body?: { body?: Node[] } } | undefined;
  const declared = new Set<string>();
  for (const statement of fn?.body?.body ?? []) {
    if (statement.type === 'VariableDeclaration' && (statement as Node & { kind: string }).kind !== 'var') {
      for (const d of (statement as Node & { declarations: { id: Node }[] }).declarations) namesIn(d.id, declared);
    } else if (statement.type === 'ClassDeclaration') {
      const id = (statement as Node & { id?: { name?: string } }).id;
      if (id?.name) declared.add(id.name);
    }
  }
  return declared.has('items') || declared.has('item') || declared.has('getBinaryData') ? CODE : LEGACY_CODE;
};

/** The names a binding pattern declares. */
const namesIn = (pattern: Node, out: Set<string>): void => {
  const p = pattern as Node & {
    name?: string;
    properties?: ({ value?: Node; argument?: Node } & Node)[];
    elements?: (Node | null)[];
    argument?: Node;
    left?: Node;
  };
  if (p.type === 'Identifier' && p.name) out.add(p.name);
  else if (p.type === 'ObjectPattern') {
    for (const prop of p.properties ?? [])
      namesIn(prop.type === 'RestElement' ? (prop.argument as Node) : (prop.value as Node), out);
  } else if (p.type === 'ArrayPattern') {
    for (const e of p.elements ?? []) if (e) namesIn(e, out);
  } else if (p.type === 'RestElement' && p.argument) namesIn(p.argument, out);
  else if (p.type === 'AssignmentPattern' && p.left) namesIn(p.left, out);
};

/** One `{{ }}`: a single expression, whose value the function returns. */
export const EXPRESSION: FunctionShape = {
  kind: 'expression',
  async: false,
  params: PARAMS,
  before: " 'use strict'; return (\n",
  after: '\n); ',
};

/** Sort's comparison code over `a` and `b`; strict, like the rest, so it cannot reach itself through `arguments.callee`. */
export const SORT: FunctionShape = {
  kind: 'sort',
  async: false,
  params: 'a, b',
  before: " 'use strict';\n",
  after: '\n',
};

export interface FunctionSources {
  /** What QuickJS evaluates: one parenthesized function expression. */
  source: string;
  /** The same function as a declaration named `weft$body`, for the driver's `verify`. */
  declaration: string;
}

/** Where a host-side syntax error is, in the wrapper's lines (1-based) and columns (1-based), as QuickJS counts. */
export class SourceSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'SyntaxError';
  }
}

const functionText = (shape: FunctionShape, name: string, code: string): string =>
  `${shape.async ? 'async ' : ''}function ${name}(${shape.params}) {${shape.before}${code}${shape.after}}`;

/** `code` in its wrapper; nothing checked yet (see hostRefusal and the driver's `verify`). */
export const functionSources = (shape: FunctionShape, code: string): FunctionSources => ({
  source: `(${functionText(shape, '', code)})`,
  declaration: functionText(shape, 'weft$body', code),
});

/**
 * Why the host parser refuses `source` (made by functionSources): a syntax
 * error, or code that is more than one function body (or one expression);
 * undefined when it is exactly that.
 */
export const hostRefusal = (shape: FunctionShape, source: string): SourceSyntaxError | undefined => {
  let program: Node;
  try {
    // A script, as QuickJS compiles it: HTML-like comments (`<!--`, `-->`) are comments to both parsers.
    program = parse(source, { ecmaVersion: 'latest', sourceType: 'script', preserveParens: true });
  } catch (e) {
    return hostError(e, source);
  }
  const opening = source.indexOf('{') + shape.before.length + 1;
  // The function must end at the wrapper's last "}", and an expression at the wrapper's ")".
  const fn = nodeAt(program, 1, 'FunctionExpression');
  const end = source.length - 1;
  if (shape.kind === 'expression') {
    const paren = nodeAt(program, opening - 2, 'ParenthesizedExpression');
    const closing = end - shape.after.length + 1;
    if (!paren || paren.end !== closing) {
      return early(source, paren ? paren.end - 1 : opening, 'the expression must be one expression');
    }
  }
  if (!fn || fn.end !== end)
    return early(source, fn ? fn.end - 1 : opening, 'it would end the function the code runs in');
  return undefined;
};

/** The node of `type` starting at `pos`, found by descending through the nodes that contain `pos`. */
const nodeAt = (node: Node, pos: number, type: string): Node | undefined => {
  if (node.start === pos && node.type === type) return node;
  for (const value of Object.values(node) as unknown[]) {
    for (const child of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (isNode(child) && child.start <= pos && pos < child.end) return nodeAt(child, pos, type);
    }
  }
  return undefined;
};

const isNode = (v: unknown): v is Node =>
  typeof v === 'object' && v !== null && 'type' in v && 'start' in v && 'end' in v && typeof v.start === 'number';

/** The user's "}" or ")" that ends the function (or the expression) before the wrapper does. */
const early = (source: string, at: number, why: string): SourceSyntaxError => {
  const { line, column } = getLineInfo(source, at);
  return new SourceSyntaxError(`Unexpected "${source[at] ?? ''}": ${why}`, line, column + 1);
};

/** acorn's error, with its "(line:column)" suffix moved into the position. */
const hostError = (e: unknown, source: string): SourceSyntaxError => {
  if (e instanceof SyntaxError && 'pos' in e && typeof e.pos === 'number') {
    const { line, column } = getLineInfo(source, e.pos);
    return new SourceSyntaxError(e.message.replace(/ \(\d+:\d+\)$/, ''), line, column + 1);
  }
  // Not a parse error of the code (acorn itself failed): still nothing QuickJS may compile.
  return new SourceSyntaxError(e instanceof Error ? e.message : String(e), 1, 1);
};
