import { getNodeDefinition } from '../../nodes/catalog.ts';
import { n8nParameterTable, type N8nParameterInfo } from './n8n-parameter-table.ts';
import type { UnreadParameter } from './param-reader.ts';

/**
 * What the import says about an n8n parameter no mapper read: nothing when
 * n8n would behave the same without it (its default for the node's version,
 * or bookkeeping of n8n's editor), otherwise a sentence naming the parameter
 * as n8n's editor shows it, its path, and why it is lost.
 */

/**
 * Written by n8n's editor inside its condition lists and list rows, with no
 * effect on a run: row ids, the operator's display hints, the filter
 * structure's own version (the node's type version decides it).
 */
const bookkeeping = [
  /(^|\.)conditions\.id$/,
  /(^|\.)assignments\.id$/,
  /(^|\.)values\.id$/,
  /\.operator\.(name|rightType|singleValue)$/,
  /(^|\.)conditions\.options\.version$/,
  /\.__rl$/,
  /\.cachedResult(Name|Url)$/,
];

/** The defaults of n8n's filter structure (IF, Filter, Switch rules), which n8n's descriptions leave implicit. */
const filterDefaults: [RegExp, readonly unknown[]][] = [
  [/(^|\.)conditions\.options\.caseSensitive$/, [true]],
  [/(^|\.)conditions\.options\.leftValue$/, ['']],
  [/(^|\.)conditions\.options\.typeValidation$/, ['strict']],
];

/** Why Weft cannot carry a parameter, where there is more to say than that its node lacks it. */
const reasons: Record<string, Record<string, string>> = {
  httpRequest: {
    'options.allowUnauthorizedCerts': 'Weft always checks certificates',
    'options.proxy': 'Weft sends requests through the server’s own network settings',
  },
};

/** n8n's description of `type` at `version`: its label and parameters. */
const groupFor = (type: string, version: number) => {
  const groups = n8nParameterTable[type];
  if (!groups) return undefined;
  const exact = groups.find((g) => g.versions.includes(version));
  if (exact) return exact;
  // A version n8n 2.41 does not list: the closest group below it, else the oldest.
  const below = groups.filter((g) => Math.min(...g.versions) <= version);
  return below.sort((a, b) => Math.max(...b.versions) - Math.max(...a.versions))[0] ?? groups[0];
};

const isDefault = (defaults: readonly unknown[], value: unknown): boolean =>
  defaults.some((d) => d === value || (typeof d === 'number' && typeof value === 'string' && String(d) === value));

/** The warning for one unread n8n parameter; undefined when dropping it changes nothing. */
export const notCarried = (type: string, version: number, p: UnreadParameter): string | undefined => {
  if (bookkeeping.some((re) => re.test(p.key))) return undefined;
  const filterDefault = filterDefaults.find(([re]) => re.test(p.key));
  if (filterDefault) return isDefault(filterDefault[1], p.value) ? undefined : unsupported(type, version, p);
  const info = groupFor(type, version)?.params[p.key];
  if (info && isDefault(info.defaults, p.value)) return undefined;
  return unsupported(type, version, p, info);
};

const unsupported = (type: string, version: number, p: UnreadParameter, info?: N8nParameterInfo): string => {
  const n8nLabel = groupFor(type, version)?.label ?? type;
  const weftLabel = getNodeDefinition(type)?.label ?? n8nLabel;
  const kind = p.key.startsWith('options.') ? 'option' : 'parameter';
  const json = JSON.stringify(p.value);
  const value = json.length > 80 ? `${json.slice(0, 77)}…` : json;
  if (!info && !filterDefaults.some(([re]) => re.test(p.key))) {
    // n8n itself ignores a parameter its node does not have in that version.
    return `${kind} "${p.path}" = ${value} is not one n8n's ${n8nLabel} ${version} has; it was left out`;
  }
  const label = info?.label ?? p.key.split('.').pop() ?? p.key;
  const why = reasons[type]?.[p.key] ?? `Weft's ${weftLabel} node has no such setting yet`;
  return `${kind} "${label}" (${p.path}) = ${value} is not carried over: ${why}`;
};
