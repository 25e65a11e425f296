import { parseExpressionAt, type Node } from 'acorn';

/**
 * In n8n a name an expression does not declare is read from the evaluation's
 * data: its evaluator (Tournament) turns `foo` into
 * `("foo" in this ? this : global).foo`, and n8n's data proxy answers true to
 * every `in`, so a name n8n does not define is undefined — `{{ { v: foo } }}`
 * gives `{ v: undefined }` — where a strict function throws a ReferenceError
 * (which would make the whole expression undefined).
 *
 * Weft's expression is a strict function (function-source.ts), so before it
 * is compiled each free name that is not one of its parameters (`$json`, …)
 * or a global every context has becomes
 * `(typeof foo === "undefined" ? void 0 : foo)`: undefined when nothing is
 * called that, and otherwise exactly what it was. Nothing new is reachable —
 * the rewritten code reads only what the original could — and names the
 * expression declares itself (arrow parameters, `const` in a function body,
 * catch parameters, class names) are left alone, as are assignment targets
 * (n8n would write them into its data; here they stay a strict-mode error).
 * The few names n8n's data answers otherwise (`min`, `$position`, `console`, …:
 * N8N_NAMES) become what n8n gives.
 */

/**
 * Standard globals every context has (nothing to guard), and `eval`: guarded it would no longer be a direct eval,
 * which sees the expression's parameters.
 */
const KNOWN = new Set([
  'eval',
  'undefined',
  'NaN',
  'Infinity',
  'Math',
  'JSON',
  'Object',
  'Array',
  'String',
  'Number',
  'Boolean',
  'Date',
  'RegExp',
  'Error',
  'TypeError',
  'Symbol',
  'Map',
  'Set',
  'parseInt',
  'parseFloat',
  // Tournament's exempt list: these stay the real globals in n8n too (not its data's Number.isNaN).
  'isNaN',
  'isFinite',
  'encodeURIComponent',
  'decodeURIComponent',
  'encodeURI',
  'decodeURI',
  'DateTime',
  'Duration',
  'Interval',
]);

export const isNode = (v: unknown): v is Node =>
  typeof v === 'object' && v !== null && typeof (v as Node).type === 'string' && typeof (v as Node).start === 'number';

/** A node's child nodes, as acorn's fields hold them (also the extension rewrite's walk). */
export const childrenOf = (node: Node): Node[] => {
  const out: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'loc') continue;
    if (Array.isArray(value)) for (const v of value as unknown[]) if (isNode(v)) out.push(v);
    if (isNode(value)) out.push(value);
  }
  return out;
};

type AnyNode = Node & Record<string, unknown>;
const FUNCTION = new Set(['FunctionExpression', 'FunctionDeclaration', 'ArrowFunctionExpression']);
const sub = (node: Node, key: string): Node | undefined => {
  const v = (node as AnyNode)[key];
  return isNode(v) ? v : undefined;
};
const subs = (node: Node, key: string): Node[] => {
  const v = (node as AnyNode)[key];
  return Array.isArray(v) ? (v as unknown[]).filter(isNode) : [];
};

/** The names a binding pattern binds. */
const bindingNames = (pattern: Node | undefined, out: Set<string>): void => {
  if (!pattern) return;
  switch (pattern.type) {
    case 'Identifier':
      out.add(String((pattern as AnyNode).name));
      break;
    case 'ObjectPattern':
      for (const p of subs(pattern, 'properties'))
        bindingNames(p.type === 'RestElement' ? sub(p, 'argument') : sub(p, 'value'), out);
      break;
    case 'ArrayPattern':
      for (const e of subs(pattern, 'elements')) bindingNames(e, out);
      break;
    case 'RestElement':
      bindingNames(sub(pattern, 'argument'), out);
      break;
    case 'AssignmentPattern':
      bindingNames(sub(pattern, 'left'), out);
      break;
  }
};

/**
 * Every name declared inside a function's body (var, let, const, function and
 * class declarations, catch parameters), not looking into nested functions:
 * wider than JavaScript's block scopes, which only means a few names are left
 * as they were.
 */
const declarationsIn = (node: Node, out: Set<string>): void => {
  for (const child of childrenOf(node)) {
    if (child.type === 'VariableDeclarator') bindingNames(sub(child, 'id'), out);
    else if (child.type === 'FunctionDeclaration' || child.type === 'ClassDeclaration') {
      const id = sub(child, 'id');
      if (id) bindingNames(id, out);
    } else if (child.type === 'CatchClause') bindingNames(sub(child, 'param'), out);
    if (!FUNCTION.has(child.type)) declarationsIn(child, out);
  }
};

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * Names n8n's data answers otherwise than a context's globals, or that only n8n has: `min`, `max` and `not`
 * are its extended functions (with `$` aliases), a few old names of what Weft's expressions call otherwise,
 * and `console`, which its data lacks.
 */
const N8N_NAMES: Readonly<Record<string, string>> = {
  min: 'Math.min',
  $min: 'Math.min',
  max: 'Math.max',
  $max: 'Math.max',
  not: '((value) => !value)',
  $not: '((value) => !value)',
  $data: '$json',
  $position: '$itemIndex',
  $thisItemIndex: '$itemIndex',
  $thisRunIndex: '$runIndex',
  $jmesPath: '$jmespath',
  // n8n's data has no console: what an expression prints goes nowhere in Weft either.
  console: '(void 0)',
  // Outside a function of its own, n8n reads it from its data too (nothing); here it would be the wrapper's arguments.
  arguments: '(void 0)',
};

const guarded = (name: string): string =>
  Object.prototype.hasOwnProperty.call(N8N_NAMES, name)
    ? (N8N_NAMES[name] as string)
    : `(typeof ${name} === "undefined" ? void 0 : ${name})`;

/** The expression with its free names guarded, or the same text when there is none (or it does not parse). */
export const guardFreeNames = (code: string, known: ReadonlySet<string>): string => {
  let root: Node;
  try {
    root = parseExpressionAt(code, 0, { ecmaVersion: 'latest', sourceType: 'script', preserveParens: true });
  } catch {
    return code;
  }
  const rest = code.slice(root.end).replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
  if (rest.trim() !== '') return code;

  const edits: Edit[] = [];
  const scopes: ReadonlySet<string>[] = [];
  const free = (name: string): boolean => !known.has(name) && !KNOWN.has(name) && !scopes.some((s) => s.has(name));

  const reference = (id: Node): void => {
    const name = String((id as AnyNode).name);
    if (free(name)) edits.push({ start: id.start, end: id.end, text: guarded(name) });
  };

  /** A binding or assignment target: its names are not read, but defaults and computed keys are. */
  const target = (p: Node | undefined): void => {
    if (!p) return;
    switch (p.type) {
      case 'Identifier':
        return;
      case 'ObjectPattern':
        for (const prop of subs(p, 'properties')) {
          if (prop.type === 'RestElement') target(sub(prop, 'argument'));
          else {
            if ((prop as AnyNode).computed) visit(sub(prop, 'key'));
            target(sub(prop, 'value'));
          }
        }
        return;
      case 'ArrayPattern':
        for (const e of subs(p, 'elements')) target(e);
        return;
      case 'RestElement':
        target(sub(p, 'argument'));
        return;
      case 'AssignmentPattern':
        target(sub(p, 'left'));
        visit(sub(p, 'right'));
        return;
      default:
        visit(p);
    }
  };

  const visit = (node: Node | undefined): void => {
    if (!node) return;
    const n = node as AnyNode;
    switch (node.type) {
      case 'Identifier':
        reference(node);
        return;
      case 'MemberExpression':
        visit(sub(node, 'object'));
        if (n.computed) visit(sub(node, 'property'));
        return;
      case 'Property': {
        if (n.computed) visit(sub(node, 'key'));
        const value = sub(node, 'value');
        if (n.shorthand && value?.type === 'Identifier') {
          const name = String((value as AnyNode).name);
          if (free(name)) edits.push({ start: node.start, end: node.end, text: `${name}: ${guarded(name)}` });
          return;
        }
        visit(value);
        return;
      }
      case 'MethodDefinition':
      case 'PropertyDefinition':
        if (n.computed) visit(sub(node, 'key'));
        visit(sub(node, 'value'));
        return;
      case 'FunctionExpression':
      case 'FunctionDeclaration':
      case 'ArrowFunctionExpression': {
        const names = new Set<string>();
        if (node.type !== 'ArrowFunctionExpression') names.add('arguments');
        if (node.type === 'FunctionExpression') bindingNames(sub(node, 'id'), names);
        for (const p of subs(node, 'params')) bindingNames(p, names);
        const body = sub(node, 'body');
        if (body) declarationsIn(body, names);
        scopes.push(names);
        for (const p of subs(node, 'params')) target(p);
        visit(body);
        scopes.pop();
        return;
      }
      case 'ClassExpression':
      case 'ClassDeclaration': {
        const names = new Set<string>();
        bindingNames(sub(node, 'id'), names);
        scopes.push(names);
        visit(sub(node, 'superClass'));
        visit(sub(node, 'body'));
        scopes.pop();
        return;
      }
      case 'VariableDeclarator':
        target(sub(node, 'id'));
        visit(sub(node, 'init'));
        return;
      case 'AssignmentExpression':
        target(sub(node, 'left'));
        visit(sub(node, 'right'));
        return;
      case 'UpdateExpression':
        target(sub(node, 'argument'));
        return;
      case 'ForInStatement':
      case 'ForOfStatement': {
        const left = sub(node, 'left');
        if (left?.type === 'VariableDeclaration') visit(left);
        else target(left);
        visit(sub(node, 'right'));
        visit(sub(node, 'body'));
        return;
      }
      case 'CatchClause': {
        const names = new Set<string>();
        bindingNames(sub(node, 'param'), names);
        scopes.push(names);
        target(sub(node, 'param'));
        visit(sub(node, 'body'));
        scopes.pop();
        return;
      }
      case 'LabeledStatement':
        visit(sub(node, 'body'));
        return;
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'MetaProperty':
        return;
      default:
        for (const child of childrenOf(node)) visit(child);
    }
  };

  visit(root);
  if (edits.length === 0) return code;
  edits.sort((a, b) => b.start - a.start);
  let out = code;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
};
