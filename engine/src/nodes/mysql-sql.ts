import mysql from 'mysql2/promise';

/**
 * The SQL text of n8n's MySQL node 2.5 (v2 helpers/utils.ts), with every
 * value a `?` the server binds (prepared statements) and every name quoted
 * by mysql2's escapeId, never formatted into the text.
 */

/**
 * A table or column name as n8n's escapeSqlIdentifier reads it: parts split at
 * dots, a part already in backticks taken as it stands; each part quoted by
 * escapeId (backticks in it doubled).
 */
export const escapeName = (name: string): string =>
  (name.match(/(`[^`]*`|[^.`]+)/g) ?? [])
    .map((part) => {
      const trimmed = part.trim();
      const bare = trimmed.startsWith('`') && trimmed.endsWith('`') ? trimmed.slice(1, -1) : trimmed;
      return mysql.escapeId(bare, true);
    })
    .join('.');

/** n8n's splitQueryToStatements (2.4 and later): at `;` outside single-quoted strings. */
const END_OF_STATEMENT = /;(?=(?:[^'\\]|'[^']*?'|\\[\s\S])*?$)/g;

export const splitStatements = (query: string, filterOutEmpty = true): string[] => {
  const statements = query.split(END_OF_STATEMENT).map((s) => s.trim());
  return filterOutEmpty ? statements.filter((s) => s !== '') : statements;
};

/** n8n's isInsideQuotes: an odd number of ' or " before the index. */
const insideQuotes = (query: string, index: number): boolean => {
  const before = query.slice(0, index);
  return (before.match(/'/g) ?? []).length % 2 !== 0 || (before.match(/"/g) ?? []).length % 2 !== 0;
};

export interface Prepared {
  sql: string;
  values: unknown[];
}

/**
 * n8n's prepareSafeQuery (2.5): `$n` outside quotes becomes `?` bound to the
 * n-th replacement, `$n:name` the n-th replacement as a quoted name; a `$n`
 * with no replacement fails. Values follow the placeholders' order in the
 * text (n8n orders them by number, which binds `$2, $1` the wrong way round).
 */
export const prepareQuery = (query: string, replacements: readonly unknown[]): Prepared => {
  const values: unknown[] = [];
  let sql = '';
  let last = 0;
  for (const m of query.matchAll(/\$(\d+)(?::name)?/g)) {
    const at = m.index;
    if (insideQuotes(query, at)) continue;
    const n = Number(m[1]) - 1;
    if (n < 0 || n >= replacements.length)
      throw new Error(`Parameter $${m[1]} referenced in query but no replacement value provided at index ${n + 1}`);
    const replacement = replacements[n];
    sql += query.slice(last, at);
    if (m[0].endsWith(':name')) sql += escapeName(String(replacement));
    else {
      sql += '?';
      values.push(replacement);
    }
    last = at + m[0].length;
  }
  return { sql: sql + query.slice(last), values };
};

/** How many `?` placeholders a statement holds outside strings, quoted names and comments. */
export const placeholderCount = (statement: string): number => {
  let count = 0;
  let i = 0;
  while (i < statement.length) {
    const c = statement[i];
    if (c === "'" || c === '"' || c === '`') {
      i++;
      while (i < statement.length && statement[i] !== c) i += statement[i] === '\\' && c !== '`' ? 2 : 1;
      i++;
    } else if (c === '-' && statement[i + 1] === '-') {
      const end = statement.indexOf('\n', i);
      i = end === -1 ? statement.length : end;
    } else if (c === '#') {
      const end = statement.indexOf('\n', i);
      i = end === -1 ? statement.length : end;
    } else if (c === '/' && statement[i + 1] === '*') {
      const end = statement.indexOf('*/', i + 2);
      i = end === -1 ? statement.length : end + 2;
    } else {
      if (c === '?') count++;
      i++;
    }
  }
  return count;
};

/** n8n's test for "every statement is a SELECT" (no item, rather than `{ success: true }`, for no rows). */
export const allSelects = (statements: readonly string[]): boolean =>
  statements
    .filter((s) => !s.startsWith('--'))
    .every((s) =>
      s
        .replace(/\/\*.*?\*\//g, '')
        .replace(/\n/g, '')
        .toLowerCase()
        .startsWith('select'),
    );
