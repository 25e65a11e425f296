/**
 * The expression that reads a field of a run's items, as dragging the field
 * onto a parameter writes it: `$json.customer.email` when the field comes from
 * the node's own input, `$('Node').item.json.customer.email` from an earlier
 * node (paired items pick the right one, as in n8n). Keys that are not
 * identifiers are written `['first name']`, array positions `[0]`.
 */

export type FieldPath = readonly (string | number)[];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** One path step in JavaScript syntax, quoted safely (the key is anyone's text). */
const step = (key: string | number): string => {
  if (typeof key === 'number') return `[${key}]`;
  if (IDENTIFIER.test(key)) return `.${key}`;
  return `[${quote(key)}]`;
};

/**
 * A string literal in single quotes, as n8n writes them. Quotes, backslashes and line ends are escaped, and so
 * are braces: a `}}` inside the literal would end the template's `{{ }}` early.
 */
const quote = (text: string): string =>
  `'${text.replace(/[\\'\n\r\u2028\u2029{}]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;

export const pathExpression = (path: FieldPath, from: { node: string; ownInput: boolean }): string => {
  const tail = path.map(step).join('');
  return from.ownInput ? `$json${tail}` : `$(${quote(from.node)}).item.json${tail}`;
};

/** The expression wrapped as a template segment, to insert into text. */
export const pathTemplate = (path: FieldPath, from: { node: string; ownInput: boolean }): string =>
  `{{ ${pathExpression(path, from)} }}`;
