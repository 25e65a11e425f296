/**
 * Parameter values that start with "=" are expressions: `={{ $json.total }}`
 * keeps the value's type; `=Hello {{ $json.name }}!` is text with the values
 * put in. Braces inside an expression (`{{ { a: 1 } }}`) and "}}" inside
 * string literals do not end it.
 */

export type Segment = { text: string } | { code: string; offset: number };

export const isExpression = (value: unknown): value is string => typeof value === 'string' && value.startsWith('=');

/** Where the expression's code ends: the "}}" that closes it, outside strings and nested braces. */
const closeOf = (source: string, from: number): number => {
  let depth = 0;
  let quote: string | null = null;
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0 && source[i + 1] === '}') return i;
      depth = Math.max(0, depth - 1);
    }
  }
  return -1;
};

export class TemplateError extends Error {}

/** Splits an expression (without its leading "=") into text and code. */
export const parseTemplate = (expression: string): Segment[] => {
  const segments: Segment[] = [];
  let at = 0;
  while (at < expression.length) {
    const open = expression.indexOf('{{', at);
    if (open === -1) {
      segments.push({ text: expression.slice(at) });
      break;
    }
    if (open > at) segments.push({ text: expression.slice(at, open) });
    const close = closeOf(expression, open + 2);
    if (close === -1) throw new TemplateError(`"{{" at ${open + 1} is never closed with "}}"`);
    segments.push({ code: expression.slice(open + 2, close), offset: open + 2 });
    at = close + 2;
  }
  return segments;
};

/** The names a template reads with `$('Name')`, `$node['Name']`, `$node.Name` or `$items('Name')`: those outputs are sent along with it. */
export const referencedNodes = (code: string): string[] => {
  const names = new Set<string>();
  for (const m of code.matchAll(
    /(?:\$|\$items)\(\s*(['"`])((?:\\.|(?!\1).)*)\1|\$node\s*\[\s*(['"`])((?:\\.|(?!\3).)*)\3/g,
  ))
    names.add((m[2] ?? m[4] ?? '').replace(/\\(.)/g, '$1'));
  for (const m of code.matchAll(/\$node\s*\.\s*([A-Za-z_$][\w$]*)/g)) names.add(m[1] ?? '');
  return [...names];
};

/** Whether code may ask for paired items (`$('Name').item`, `.itemMatching(i)`, `.pairedItem()`): only then are they worked out. */
export const readsPairedItems = (code: string): boolean => /\.\s*(?:item|itemMatching|pairedItem)\b/.test(code);

/** Whether code may read a node's parameters or context (`$node['Name'].parameter`, `$('Name').params`, `.context`): only then are they sent. */
export const readsParameters = (code: string): boolean => /\.\s*(?:parameter|params)\b/.test(code);
