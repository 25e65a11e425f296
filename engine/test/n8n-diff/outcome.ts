import { isDeepStrictEqual } from 'node:util';
import { unexcused } from './exceptions.ts';

/**
 * What one engine did with one n8n workflow, in a shape both engines give:
 * for every node that ran, each of its runs with every output's items
 * (`json` only, as JSON) or the error it threw.
 */

export interface NodeRunOutcome {
  /** By output index, as n8n numbers them (IF: true, false; an error output last). */
  outputs: unknown[][];
  /**
   * Each output item's pairedItem, as `[{ item, input? }, …]` (input left
   * out for the first) or null: what `$('Node').item` walks back through.
   */
  paired?: unknown[][];
  error: string | null;
}

export type EngineResult =
  | {
      ok: true;
      nodes: Record<string, NodeRunOutcome[]>;
      /** The error that ended the run, and the node that threw it. */
      error: string | null;
      failedNode: string | null;
    }
  | { ok: false; reason: string };

export interface Divergence {
  node: string;
  run?: number;
  output?: number;
  what: string;
  n8n: unknown;
  weft: unknown;
}

const padded = (outputs: unknown[][], length: number): unknown[][] =>
  Array.from({ length }, (_, i) => outputs[i] ?? []);

/**
 * Where Weft's result differs from n8n's, apart from the documented exceptions
 * (exceptions.ts): per node and run, output by output, then how the run ended.
 */
export const compareResults = (n8n: EngineResult, weft: EngineResult, workflow: unknown): Divergence[] =>
  unexcused(rawDifferences(n8n, weft), workflow);

const rawDifferences = (n8n: EngineResult, weft: EngineResult): Divergence[] => {
  if (!n8n.ok || !weft.ok) {
    return [
      {
        node: '(workflow)',
        what: 'an engine could not run the workflow',
        n8n: n8n.ok ? 'ran' : n8n.reason,
        weft: weft.ok ? 'ran' : weft.reason,
      },
    ];
  }
  const found: Divergence[] = [];
  const names = [...new Set([...Object.keys(n8n.nodes), ...Object.keys(weft.nodes)])];
  for (const node of names) {
    const a = n8n.nodes[node] ?? [];
    const b = weft.nodes[node] ?? [];
    if (a.length !== b.length) {
      found.push({ node, what: 'number of runs', n8n: a.length, weft: b.length });
      continue;
    }
    a.forEach((runA, run) => {
      const runB = b[run];
      if (!runB) return;
      if ((runA.error === null) !== (runB.error === null)) {
        found.push({
          node,
          run,
          what: 'error vs no error',
          n8n: runA.error ?? runA.outputs,
          weft: runB.error ?? runB.outputs,
        });
        return;
      }
      const length = Math.max(runA.outputs.length, runB.outputs.length);
      const outA = padded(runA.outputs, length);
      const outB = padded(runB.outputs, length);
      outA.forEach((items, output) => {
        if (!isDeepStrictEqual(items, outB[output])) {
          found.push({ node, run, output, what: 'output items', n8n: items, weft: outB[output] });
          return;
        }
        // The same items: then they must pair to the same input items (only where both engines say).
        const pairedA = runA.paired?.[output];
        const pairedB = runB.paired?.[output];
        if (pairedA && pairedB && items.length > 0 && !isDeepStrictEqual(pairedA, pairedB))
          found.push({ node, run, output, what: 'paired items', n8n: pairedA, weft: pairedB });
      });
    });
  }
  if (n8n.failedNode !== weft.failedNode)
    found.push({ node: '(workflow)', what: 'node that ended the run', n8n: n8n.failedNode, weft: weft.failedNode });
  return found;
};

/** One line: node, run, output, what differs. */
export const describeDivergence = (d: Divergence): string => {
  const where = [d.node, d.run !== undefined ? `run ${d.run}` : '', d.output !== undefined ? `output ${d.output}` : '']
    .filter(Boolean)
    .join(', ');
  const show = (v: unknown) => {
    const s = v === undefined ? 'undefined' : JSON.stringify(v);
    return s.length > 300 ? `${s.slice(0, 299)}…` : s;
  };
  return `${where}: ${d.what}: n8n ${show(d.n8n)} / Weft ${show(d.weft)}`;
};
