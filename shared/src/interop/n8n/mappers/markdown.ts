import { showdownOptions } from '../../../nodes/markdown.ts';
import { text } from '../conditions.ts';
import type { Mapper, Params } from '../param-reader.ts';

/** Markdown 1: both modes' options come over flat; the escape pairs become two fields each. */
const SAME = [
  'bulletMarker',
  'codeFence',
  'emDelimiter',
  'strongDelimiter',
  'codeBlockStyle',
  'maxConsecutiveNewlines',
  'ignore',
  'blockElements',
  'keepDataImages',
  'useLinkReferenceDefinitions',
  ...showdownOptions.map((o) => o.name),
];

const markdown: Mapper = (r) => {
  const out: Params = {};
  for (const name of ['mode', 'html', 'markdown', 'destinationKey']) {
    const value = r.get(name);
    if (value !== undefined) out[name] = value;
  }
  // n8n's mode default is "HTML to Markdown", as Weft's.
  for (const name of SAME) {
    const value = r.get(`options.${name}`);
    if (value !== undefined) out[name] = value;
  }
  const rows = r.rows('options.textReplace.values');
  if (rows.length > 0)
    out.textReplace = rows.map((row) => ({
      pattern: row.pattern === undefined ? '' : text(row.pattern),
      replacement: row.replacement === undefined ? '' : text(row.replacement),
    }));
  for (const escape of ['lineStartEscape', 'globalEscape']) {
    const pattern = r.get(`options.${escape}.value.pattern`);
    const replacement = r.get(`options.${escape}.value.replacement`);
    if (pattern !== undefined) out[`${escape}Pattern`] = pattern;
    if (replacement !== undefined) out[`${escape}Replacement`] = replacement;
  }
  return out;
};

export const markdownMappers: Record<string, Mapper> = { markdown };
