import { EXTENSION_NAMES } from '#shared/expressions/extensions/names.ts';
import type { FieldPath } from '#shared/expressions/path-expr.ts';
import type { SchemaField } from '#shared/runs/infer-schema.ts';

/**
 * What the expression editor offers at the cursor, worked out from the text
 * before it: the roots (`$json`, `$('`…), node names after `$('`, a node
 * accessor's members, field names the last run had after `$json.`, Luxon's
 * methods after a date, n8n's extension functions after a value of known type.
 * Pure text work: the CodeMirror source (expression-editor.ts) maps it onto
 * completions.
 */

export interface CompletionData {
  /** Names of the nodes before this one (what `$('…')` may name). */
  upstream: readonly string[];
  /** The fields of this node's input in the run on screen. */
  fields: readonly SchemaField[];
}

export interface Offer {
  label: string;
  /** What is inserted (the label when absent). */
  apply?: string;
  detail?: string;
  type: 'variable' | 'function' | 'property' | 'method' | 'constant';
}

export interface Offers {
  /** Where in the text the typed word being completed starts. */
  from: number;
  options: Offer[];
}

const ROOTS: Offer[] = [
  { label: '$json', detail: 'the current item', type: 'variable' },
  { label: '$input', detail: 'all input items: .all(), .first(), .item', type: 'variable' },
  { label: "$('", apply: "$('", detail: 'another node’s items', type: 'function' },
  { label: '$node', detail: "legacy: $node['Name'].json", type: 'variable' },
  { label: '$now', detail: 'the current time (Luxon DateTime)', type: 'variable' },
  { label: '$today', detail: 'midnight today (Luxon DateTime)', type: 'variable' },
  { label: '$workflow', detail: 'id, name, active', type: 'variable' },
  { label: '$execution', detail: 'id, mode', type: 'variable' },
  { label: '$runIndex', detail: 'how often this node ran before', type: 'variable' },
  { label: '$itemIndex', detail: 'the position of the current item', type: 'variable' },
  { label: '$jmespath', apply: '$jmespath(', detail: '$jmespath(object, query)', type: 'function' },
  { label: '$if', apply: '$if(', detail: '$if(condition, then, else)', type: 'function' },
  { label: '$ifEmpty', apply: '$ifEmpty(', detail: '$ifEmpty(value, fallback)', type: 'function' },
  { label: 'DateTime', detail: 'Luxon', type: 'variable' },
];

const ACCESSOR: Offer[] = [
  { label: 'item', detail: 'the item paired with the current one', type: 'property' },
  { label: 'first()', apply: 'first()', detail: 'its first item', type: 'method' },
  { label: 'last()', apply: 'last()', detail: 'its last item', type: 'method' },
  { label: 'all()', apply: 'all()', detail: 'all its items', type: 'method' },
  { label: 'params', detail: 'its parameters', type: 'property' },
  { label: 'itemMatching()', apply: 'itemMatching(', detail: 'the item paired with input item i', type: 'method' },
];

const INPUT: Offer[] = [
  { label: 'item', detail: 'the current item', type: 'property' },
  { label: 'first()', apply: 'first()', type: 'method' },
  { label: 'last()', apply: 'last()', type: 'method' },
  { label: 'all()', apply: 'all()', type: 'method' },
  { label: 'params', type: 'property' },
];

/** Luxon DateTime's members people reach for (the full list is in Luxon's docs). */
const LUXON = [
  'plus',
  'minus',
  'set',
  'setZone',
  'startOf',
  'endOf',
  'toFormat',
  'toISO',
  'toISODate',
  'toISOTime',
  'toMillis',
  'toSeconds',
  'toUnixInteger',
  'toLocaleString',
  'toRelative',
  'toUTC',
  'toLocal',
  'diff',
  'diffNow',
  'hasSame',
  'equals',
  'weekday',
  'year',
  'month',
  'day',
  'hour',
  'minute',
  'second',
  'millisecond',
  'quarter',
  'weekNumber',
  'daysInMonth',
  'offset',
  'zoneName',
  'isValid',
];
const METHOD_LIKE = /^(plus|minus|set|setZone|startOf|endOf|to[A-Z]\w*|diff\w*|hasSame|equals)$/;

const members = (names: readonly string[], detail: string): Offer[] =>
  names.map((name) =>
    METHOD_LIKE.test(name)
      ? { label: `${name}()`, apply: `${name}(`, detail, type: 'method' }
      : { label: name, detail, type: 'property' },
  );

const extensions = (kind: keyof typeof EXTENSION_NAMES): Offer[] =>
  [...new Set(EXTENSION_NAMES[kind])].map((name) => ({
    label: `${name}()`,
    apply: `${name}(`,
    detail: `n8n ${kind} function`,
    type: 'method',
  }));

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** The schema fields at `path` (children of the field it names; the top level for []). */
const fieldsAt = (fields: readonly SchemaField[], path: FieldPath): readonly SchemaField[] | undefined => {
  let level = fields;
  for (const key of path) {
    const found = level.find((f) => f.path[f.path.length - 1] === key);
    if (!found) return undefined;
    level = found.children;
  }
  return level;
};

const fieldAt = (fields: readonly SchemaField[], path: FieldPath): SchemaField | undefined => {
  const parent = fieldsAt(fields, path.slice(0, -1));
  const last = path[path.length - 1];
  return parent?.find((f) => f.path[f.path.length - 1] === last);
};

/** `.a.b[0]` as a path. */
const parsePath = (text: string): FieldPath => {
  const out: (string | number)[] = [];
  for (const m of text.matchAll(/\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[['"]([^'"]*)['"]\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(m[3]);
  }
  return out;
};

const PATH = String.raw`((?:\.[A-Za-z_$][\w$]*|\[\d+\]|\[['"][^'"]*['"]\])*)`;
const JSON_READ = new RegExp(String.raw`(?:\$json|\.json)${PATH}\.([\w$]*)$`);
const ACCESSOR_READ = /\$\(\s*(['"])(?:(?!\1).)*\1\s*\)\.([\w$]*)$/;
const NODE_NAME = /\$\(\s*(['"])([^'"]*)$/;
const DATE_READ =
  /(?:\$now|\$today|DateTime\.\w+\([^()]*\)|\.(?:plus|minus|set|setZone|startOf|endOf|toUTC|toLocal)\([^()]*\))\.([\w$]*)$/;
const STRING_READ = /(['"`])\.([\w$]*)$/;
const ROOT = /(\$[\w$]*|DateTime|Date\w*)$/;

/**
 * The offers for `before`, the expression's text up to the cursor (inside one
 * `{{ }}`), or null when there is nothing to offer.
 */
export const offersAt = (before: string, data: CompletionData): Offers | null => {
  const end = before.length;
  let m = NODE_NAME.exec(before);
  if (m) {
    const quote = m[1] ?? "'";
    const typed = m[2] ?? '';
    return {
      from: end - typed.length,
      options: data.upstream.map((name) => ({
        label: name,
        apply: `${name.replaceAll(quote, `\\${quote}`)}${quote})`,
        detail: 'node',
        type: 'constant',
      })),
    };
  }
  m = ACCESSOR_READ.exec(before);
  if (m) return { from: end - (m[2] ?? '').length, options: ACCESSOR };
  m = /\$input\.([\w$]*)$/.exec(before);
  if (m) return { from: end - (m[1] ?? '').length, options: INPUT };
  m = JSON_READ.exec(before);
  if (m) {
    const typed = m[2] ?? '';
    const path = parsePath(m[1] ?? '');
    const level = fieldsAt(data.fields, path);
    const options: Offer[] = (level ?? []).flatMap((f) => {
      const key = f.path[f.path.length - 1];
      if (typeof key !== 'string' || !IDENT.test(key)) return [];
      return [{ label: key, detail: f.example !== undefined ? `${f.type} · ${f.example}` : f.type, type: 'property' }];
    });
    // After a field of known type, that type's n8n functions too.
    const field = path.length > 0 ? fieldAt(data.fields, path) : undefined;
    if (field && (field.type === 'string' || field.type === 'number' || field.type === 'boolean'))
      options.push(...extensions(field.type));
    if (field?.type === 'array') options.push(...extensions('array'));
    if (field?.type === 'object' || path.length === 0) options.push(...extensions('object'));
    return options.length > 0 ? { from: end - typed.length, options } : null;
  }
  m = DATE_READ.exec(before);
  if (m) return { from: end - (m[1] ?? '').length, options: [...members(LUXON, 'Luxon'), ...extensions('date')] };
  m = STRING_READ.exec(before);
  if (m) return { from: end - (m[2] ?? '').length, options: extensions('string') };
  m = ROOT.exec(before);
  if (m) return { from: end - (m[1] ?? '').length, options: ROOTS };
  return null;
};

/**
 * The text of the `{{ }}` the cursor is in, up to the cursor, or null when it
 * is outside every `{{ }}` (or the value is not an expression).
 */
export const expressionBefore = (doc: string, cursor: number): { text: string; start: number } | null => {
  if (!doc.startsWith('=')) return null;
  const head = doc.slice(0, cursor);
  const open = head.lastIndexOf('{{');
  if (open < 0 || head.indexOf('}}', open) >= 0) return null;
  return { text: head.slice(open + 2), start: open + 2 };
};
