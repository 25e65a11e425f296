import { parse } from 'acorn';

/**
 * n8n runs Sort's comparison code in sloppy mode, where assigning a name
 * nobody declared makes a global: n8n's own default code starts with
 * `fieldName = 'myField';`. Weft's sandbox runs it strict (and a global
 * would outlive the run in the context every workflow shares), so such
 * names are declared as locals of the comparison instead: `var fieldName;`
 * in front of the code, on its first line so error lines stay right. Code
 * that does not parse is left as it is (the sandbox reports the error).
 */

type AstNode = { type: string } & Record<string, unknown>;

const isNode = (value: unknown): value is AstNode =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';

const children = (node: AstNode): AstNode[] =>
  Object.values(node).flatMap((v) => (Array.isArray(v) ? v.filter(isNode) : isNode(v) ? [v] : []));

const list = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);

/** Names a binding pattern declares: `x`, `{ a, b: [c] }`, `...rest`, `d = 1`. */
const patternNames = (node: unknown, out: Set<string>): void => {
  if (!isNode(node)) return;
  if (node.type === 'Identifier') out.add(String(node.name));
  else if (node.type === 'ObjectPattern')
    for (const p of list(node.properties)) patternNames(isNode(p) ? (p.value ?? p.argument) : p, out);
  else if (node.type === 'ArrayPattern') for (const e of list(node.elements)) patternNames(e, out);
  else if (node.type === 'RestElement') patternNames(node.argument, out);
  else if (node.type === 'AssignmentPattern') patternNames(node.left, out);
};

/** `params`: the names the code's function takes (Sort's `a` and `b`); they are declared already. */
export const declareImplicitGlobals = (code: string, params: readonly string[] = ['a', 'b']): string => {
  let program;
  try {
    program = parse(`(async function (${params.join(', ')}) {\n${code}\n})`, {
      ecmaVersion: 'latest',
      sourceType: 'script',
    });
  } catch {
    return code;
  }
  // Strict mode cannot declare arguments or eval: code assigning them fails there as it is.
  const declared = new Set<string>([...params, 'arguments', 'eval', 'undefined', 'NaN', 'Infinity']);
  const assigned = new Set<string>();
  const visit = (node: AstNode): void => {
    switch (node.type) {
      case 'VariableDeclarator':
        patternNames(node.id, declared);
        break;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'ClassDeclaration':
        if (node.id) patternNames(node.id, declared);
        for (const param of list(node.params)) patternNames(param, declared);
        break;
      case 'CatchClause':
        patternNames(node.param, declared);
        break;
      case 'AssignmentExpression':
      case 'ForInStatement':
      case 'ForOfStatement': {
        const target = node.type === 'AssignmentExpression' ? node.left : node.left;
        if (isNode(target) && target.type !== 'VariableDeclaration') patternNames(target, assigned);
        break;
      }
      case 'UpdateExpression':
        if (isNode(node.argument) && node.argument.type === 'Identifier') assigned.add(String(node.argument.name));
        break;
    }
    for (const c of children(node)) visit(c);
  };
  visit(program as unknown as AstNode);
  const implicit = [...assigned].filter((name) => !declared.has(name));
  return implicit.length === 0 ? code : `var ${implicit.join(', ')}; ${code}`;
};
