import type { Mapper, Params } from '../param-reader.ts';

/** XML 1: the options of both modes come over flat (xml2js's parser and builder each ignore the other's). */
const OPTIONS = [
  'attrkey',
  'charkey',
  'explicitArray',
  'explicitRoot',
  'ignoreAttrs',
  'mergeAttrs',
  'normalize',
  'normalizeTags',
  'trim',
  'allowSurrogateChars',
  'cdata',
  'headless',
  'rootName',
];

const xml: Mapper = (r) => {
  const out: Params = {};
  for (const name of ['mode', 'dataPropertyName']) {
    const value = r.get(name);
    if (value !== undefined) out[name] = value;
  }
  for (const name of OPTIONS) {
    const value = r.get(`options.${name}`);
    if (value !== undefined) out[name] = value;
  }
  return out;
};

export const xmlMappers: Record<string, Mapper> = { xml };
