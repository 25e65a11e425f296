/**
 * Expression *forms*: an n8n expression with its variable parts replaced by
 * placeholders, so that `{{ $json.email.toLowerCase() }}` and
 * `{{ $json.name.toLowerCase() }}` count as one form,
 * `{{ $json.⟨f⟩.toLowerCase() }}`. Used by gather-expression-forms.ts (to count
 * the forms of public workflow collections) and expressions-gen.ts (to turn a
 * form back into a runnable expression).
 *
 * Placeholders: ⟨f⟩ a field name (after $json, .json, a local variable, …),
 * ⟨node⟩ a node name, ⟨s⟩ a string literal (⟨fmt⟩ one that looks like a
 * Luxon format, ⟨date⟩ an ISO date; "" and one-character strings are kept),
 * ⟨n⟩ a number other than 0, 1, 2, ⟨re⟩ a regular expression's body,
 * ⟨v1⟩, ⟨v2⟩… local variables (arrow parameters), ⟨k⟩ an object literal key.
 * Property names outside field positions (`$execution.id`, `.item`, `.first()`),
 * method names and globals are kept: they are what the form is about.
 */

type TokenKind = 'ident' | 'string' | 'template' | 'number' | 'regex' | 'punct';
export interface Token {
  kind: TokenKind;
  text: string;
}

const PUNCTS = [
  '>>>=',
  '...',
  '===',
  '!==',
  '**=',
  '<<=',
  '>>=',
  '>>>',
  '&&=',
  '||=',
  '??=',
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '**',
  '<<',
  '>>',
];
const IDENT_START = /[\p{L}$_]/u;
const IDENT_PART = /[\p{L}\p{N}$_\u200c\u200d]/u;
const REGEX_AFTER_WORDS = new Set([
  'return',
  'typeof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
]);

/** Where a quoted string starting at `i` ends (index after the closing quote). */
const skipString = (src: string, i: number): number => {
  const q = src[i];
  let j = i + 1;
  while (j < src.length && src[j] !== q) j += src[j] === '\\' ? 2 : 1;
  return Math.min(j + 1, src.length);
};

/** Where a template literal starting at `i` ends, skipping `${…}` parts with their own strings. */
const skipTemplate = (src: string, i: number): number => {
  let j = i + 1;
  while (j < src.length && src[j] !== '`') {
    if (src[j] === '\\') j += 2;
    else if (src[j] === '$' && src[j + 1] === '{') j = skipBraces(src, j + 1);
    else j++;
  }
  return Math.min(j + 1, src.length);
};

/** From an opening `{`, the index after its matching `}`. */
const skipBraces = (src: string, i: number): number => {
  let depth = 0;
  let j = i;
  while (j < src.length) {
    const c = src[j];
    if (c === '"' || c === "'") j = skipString(src, j);
    else if (c === '`') j = skipTemplate(src, j);
    else {
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) return j + 1;
      j++;
    }
  }
  return j;
};

export const tokenize = (src: string): Token[] => {
  const out: Token[] = [];
  let i = 0;
  const regexAllowed = () => {
    const last = out[out.length - 1];
    if (!last) return true;
    if (last.kind === 'ident') return REGEX_AFTER_WORDS.has(last.text);
    if (last.kind === 'punct') return ![')', ']', '}'].includes(last.text);
    return false;
  };
  while (i < src.length) {
    const c = src[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
    } else if (c === '"' || c === "'") {
      const end = skipString(src, i);
      out.push({ kind: 'string', text: src.slice(i, end) });
      i = end;
    } else if (c === '`') {
      const end = skipTemplate(src, i);
      out.push({ kind: 'template', text: src.slice(i, end) });
      i = end;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(0[xXbBoO][0-9a-fA-F_]+|(\d[\d_]*)?\.?\d*([eE][+-]?\d+)?n?)/.exec(src.slice(i));
      const text = m?.[0] || c;
      out.push({ kind: 'number', text });
      i += text.length;
    } else if (IDENT_START.test(c) || c === '\\') {
      let j = i + 1;
      while (j < src.length && IDENT_PART.test(src[j] ?? '')) j++;
      out.push({ kind: 'ident', text: src.slice(i, j) });
      i = j;
    } else if (c === '/' && regexAllowed()) {
      let j = i + 1;
      let inClass = false;
      while (j < src.length && (inClass || src[j] !== '/')) {
        if (src[j] === '\\') j++;
        else if (src[j] === '[') inClass = true;
        else if (src[j] === ']') inClass = false;
        j++;
      }
      j++;
      while (j < src.length && /[a-z]/.test(src[j] ?? '')) j++;
      out.push({ kind: 'regex', text: src.slice(i, j) });
      i = j;
    } else {
      const p = PUNCTS.find((x) => src.startsWith(x, i)) ?? c;
      out.push({ kind: 'punct', text: p });
      i += p.length;
    }
  }
  return out;
};

/** The `{{ … }}` segments of a parameter value that is an expression (starts with `=`). */
export const expressionSegments = (value: string): string[] => {
  if (!value.startsWith('=')) return [];
  const out: string[] = [];
  let i = 1;
  for (;;) {
    const start = value.indexOf('{{', i);
    if (start < 0) return out;
    let j = start + 2;
    let depth = 0;
    while (j < value.length) {
      const c = value[j];
      if (c === '"' || c === "'") j = skipString(value, j);
      else if (c === '`') j = skipTemplate(value, j);
      else if (c === '}' && value[j + 1] === '}' && depth === 0) break;
      else {
        if (c === '{') depth++;
        else if (c === '}') depth--;
        j++;
      }
    }
    if (j >= value.length) return out;
    out.push(value.slice(start + 2, j).trim());
    i = j + 2;
  }
};

const GLOBALS = new Set([
  'JSON',
  'Math',
  'Date',
  'DateTime',
  'Duration',
  'Interval',
  'Object',
  'Array',
  'String',
  'Number',
  'Boolean',
  'RegExp',
  'Error',
  'Intl',
  'Symbol',
  'Promise',
  'parseInt',
  'parseFloat',
  'isNaN',
  'isFinite',
  'encodeURIComponent',
  'decodeURIComponent',
  'encodeURI',
  'decodeURI',
  'escape',
  'unescape',
  'btoa',
  'atob',
  'Buffer',
  'undefined',
  'null',
  'true',
  'false',
  'NaN',
  'Infinity',
  'this',
  'new',
  'typeof',
  'instanceof',
  'in',
  'of',
  'return',
  'function',
  'const',
  'let',
  'var',
  'if',
  'else',
  'for',
  'while',
  'void',
  'delete',
  'async',
  'await',
]);
/** Roots whose properties are names a person chose (fields, variables), not n8n's API. */
const FIELD_ROOTS = new Set(['$json', '$binary', '$vars', '$env']);
const FIELD_PROPS = new Set(['json', 'params', 'body', 'query', 'headers']);
const NODE_CALLS = new Set(['$', '$items', '$node']);

const isDateFormat = (s: string): boolean =>
  s.length >= 2 && /^[yMLdHhmsSaEZZocqWkT'\s\-/.:,_]+$/.test(s) && /(yy|MM|dd|HH|mm)/.test(s);
const isIsoDate = (s: string): boolean => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s);

const stringForm = (literal: string): string => {
  const body = literal.slice(1, -1);
  if (body === '') return '""';
  if (body.length === 1 || body === '\\n' || body === '\\t')
    return JSON.stringify(body.replace(/^\\n$/, '\n').replace(/^\\t$/, '\t'));
  if (isDateFormat(body)) return '"⟨fmt⟩"';
  if (isIsoDate(body)) return '"⟨date⟩"';
  return '"⟨s⟩"';
};

/** Joins tokens back into source with one canonical spacing, so equal forms print equally. */
const join = (parts: string[]): string => {
  let out = '';
  let prev = '';
  for (const p of parts) {
    const tight =
      out === '' ||
      ['.', '?.', '(', '[', '!', '...'].includes(prev) ||
      ['.', '?.', '(', ')', '[', ']', ',', ';', ':'].includes(p);
    const spaceAfterColon = p !== ':' && prev === ':';
    out += tight && !spaceAfterColon ? p : ` ${p}`;
    prev = p;
  }
  return out.replace(/\( +/g, '(').replace(/, */g, ', ');
};

/** The form of one expression (the text between `{{` and `}}`). */
export const expressionForm = (src: string): string => {
  const toks = tokenize(src);
  const parts: string[] = [];
  const locals = new Map<string, string>();
  let fieldCtx = false;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as Token;
    const next = toks[i + 1];
    const prevText = parts[parts.length - 1] ?? '';
    const afterDot = prevText === '.' || prevText === '?.';
    if (t.kind === 'ident') {
      const call = next?.text === '(';
      if (afterDot) {
        if (t.text === '$node' && next?.text === '[' && toks[i + 2]?.kind === 'string' && toks[i + 3]?.text === ']') {
          parts.push('$node', '[', '"⟨node⟩"', ']');
          i += 3;
          fieldCtx = false;
        } else if (call) {
          parts.push(t.text);
          fieldCtx = false;
        } else if (FIELD_PROPS.has(t.text) && !(fieldCtx && t.text !== 'json')) {
          parts.push(t.text);
          fieldCtx = true;
        } else if (fieldCtx && t.text !== 'length') {
          parts.push('⟨f⟩');
        } else {
          parts.push(t.text);
          fieldCtx = FIELD_ROOTS.has(t.text);
        }
        continue;
      }
      // $('Node'), $items('Node'), $node['Node'] / $node.Node
      if (NODE_CALLS.has(t.text) && (next?.text === '(' || next?.text === '[') && toks[i + 2]?.kind === 'string') {
        const close = next.text === '(' ? ')' : ']';
        if (toks[i + 3]?.text === close) {
          parts.push(t.text, next.text, '"⟨node⟩"', close);
          i += 3;
          fieldCtx = false;
          continue;
        }
      }
      if (t.text === '$node' && next?.text === '.' && toks[i + 2]?.kind === 'ident') {
        parts.push('$node', '[', '"⟨node⟩"', ']');
        i += 2;
        fieldCtx = false;
        continue;
      }
      if (t.text.startsWith('$') || GLOBALS.has(t.text)) {
        parts.push(t.text);
        fieldCtx = FIELD_ROOTS.has(t.text);
        continue;
      }
      if (next?.text === ':' && (prevText === '{' || prevText === ',')) {
        parts.push('⟨k⟩');
        fieldCtx = false;
        continue;
      }
      let local = locals.get(t.text);
      if (!local) {
        local = `⟨v${locals.size + 1}⟩`;
        locals.set(t.text, local);
      }
      parts.push(local);
      fieldCtx = true;
      continue;
    }
    if (t.kind === 'punct' && t.text === '[' && fieldCtx && toks[i + 2]?.text === ']') {
      const inner = toks[i + 1] as Token;
      if (inner.kind === 'string') {
        parts.push('[', '"⟨f⟩"', ']');
        i += 2;
        continue;
      }
      if (inner.kind === 'number') {
        parts.push('[', /^[012]$/.test(inner.text) ? inner.text : '⟨n⟩', ']');
        i += 2;
        continue;
      }
    }
    if (t.kind === 'string') {
      if (next?.text === ':' && (prevText === '{' || prevText === ',')) parts.push('⟨k⟩');
      else parts.push(stringForm(t.text));
    } else if (t.kind === 'template') {
      parts.push(templateForm(t.text));
    } else if (t.kind === 'number') {
      parts.push(/^[012]$/.test(t.text) ? t.text : '⟨n⟩');
    } else if (t.kind === 'regex') {
      const flags = /[a-z]*$/.exec(t.text)?.[0] ?? '';
      parts.push(`/⟨re⟩/${flags}`);
    } else {
      parts.push(t.text);
    }
    if (!(t.kind === 'punct' && (t.text === '.' || t.text === '?.' || t.text === ']'))) fieldCtx = false;
  }
  return join(parts);
};

/** A template literal: its text parts become ⟨s⟩, its `${…}` parts are forms themselves. */
const templateForm = (literal: string): string => {
  let out = '`';
  let i = 1;
  let text = false;
  while (i < literal.length - 1) {
    if (literal[i] === '\\') {
      text = true;
      i += 2;
    } else if (literal[i] === '$' && literal[i + 1] === '{') {
      if (text) out += '⟨s⟩';
      text = false;
      const end = skipBraces(literal, i + 1);
      out += '${' + expressionForm(literal.slice(i + 2, end - 1)) + '}';
      i = end;
    } else {
      text = true;
      i++;
    }
  }
  return `${out}${text ? '⟨s⟩' : ''}\``;
};

export type Placeholder = 'f' | 'node' | 's' | 'fmt' | 'date' | 'n' | 're' | 'k';

/**
 * A form back as a runnable expression: each placeholder is replaced by what
 * `fill` gives for its kind and its occurrence (0-based, per kind); local
 * variables become v1, v2…. The default fill names fields f0, f1… and the
 * node "Input" (the node before the one under test in node cases).
 */
export const instantiate = (form: string, fill: (kind: Placeholder, index: number) => string = defaultFill): string => {
  const seen = new Map<string, number>();
  return form.replace(/⟨(v\d+|[a-z]+)⟩/g, (_, kind: string) => {
    if (/^v\d+$/.test(kind)) return kind;
    const index = seen.get(kind) ?? 0;
    seen.set(kind, index + 1);
    return fill(kind as Placeholder, index);
  });
};

const defaultFill = (kind: Placeholder, index: number): string => {
  switch (kind) {
    case 'f':
      return `f${index}`;
    case 'node':
      return 'Input';
    case 's':
      return 'x';
    case 'fmt':
      return 'yyyy-MM-dd';
    case 'date':
      return '2024-01-15';
    case 'n':
      return '10';
    case 're':
      return 'a';
    case 'k':
      return `k${index}`;
  }
};
