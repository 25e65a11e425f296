import { text } from '../conditions.ts';
import type { Mapper, Params } from '../param-reader.ts';

/** Rename Keys 1: the key rows and the regular expressions (with their options) come over as flat rows. */
const renameKeys: Mapper = (r) => {
  const out: Params = {};
  out.keys = r.rows('keys.key').map((row) => ({
    currentKey: row.currentKey === undefined ? '' : text(row.currentKey),
    newKey: row.newKey === undefined ? '' : text(row.newKey),
  }));
  const replacements = r.rows('additionalOptions.regexReplacement.replacements');
  if (replacements.length > 0)
    out.regexReplacement = replacements.map((row) => {
      const options = (row.options ?? {}) as Params;
      return {
        searchRegex: row.searchRegex === undefined ? '' : text(row.searchRegex),
        replaceRegex: row.replaceRegex === undefined ? '' : text(row.replaceRegex),
        caseInsensitive: options.caseInsensitive === true,
        depth: options.depth ?? -1,
      };
    });
  return out;
};

export const renameKeysMappers: Record<string, Mapper> = { renameKeys };
