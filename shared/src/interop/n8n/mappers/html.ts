import { text } from '../conditions.ts';
import type { Mapper, Params } from '../param-reader.ts';

/** HTML 1–1.2: the operation's parameters and options come over flat; the version keeps its text rules. */
const OPTIONS = [
  'trimValues',
  'cleanUpText',
  'capitalize',
  'customStyling',
  'caption',
  'tableAttributes',
  'headerAttributes',
  'rowAttributes',
  'cellAttributes',
];

const html: Mapper = (r) => {
  const out: Params = {};
  for (const name of ['operation', 'html', 'sourceData', 'dataPropertyName']) {
    const value = r.get(name);
    if (value !== undefined) out[name] = value;
  }
  // n8n's operation default was "generate HTML template" in every version, as Weft's is.
  const rows = r.get('extractionValues.values');
  if (rows !== undefined)
    out.extractionValues = r.rows('extractionValues.values').map((row) => ({
      key: row.key === undefined ? '' : text(row.key),
      cssSelector: row.cssSelector === undefined ? '' : text(row.cssSelector),
      returnValue: row.returnValue ?? 'text',
      attribute: row.attribute === undefined ? '' : text(row.attribute),
      skipSelectors: row.skipSelectors === undefined ? '' : text(row.skipSelectors),
      returnArray: row.returnArray === true,
    }));
  else if (r.version < 1.1) out.extractionValues = [];
  for (const name of OPTIONS) {
    const value = r.get(`options.${name}`);
    if (value !== undefined) out[name] = value;
  }
  out.n8nVersion = r.version >= 1.2 ? '1.2' : r.version >= 1.1 ? '1.1' : '1';
  return out;
};

export const htmlMappers: Record<string, Mapper> = { html };
