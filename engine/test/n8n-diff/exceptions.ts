import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { Divergence } from './outcome.ts';

/**
 * The deliberate differences from n8n: each one is written up in
 * docs/n8n-compatibility.md › "Deliberate differences" with its reason, under
 * a `<!-- n8n-diff:exception <id> -->` marker, and excused here by a predicate
 * that is as narrow as the behaviour. The harness accepts exactly these
 * differences; `exceptions.test.ts` fails when the code and the document
 * disagree on the list, so nothing is excused without a written reason.
 */

interface N8nNode {
  name?: unknown;
  type?: unknown;
  typeVersion?: unknown;
  parameters?: unknown;
}

export interface Exception {
  id: string;
  /** True when this divergence, in this n8n workflow, is the documented difference. */
  excuses(d: Divergence, workflow: unknown): boolean;
}

/** The n8n node a divergence is about, as the workflow declares it. */
export const nodeOf = (workflow: unknown, name: string): N8nNode | undefined => {
  const nodes = (workflow as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return undefined;
  return (nodes as N8nNode[]).find((n) => n.name === name);
};

export const exceptions: Exception[] = [
  {
    // n8n's Merge with "minimize empty fields" and deep merge merges into its input items' nested objects in place.
    id: 'merge-minimize-empty-mutates-inputs',
    excuses: (d, workflow) => {
      if (d.what !== 'output items' && d.what !== 'paired items') return false;
      const nodes = (workflow as { nodes?: unknown } | null)?.nodes;
      return (Array.isArray(nodes) ? (nodes as N8nNode[]) : []).some((n) => {
        if (n.type !== 'n8n-nodes-base.merge') return false;
        const params = (n.parameters ?? {}) as { mode?: unknown; options?: { clashHandling?: { values?: unknown } } };
        const values = (params.options?.clashHandling?.values ?? {}) as Record<string, unknown>;
        return (
          params.mode === 'combine' &&
          values.overrideEmpty === true &&
          values.mergeMode !== 'shallowMerge' &&
          values.resolveClash !== 'addSuffix'
        );
      });
    },
  },
  {
    // n8n's Filter 2 records the items it drops as a second output no connection can take.
    id: 'filter-discarded',
    excuses: (d, workflow) =>
      d.what === 'output items' &&
      d.output !== undefined &&
      d.output >= 1 &&
      nodeOf(workflow, d.node)?.type === 'n8n-nodes-base.filter',
  },
  {
    // A random order cannot be compared item by item: both engines shuffle, the items must be the same multiset.
    id: 'sort-random-order',
    excuses: (d, workflow) => {
      if (d.what !== 'output items' && d.what !== 'paired items') return false;
      if (!Array.isArray(d.n8n) || !Array.isArray(d.weft)) return false;
      const node = nodeOf(workflow, d.node);
      const params = (node?.parameters ?? {}) as Record<string, unknown>;
      const sorting =
        node?.type === 'n8n-nodes-base.sort' ||
        (node?.type === 'n8n-nodes-base.itemLists' && params.operation === 'sort');
      if (!sorting || params.type !== 'random') return false;
      const texts = (list: unknown[]) => list.map((i) => JSON.stringify(i)).sort();
      return isDeepStrictEqual(texts(d.n8n), texts(d.weft));
    },
  },
  {
    // Item Lists tests its sort code for `return` with a global /g regex, whose lastIndex carries over between runs.
    id: 'item-lists-sort-code-return-check',
    excuses: (d, workflow) => {
      const failed = d.what === 'node that ended the run' && typeof d.n8n === 'string' ? d.n8n : d.node;
      const node = nodeOf(workflow, failed);
      const params = (node?.parameters ?? {}) as Record<string, unknown>;
      if (node?.type !== 'n8n-nodes-base.itemLists' || params.operation !== 'sort' || params.type !== 'code')
        return false;
      if (typeof params.code !== 'string' || !/\breturn\b/.test(params.code)) return false;
      if (d.what === 'node that ended the run') return d.weft === null;
      return (
        d.what === 'error vs no error' && typeof d.n8n === 'string' && d.n8n.startsWith("Sort code doesn't return")
      );
    },
  },
  {
    // n8n pairs the items "keep only the compared fields" makes by their output position, not their input item.
    id: 'remove-duplicates-other-fields-pairing',
    excuses: (d, workflow) => {
      if (d.what !== 'paired items') return false;
      const node = nodeOf(workflow, d.node);
      const params = (node?.parameters ?? {}) as Record<string, unknown>;
      const options = (params.options ?? {}) as Record<string, unknown>;
      const dedupe =
        node?.type === 'n8n-nodes-base.removeDuplicates' ||
        (node?.type === 'n8n-nodes-base.itemLists' && params.operation === 'removeDuplicates');
      return dedupe && options.removeOtherFields === true;
    },
  },
  {
    // n8n makes an item of a bare JSON value (`5`, `"a"`); Weft's items are objects: `{ data: value }`.
    id: 'http-bare-json-values',
    excuses: (d, workflow) => {
      if (d.what !== 'output items' || nodeOf(workflow, d.node)?.type !== 'n8n-nodes-base.httpRequest') return false;
      if (!Array.isArray(d.n8n) || !Array.isArray(d.weft) || d.n8n.length !== d.weft.length) return false;
      const weft = d.weft as unknown[];
      return (d.n8n as unknown[]).every((v, i) =>
        typeof v === 'object' && v !== null && !Array.isArray(v)
          ? isDeepStrictEqual(v, weft[i])
          : isDeepStrictEqual({ data: v }, weft[i]),
      );
    },
  },
  {
    // n8n 2.41's HTTP Request, asked for text with the full response, fails on a JSON answer
    // ("Converting circular structure to JSON"): it serialises its own request object.
    id: 'http-full-text-response-crash',
    excuses: (d, workflow) =>
      d.what === 'error vs no error' &&
      typeof d.n8n === 'string' &&
      d.n8n.startsWith('Converting circular structure to JSON') &&
      nodeOf(workflow, d.node)?.type === 'n8n-nodes-base.httpRequest',
  },
];

/** The divergences no documented exception excuses. */
export const unexcused = (found: Divergence[], workflow: unknown): Divergence[] =>
  found.filter((d) => !exceptions.some((e) => e.excuses(d, workflow)));

const DOC = fileURLToPath(new URL('../../../docs/n8n-compatibility.md', import.meta.url));

/** The exception ids docs/n8n-compatibility.md writes up, in order. */
export const documentedExceptionIds = (): string[] =>
  [...readFileSync(DOC, 'utf8').matchAll(/<!-- n8n-diff:exception ([a-z0-9-]+) -->/g)].map((m) => m[1] ?? '');
