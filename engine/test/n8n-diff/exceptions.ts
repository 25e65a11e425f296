import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
    // n8n's Filter 2 records the items it drops as a second output no connection can take.
    id: 'filter-discarded',
    excuses: (d, workflow) =>
      d.what === 'output items' &&
      d.output !== undefined &&
      d.output >= 1 &&
      nodeOf(workflow, d.node)?.type === 'n8n-nodes-base.filter',
  },
];

/** The divergences no documented exception excuses. */
export const unexcused = (found: Divergence[], workflow: unknown): Divergence[] =>
  found.filter((d) => !exceptions.some((e) => e.excuses(d, workflow)));

const DOC = fileURLToPath(new URL('../../../docs/n8n-compatibility.md', import.meta.url));

/** The exception ids docs/n8n-compatibility.md writes up, in order. */
export const documentedExceptionIds = (): string[] =>
  [...readFileSync(DOC, 'utf8').matchAll(/<!-- n8n-diff:exception ([a-z0-9-]+) -->/g)].map((m) => m[1] ?? '');
