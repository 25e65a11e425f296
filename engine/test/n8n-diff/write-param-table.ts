import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { nodeDefinitions } from '#shared/nodes/catalog.ts';

/**
 * `node --import tsx engine/test/n8n-diff/write-param-table.ts`: writes
 * shared/src/interop/n8n/n8n-parameter-table.ts from n8n's own node
 * descriptions (n8n-nodes-base 2.41.1, bench/engine/n8n-baseline), for the
 * node types Weft imports: each parameter's name as n8n's editor shows it and
 * its default per type version. The importer names what it does not carry
 * over with these labels, and does not report a value that is n8n's default
 * (n8n behaves the same whether or not such a value is written).
 */

interface Property {
  name: string;
  displayName?: string;
  type?: string;
  default?: unknown;
  options?: unknown[];
  values?: Property[];
}
interface Description {
  name: string;
  displayName: string;
  version: number | number[];
  properties: Property[];
}

const descriptions = JSON.parse(
  readFileSync(
    fileURLToPath(
      new URL('../../../bench/engine/n8n-baseline/node_modules/n8n-nodes-base/dist/types/nodes.json', import.meta.url),
    ),
    'utf8',
  ),
) as Description[];

type Params = Record<string, { label: string; defaults: unknown[] }>;

const isProperty = (o: unknown): o is Property =>
  typeof o === 'object' && o !== null && typeof (o as Property).name === 'string' && 'type' in o;

const addLeaf = (out: Params, key: string, label: string, value: unknown) => {
  const entry = (out[key] ??= { label, defaults: [] });
  const values = Array.isArray(value) ? value : [value];
  for (const v of values) {
    if (typeof v === 'object' && v !== null) continue;
    if (!entry.defaults.some((d) => d === v)) entry.defaults.push(v);
  }
};

const walk = (out: Params, props: readonly Property[], prefix: string, labels: string[]) => {
  for (const p of props) {
    const key = prefix ? `${prefix}.${p.name}` : p.name;
    const label = [...labels, p.displayName ?? p.name].join(' › ');
    if (p.type === 'collection') {
      walk(out, (p.options ?? []).filter(isProperty), key, prefix === '' && p.name === 'options' ? [] : [label]);
    } else if (p.type === 'fixedCollection') {
      for (const group of p.options ?? []) {
        const g = group as { name?: string; displayName?: string; values?: Property[] };
        if (typeof g.name !== 'string') continue;
        walk(out, g.values ?? [], `${key}.${g.name}`, [label]);
      }
    } else if (p.type !== 'notice') addLeaf(out, key, label, p.default);
  }
};

const main = async () => {
  // Weft's types, and n8n's older types the importer maps onto them (Item Lists → Sort, Limit, …; Function → Code).
  const types = new Set([...nodeDefinitions.map((d) => d.type), 'itemLists', 'function', 'functionItem']);
  const table: Record<string, { label: string; versions: number[]; params: Params }[]> = {};
  for (const d of descriptions) {
    if (!types.has(d.name)) continue;
    const params: Params = {};
    walk(params, d.properties, '', []);
    (table[d.name] ??= []).push({
      label: d.displayName,
      versions: Array.isArray(d.version) ? d.version : [d.version],
      params,
    });
  }
  const target = fileURLToPath(new URL('../../../shared/src/interop/n8n/n8n-parameter-table.ts', import.meta.url));
  const source = [
    '/**',
    ' * Written by engine/test/n8n-diff/write-param-table.ts from n8n-nodes-base',
    " * 2.41.1's node descriptions; do not edit by hand. Per n8n node type and type",
    ' * version group: each parameter (its path with list positions left out) →',
    " * its label in n8n's editor and the defaults n8n fills in.",
    ' */',
    '',
    'export interface N8nParameterInfo {',
    '  label: string;',
    '  defaults: readonly unknown[];',
    '}',
    '',
    'export const n8nParameterTable: Record<',
    '  string,',
    '  readonly { label: string; versions: readonly number[]; params: Record<string, N8nParameterInfo> }[]',
    `> = ${JSON.stringify(table)};`,
    '',
  ].join('\n');
  writeFileSync(target, await format(source, { ...(await resolveConfig(target)), filepath: target }));
  console.log(`wrote ${Object.keys(table).length} node types to ${target}`);
};

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
