/**
 * n8n's isSelectQuery (Postgres v2 helpers/utils.ts), which decides whether a
 * query that returned no rows gives no item (every statement a SELECT) or
 * one `{ success: true }`: comments and string literals are taken out first
 * so that neither a `;` nor a keyword inside them counts.
 */

const isEStringPrefix = (query: string, quote: number): boolean => {
  if (quote === 0) return false;
  const prev = query[quote - 1];
  if (prev !== 'E' && prev !== 'e') return false;
  if (quote === 1) return true;
  return !/[A-Za-z0-9_]/.test(query[quote - 2] ?? '');
};

const stripStringsAndComments = (query: string): string => {
  const len = query.length;
  let out = '';
  let i = 0;
  while (i < len) {
    const c = query[i];
    const next = query[i + 1];
    if (c === '/' && next === '*') {
      const end = query.indexOf('*/', i + 2);
      i = end === -1 ? len : end + 2;
      out += ' ';
    } else if (c === '-' && next === '-') {
      const newline = query.indexOf('\n', i + 2);
      i = newline === -1 ? len : newline;
      out += ' ';
    } else if (c === "'") {
      const backslashEscapes = isEStringPrefix(query, i);
      i++;
      while (i < len) {
        if (backslashEscapes && query[i] === '\\' && i + 1 < len) i += 2;
        else if (query[i] === "'") {
          if (query[i + 1] === "'") i += 2;
          else {
            i++;
            break;
          }
        } else i++;
      }
      out += "''";
    } else if (c === '"') {
      i++;
      while (i < len && query[i] !== '"') i += query[i] === '\\' && i + 1 < len ? 2 : 1;
      if (i < len) i++;
      out += '""';
    } else {
      const tag = c === '$' ? /^\$[A-Za-z_][A-Za-z0-9_]*\$|^\$\$/.exec(query.slice(i))?.[0] : undefined;
      if (tag !== undefined) {
        const end = query.indexOf(tag, i + tag.length);
        i = end === -1 ? len : end + tag.length;
        out += ' ';
      } else {
        out += c ?? '';
        i++;
      }
    }
  }
  return out;
};

const COMMANDS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** The statement's top-level command (outside parentheses: `WITH x AS (…) UPDATE` is UPDATE). */
const topLevelCommand = (statement: string): string | null => {
  let depth = 0;
  let i = 0;
  while (i < statement.length) {
    const c = statement[i] ?? '';
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && /[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < statement.length && /[A-Za-z0-9_]/.test(statement[j] ?? '')) j++;
      const word = statement.slice(i, j).toUpperCase();
      if (COMMANDS.has(word)) return word;
      i = j;
      continue;
    }
    i++;
  }
  return null;
};

/** The highest $n placeholder outside strings, quoted names and comments (0: none). */
export const highestPlaceholder = (query: string): number =>
  Math.max(0, ...[...stripStringsAndComments(query).matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));

export const isSelectQuery = (query: string): boolean =>
  stripStringsAndComments(query)
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .every((s) => topLevelCommand(s) === 'SELECT');
